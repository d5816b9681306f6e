package dev.nnc.compiler.ast;

import dev.nnc.compiler.ast.Ast.Arg;
import dev.nnc.compiler.ast.Ast.BlockNode;
import dev.nnc.compiler.ast.Ast.Chain;
import dev.nnc.compiler.ast.Ast.Entry;
import dev.nnc.compiler.ast.Ast.Expr;
import dev.nnc.compiler.ast.Ast.FileNode;
import dev.nnc.compiler.ast.Ast.GroupNode;
import dev.nnc.compiler.ast.Ast.GroupParam;
import dev.nnc.compiler.ast.Ast.ImportNode;
import dev.nnc.compiler.ast.Ast.InputNode;
import dev.nnc.compiler.ast.Ast.LayerCall;
import dev.nnc.compiler.ast.Ast.LayerStmt;
import dev.nnc.compiler.ast.Ast.LetNode;
import dev.nnc.compiler.ast.Ast.ModelItem;
import dev.nnc.compiler.ast.Ast.ModelNode;
import dev.nnc.compiler.ast.Ast.Op;
import dev.nnc.compiler.ast.Ast.PackageNode;
import dev.nnc.compiler.diag.Limits;
import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.compiler.diag.Span;
import dev.nnc.grammar.NNLexer;
import dev.nnc.grammar.NNParser;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Parses a {@code .nn} file and turns the ANTLR parse tree into {@link Ast} records. Syntax errors
 * become diagnostics (see {@link SyntaxErrors}); the tree is built only when there were none.
 */
public final class AstBuilder {
    /** Tokens after which a '-' subtracts rather than negates. */
    private static final Set<Integer> VALUE_END = Set.of(NNLexer.NUMBER, NNLexer.STRING,
            NNLexer.ID, NNLexer.TRUE, NNLexer.FALSE, NNLexer.RPAREN, NNLexer.RBRACK,
            NNLexer.LOSS, NNLexer.OPTIMIZER, NNLexer.INIT, NNLexer.SEED, NNLexer.INPUT,
            NNLexer.REPEAT, NNLexer.GROUP, NNLexer.MODEL, NNLexer.LET, NNLexer.IMPORT,
            NNLexer.PACKAGE);

    private final SourceFile source;
    private final Diagnostics diags;
    private int exprDepth;
    private int terms;

    private AstBuilder(SourceFile source, Diagnostics diags) {
        this.source = source;
        this.diags = diags;
    }

    /** Parses {@code source}; returns {@code null} after reporting syntax errors. */
    public static FileNode parse(SourceFile source, Diagnostics diags) {
        Parsed p = parseTree(source, diags);
        return p == null ? null : new AstBuilder(source, diags).file(p.tree());
    }

    /**
     * A parse tree and the tokens it came from (comments on their hidden channel among them).
     *
     * @param tree the tree of the whole file
     * @param tokens every token of the file, in order
     */
    public record Parsed(NNParser.FileContext tree, List<Token> tokens) {
    }

    /**
     * The parse tree of {@code source}, with the same limits as compiling (nesting checked before
     * the recursive parser runs); {@code null} after reporting syntax errors. The formatter and
     * the compiler both parse through here.
     */
    public static Parsed parseTree(SourceFile source, Diagnostics diags) {
        NNLexer lexer = new NNLexer(CharStreams.fromString(source.text()));
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        NNParser parser = new NNParser(tokens);
        SyntaxErrors listener = new SyntaxErrors(source, diags);
        lexer.removeErrorListeners();
        parser.removeErrorListeners();
        lexer.addErrorListener(listener);
        parser.addErrorListener(listener);
        tokens.fill();
        if (!new AstBuilder(source, diags).nestingWithinLimit(tokens.getTokens())) {
            return null;
        }
        // NOTE: SLL prediction first, as ANTLR advises: linear on the inputs people write; the
        // full LL prediction (and its error messages) only when SLL gives up.
        parser.removeErrorListeners();
        parser.setErrorHandler(new BailErrorStrategy());
        parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
        NNParser.FileContext tree;
        try {
            tree = parser.file();
        } catch (ParseCancellationException e) {
            tokens.seek(0);
            parser.reset();
            parser.addErrorListener(listener);
            parser.setErrorHandler(new DefaultErrorStrategy());
            parser.getInterpreter().setPredictionMode(PredictionMode.LL);
            tree = parser.file();
        }
        if (listener.count() > 0) {
            return null;
        }
        return new Parsed(tree, tokens.getTokens());
    }

