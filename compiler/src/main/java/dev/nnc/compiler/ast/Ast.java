package dev.nnc.compiler.ast;

import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.compiler.diag.Span;
import java.util.List;

/**
 * The abstract syntax of a {@code .nn} file: immutable records with source spans, built from the
 * parse tree by {@link AstBuilder}. Names are kept as written; resolving them is the checker's job.
 */
public final class Ast {
    private Ast() {
    }

    /** A whole file. */
    public record FileNode(SourceFile source, PackageNode pkg, List<ImportNode> imports,
            List<LetNode> lets, List<GroupNode> groups, List<ModelNode> models) {
        public FileNode {
            imports = List.copyOf(imports);
            lets = List.copyOf(lets);
            groups = List.copyOf(groups);
            models = List.copyOf(models);
        }
    }

    /** {@code package com.example.models}. */
    public record PackageNode(String name, Span span) {
    }

    /** {@code import "common.nn"}. */
    public record ImportNode(String path, Span span) {
    }

    /** {@code let hidden = 16}. */
    public record LetNode(String name, Span nameSpan, Expr value) implements ModelItem {
    }

    /** {@code group block(units, act = relu) { ... }}. */
    public record GroupNode(String name, Span nameSpan, List<GroupParam> params,
            List<LayerStmt> body) {
        public GroupNode {
            params = List.copyOf(params);
            body = List.copyOf(body);
        }
    }

    /** A group parameter, with its default value or {@code null}. */
    public record GroupParam(String name, Span span, Expr defaultValue) {
    }

    /** {@code model Name { ... }}. */
    public record ModelNode(String name, Span nameSpan, List<ModelItem> items) {
        public ModelNode {
            items = List.copyOf(items);
        }
    }

    /** Something inside a model body. */
    public sealed interface ModelItem permits LetNode, InputNode, LayerStmt, SettingNode,
            BlockNode {
    }

    /** {@code input x[1, 28, 28]}. */
    public record InputNode(String name, List<Expr> dims, Span span) implements ModelItem {
        public InputNode {
            dims = List.copyOf(dims);
        }
    }

    /** {@code loss mse}, {@code optimizer sgd(lr: 0.1)}, {@code init xavier}, {@code seed 1}. */
    public record SettingNode(String key, Span keySpan, Expr value) implements ModelItem {
    }

    /** {@code train { epochs: 10, batch: 5 }}. */
    public record BlockNode(String name, Span nameSpan, List<Entry> entries) implements ModelItem {
        public BlockNode {
            entries = List.copyOf(entries);
        }
    }

    /** {@code key: value} inside a block. */
    public record Entry(String key, Span keySpan, Expr value) {
    }

    /** A layer statement. */
    public sealed interface LayerStmt extends ModelItem permits Chain, Repeat {
    }

    /** {@code dense(4) -> relu}: layers applied one after another. */
    public record Chain(List<LayerCall> calls) implements LayerStmt {
        public Chain {
            calls = List.copyOf(calls);
        }
    }

    /** {@code repeat 3 { ... }}. */
    public record Repeat(Expr count, List<LayerStmt> body, Span span) implements LayerStmt {
        public Repeat {
            body = List.copyOf(body);
        }
    }

    /** {@code dense(16, bias: false)} or a bare {@code relu}; a layer, activation or group. */
    public record LayerCall(String name, Span nameSpan, List<Arg> args, Span span) {
        public LayerCall {
            args = List.copyOf(args);
        }
    }

    /** An argument, named ({@code lr: 0.1}) or positional ({@code name == null}). */
    public record Arg(String name, Span nameSpan, Expr value) {
    }

    /** An expression. */
    public sealed interface Expr permits Num, Str, Bool, Name, Call, ListExpr, Binary, Neg {
        Span span();
    }

    /** A number literal. */
    public record Num(double value, String text, Span span) implements Expr {
    }

    /** A string literal, unescaped. */
    public record Str(String value, Span span) implements Expr {
    }

    /** {@code true} or {@code false}. */
    public record Bool(boolean value, Span span) implements Expr {
    }

    /** A bare name: a constant, or a word such as {@code last} or {@code relu}. */
    public record Name(String name, Span span) implements Expr {
    }

    /** {@code csv("a.csv", label: last)} or {@code normal(std: 0.01)}. */
    public record Call(String name, Span nameSpan, List<Arg> args, Span span) implements Expr {
        public Call {
            args = List.copyOf(args);
        }
    }

    /** {@code ["a", "b"]}. */
    public record ListExpr(List<Expr> items, Span span) implements Expr {
        public ListExpr {
            items = List.copyOf(items);
        }
    }

    /** Binary operators, arithmetic, comparison and logical. */
    public enum Op {
        ADD("+"), SUB("-"), MUL("*"), DIV("/"), LT("<"), LE("<="), GT(">"), GE(">="),
        AND("and"), OR("or");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    /** {@code left op right}. */
    public record Binary(Op op, Expr left, Expr right, Span span) implements Expr {
    }

    /** {@code -e}. */
    public record Neg(Expr operand, Span span) implements Expr {
    }
}