    /**
     * Checks, before the recursive parser runs, that brackets, braces, parentheses and unary
     * minus signs nest at most {@link Limits#NESTING} deep, so that no input overflows the stack.
     */
    private boolean nestingWithinLimit(List<Token> tokens) {
        Deque<Integer> open = new ArrayDeque<>();
        int depth = 0;
        int minus = 0;
        Token prev = null;
        for (Token t : tokens) {
            if (t.getChannel() != Token.DEFAULT_CHANNEL || t.getType() == Token.EOF) {
                continue;
            }
            int type = t.getType();
            if (type == NNLexer.MINUS && (prev == null || !VALUE_END.contains(prev.getType()))) {
                minus++;
            } else if (type == NNLexer.LPAREN || type == NNLexer.LBRACK
                    || type == NNLexer.LBRACE) {
                open.push(1 + minus);
                depth += 1 + minus;
                minus = 0;
            } else {
                if ((type == NNLexer.RPAREN || type == NNLexer.RBRACK || type == NNLexer.RBRACE)
                        && !open.isEmpty()) {
                    depth -= open.pop();
                }
                minus = 0;
            }
            if (depth + minus > Limits.NESTING) {
                diags.report(Code.NESTING_TOO_DEEP, span(t), "nesting deeper than %d levels "
                        + "(brackets, braces, parentheses and '-' signs); write it flatter, e.g. "
                        + "with 'let' constants or groups", Limits.NESTING);
                return false;
            }
            prev = t;
        }
        return true;
    }

    private Span span(Token t) {
        String text = t.getType() == Token.EOF ? " " : t.getText();
        int len = Math.max(1, text.codePointCount(0, text.length()));
        return new Span(source, Math.max(1, t.getLine()), t.getCharPositionInLine() + 1, len);
    }

    private Span span(TerminalNode n) {
        return span(n.getSymbol());
    }

    private Span span(ParserRuleContext ctx) {
        Span start = span(ctx.getStart());
        Token stop = ctx.getStop();
        return stop == null ? start : start.to(span(stop));
    }

    private FileNode file(NNParser.FileContext ctx) {
        PackageNode pkg = null;
        if (ctx.packageDecl() != null) {
            NNParser.QualifiedNameContext q = ctx.packageDecl().qualifiedName();
            pkg = new PackageNode(q.getText(), span(q));
        }
        List<ImportNode> imports = new ArrayList<>();
        for (NNParser.ImportDeclContext i : ctx.importDecl()) {
            imports.add(new ImportNode(unquote(i.STRING().getText()), span(i.STRING())));
        }
        List<LetNode> lets = new ArrayList<>();
        List<GroupNode> groups = new ArrayList<>();
        List<ModelNode> models = new ArrayList<>();
        for (NNParser.TopItemContext item : ctx.topItem()) {
            if (item.letDecl() != null) {
                lets.add(let(item.letDecl()));
            } else if (item.groupDecl() != null) {
                groups.add(group(item.groupDecl()));
            } else {
                models.add(model(item.modelDecl()));
            }
        }
        return new FileNode(source, pkg, imports, lets, groups, models);
    }

    private LetNode let(NNParser.LetDeclContext ctx) {
        return new LetNode(ctx.ID().getText(), span(ctx.ID()), expr(ctx.expr()));
    }

    private GroupNode group(NNParser.GroupDeclContext ctx) {
        List<GroupParam> params = new ArrayList<>();
        for (NNParser.GroupParamContext p : ctx.groupParam()) {
            params.add(new GroupParam(p.ID().getText(), span(p.ID()),
                    p.expr() == null ? null : expr(p.expr())));
        }
        List<LayerStmt> body = new ArrayList<>();
        for (NNParser.LayerStmtContext s : ctx.layerStmt()) {
            body.add(layerStmt(s));
        }
        return new GroupNode(ctx.ID().getText(), span(ctx.ID()), params, body);
    }

    private ModelNode model(NNParser.ModelDeclContext ctx) {
        List<ModelItem> items = new ArrayList<>();
        for (NNParser.ModelItemContext item : ctx.modelItem()) {
            items.add(modelItem(item));
        }
        return new ModelNode(ctx.ID().getText(), span(ctx.ID()), items);
    }

    private ModelItem modelItem(NNParser.ModelItemContext ctx) {
        if (ctx.letDecl() != null) {
            return let(ctx.letDecl());
        }
        if (ctx.inputDecl() != null) {
            NNParser.InputDeclContext in = ctx.inputDecl();
            List<Expr> dims = new ArrayList<>();
            for (NNParser.ExprContext e : in.shape().expr()) {
                dims.add(expr(e));
            }
            String name = in.ID() == null ? "x" : in.ID().getText();
            return new InputNode(name, dims, span(in.shape()));
        }
        if (ctx.layerStmt() != null) {
            return layerStmt(ctx.layerStmt());
        }
        if (ctx.setting() != null) {
            NNParser.SettingContext s = ctx.setting();
            return new Ast.SettingNode(s.key.getText(), span(s.key), expr(s.expr()));
        }
        NNParser.BlockContext b = ctx.block();
        List<Entry> entries = new ArrayList<>();
        for (NNParser.EntryContext e : b.entry()) {
            entries.add(new Entry(e.word().getText(), span(e.word()), expr(e.expr())));
        }
        return new BlockNode(b.name.getText(), span(b.name), entries);
    }

    private LayerStmt layerStmt(NNParser.LayerStmtContext ctx) {
        if (ctx instanceof NNParser.RepeatStmtContext r) {
            List<LayerStmt> body = new ArrayList<>();
            for (NNParser.LayerStmtContext s : r.layerStmt()) {
                body.add(layerStmt(s));
            }
            return new Ast.Repeat(expr(r.expr()), body, span(r.REPEAT()));
        }
        NNParser.ChainStmtContext c = (NNParser.ChainStmtContext) ctx;
        List<LayerCall> calls = new ArrayList<>();
        for (NNParser.LayerCallContext lc : c.layerCall()) {
            calls.add(new LayerCall(lc.ID().getText(), span(lc.ID()), args(lc.argList()), span(lc)));
        }
        return new Chain(calls);
    }

    private List<Arg> args(NNParser.ArgListContext ctx) {
        List<Arg> out = new ArrayList<>();
        if (ctx == null) {
            return out;
        }
        List<NNParser.ArgContext> all = ctx.arg();
        if (all.size() > Limits.ARGUMENTS) {
            diags.report(Code.ARGUMENT_LIMIT, span(all.get(Limits.ARGUMENTS)), "more than %d "
                    + "arguments in one call (%d)", Limits.ARGUMENTS, all.size());
            all = all.subList(0, Limits.ARGUMENTS);
        }
        for (NNParser.ArgContext a : all) {
            if (a.word() != null) {
                out.add(new Arg(a.word().getText(), span(a.word()), expr(a.expr())));
            } else {
                out.add(new Arg(null, span(a.expr()), expr(a.expr())));
            }
        }
        return out;
    }

    /**
     * The expression of {@code ctx}. An expression of more than {@link Limits#EXPRESSION_TERMS}
     * terms is reported once and cut off, which also bounds the depth of the recursion here and
     * in every pass over the tree.
     */
    private Expr expr(NNParser.ExprContext ctx) {
        if (exprDepth == 0) {
            terms = 0;
        }
        if (++terms > Limits.EXPRESSION_TERMS) {
            if (terms == Limits.EXPRESSION_TERMS + 1) {
                diags.report(Code.EXPRESSION_TOO_LONG, span(ctx.getStart()), "expression of "
                        + "more than %d terms; split it with 'let' constants",
                        Limits.EXPRESSION_TERMS);
            }
            return new Ast.Num(0, "0", span(ctx.getStart()));
        }
        exprDepth++;
        try {
            return term(ctx);
        } finally {
            exprDepth--;
        }
    }

    private Expr term(NNParser.ExprContext ctx) {
        if (ctx instanceof NNParser.NumberExprContext n) {
            String text = n.NUMBER().getText();
            double v = Double.parseDouble(text.replace("_", ""));
            if (Double.isInfinite(v)) {
                diags.report(Code.BAD_NUMBER, span(n.NUMBER()), "number %s is too large", text);
                v = 0;
            }
            return new Ast.Num(v, text, span(n.NUMBER()));
        }
        if (ctx instanceof NNParser.StringExprContext s) {
            return new Ast.Str(unquote(s.STRING().getText()), span(s.STRING()));
        }
        if (ctx instanceof NNParser.BoolExprContext b) {
            return new Ast.Bool(b.TRUE() != null, span(b));
        }
        if (ctx instanceof NNParser.NameExprContext n) {
            return new Ast.Name(n.word().getText(), span(n.word()));
        }
        if (ctx instanceof NNParser.CallExprContext c) {
            return new Ast.Call(c.ID().getText(), span(c.ID()), args(c.argList()), span(c));
        }
        if (ctx instanceof NNParser.ListExprContext l) {
            List<Expr> items = new ArrayList<>();
            for (NNParser.ExprContext e : l.expr()) {
                items.add(expr(e));
            }
            return new Ast.ListExpr(items, span(l));
        }
        if (ctx instanceof NNParser.ParenExprContext p) {
            return expr(p.expr());
        }
        if (ctx instanceof NNParser.NegExprContext n) {
            return new Ast.Neg(expr(n.expr()), span(n));
        }
        if (ctx instanceof NNParser.MulExprContext m) {
            return binary(m.op.getType() == NNParser.STAR ? Op.MUL : Op.DIV, m.expr(0), m.expr(1),
                    m.op);
        }
        if (ctx instanceof NNParser.AddExprContext a) {
            return binary(a.op.getType() == NNParser.PLUS ? Op.ADD : Op.SUB, a.expr(0), a.expr(1),
                    a.op);
        }
        if (ctx instanceof NNParser.CmpExprContext c) {
            Op op = switch (c.op.getType()) {
                case NNParser.LT -> Op.LT;
                case NNParser.LE -> Op.LE;
                case NNParser.GT -> Op.GT;
                case NNParser.GE -> Op.GE;
                default -> throw new AssertionError(c.op.getText());
            };
            return binary(op, c.expr(0), c.expr(1), c.op);
        }
        if (ctx instanceof NNParser.AndExprContext a) {
            return binary(Op.AND, a.expr(0), a.expr(1), a.AND().getSymbol());
        }
        if (ctx instanceof NNParser.OrExprContext o) {
            return binary(Op.OR, o.expr(0), o.expr(1), o.OR().getSymbol());
        }
        throw new AssertionError(ctx.getClass());
    }

    private Expr binary(Op op, NNParser.ExprContext l, NNParser.ExprContext r, Token opToken) {
        return new Ast.Binary(op, expr(l), expr(r), span(opToken));
    }

    private static String unquote(String quoted) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c == '\\' && i + 1 < quoted.length() - 1) {
                char n = quoted.charAt(++i);
                sb.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> n;
                });
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
