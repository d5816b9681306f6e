package dev.nnc.lsp;

import dev.nnc.compiler.ast.Ast;
import dev.nnc.compiler.ast.Ast.FileNode;
import dev.nnc.compiler.diag.Span;
import dev.nnc.compiler.sema.Vocabulary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every name written in the files of one analysis, with what it is: the definitions of constants,
 * groups and group parameters, the uses of names, layer calls, settings, block keys and calls.
 * Hover, definition, references and rename look names up here.
 *
 * <pre>
 * let hidden = 16                 CONSTANT_DEF "hidden"
 * model M { dense(hidden) }       LAYER "dense", NAME "hidden"
 * </pre>
 */
final class Index {
    /** What a name is. */
    enum Role {
        CONSTANT_DEF, GROUP_DEF, PARAM_DEF, MODEL_DEF, IMPORT, NAME, LAYER, SETTING_KEY,
        BLOCK_NAME, ENTRY_KEY, CALL, ARG_NAME
    }

    /**
     * One occurrence of a name.
     *
     * @param group the group whose body or signature it is in, or {@code null}
     * @param model the model it is in, or {@code null}
     * @param context for a NAME or CALL: what its value means there (a loss after {@code loss},
     *     a schedule after {@code schedule:}), else {@code null}; for an ENTRY_KEY: its block's
     *     key kind
     * @param callee for an ARG_NAME: the name of the layer or call it is an argument of
     */
    record Occurrence(Role role, String name, Span span, Path file, Ast.GroupNode group,
            Ast.ModelNode model, Vocabulary.Kind context, String callee, Object node) {
        boolean contains(int line, int column) {
            return span.line() == line && column >= span.column()
                    && column <= span.column() + span.length();
        }
    }

    private final List<Occurrence> all = new ArrayList<>();

    Index(Map<Path, FileNode> files) {
        for (Map.Entry<Path, FileNode> e : files.entrySet()) {
            new Walker(e.getKey()).file(e.getValue());
        }
    }

    List<Occurrence> all() {
        return all;
    }

    /** The occurrence at a 1-based line and column of {@code file}, or {@code null}. */
    Occurrence at(Path file, int line, int column) {
        Occurrence best = null;
        for (Occurrence o : all) {
            if (o.file().equals(file) && o.contains(line, column)
                    && (best == null || o.span().length() < best.span().length())) {
                best = o;
            }
        }
        return best;
    }

    private final class Walker {
        private final Path file;
        private Ast.GroupNode group;
        private Ast.ModelNode model;

        Walker(Path file) {
            this.file = file;
        }

        void add(Role role, String name, Span span, Vocabulary.Kind context, String callee,
                Object node) {
            if (span != null && name != null) {
                all.add(new Occurrence(role, name, span, file, group, model, context, callee,
                        node));
            }
        }

        void file(FileNode f) {
            for (Ast.ImportNode i : f.imports()) {
                add(Role.IMPORT, i.path(), i.span(), null, null, i);
            }
            for (Ast.LetNode l : f.lets()) {
                let(l);
            }
            for (Ast.GroupNode g : f.groups()) {
                group = g;
                add(Role.GROUP_DEF, g.name(), g.nameSpan(), null, null, g);
                for (Ast.GroupParam p : g.params()) {
                    add(Role.PARAM_DEF, p.name(), p.span(), null, null, p);
                    if (p.defaultValue() != null) {
                        expr(p.defaultValue(), null);
                    }
                }
                layers(g.body());
                group = null;
            }
            for (Ast.ModelNode m : f.models()) {
                model = m;
                add(Role.MODEL_DEF, m.name(), m.nameSpan(), null, null, m);
                for (Ast.ModelItem item : m.items()) {
                    modelItem(item);
                }
                model = null;
            }
        }

        void let(Ast.LetNode l) {
            add(Role.CONSTANT_DEF, l.name(), l.nameSpan(), null, null, l);
            expr(l.value(), null);
        }

        void modelItem(Ast.ModelItem item) {
            if (item instanceof Ast.LetNode l) {
                let(l);
            } else if (item instanceof Ast.InputNode in) {
                for (Ast.Expr d : in.dims()) {
                    expr(d, null);
                }
            } else if (item instanceof Ast.LayerStmt s) {
                layers(List.of(s));
            } else if (item instanceof Ast.SettingNode s) {
                add(Role.SETTING_KEY, s.key(), s.keySpan(), Vocabulary.Kind.SETTING, null, s);
                expr(s.value(), switch (s.key()) {
                    case "loss" -> Vocabulary.Kind.LOSS;
                    case "optimizer" -> Vocabulary.Kind.OPTIMIZER;
                    case "init" -> Vocabulary.Kind.INITIALIZER;
                    default -> null;
                });
            } else if (item instanceof Ast.BlockNode b) {
                add(Role.BLOCK_NAME, b.name(), b.nameSpan(), Vocabulary.Kind.SETTING, null, b);
                Vocabulary.Kind keys = b.name().equals("train") ? Vocabulary.Kind.TRAIN_KEY
                        : b.name().equals("data") ? Vocabulary.Kind.DATA_KEY
                        : b.name().equals("ensemble") ? Vocabulary.Kind.ENSEMBLE_KEY : null;
                for (Ast.Entry e : b.entries()) {
                    add(Role.ENTRY_KEY, e.key(), e.keySpan(), keys, null, e);
                    expr(e.value(), valueKind(keys, e.key()));
                }
            } else {
                throw new AssertionError(item);
            }
        }

        Vocabulary.Kind valueKind(Vocabulary.Kind keys, String key) {
            if (keys == Vocabulary.Kind.TRAIN_KEY && key.equals("schedule")) {
                return Vocabulary.Kind.SCHEDULE;
            }
            if (keys == Vocabulary.Kind.DATA_KEY && (key.equals("train") || key.equals("test"))) {
                return Vocabulary.Kind.DATA_SOURCE;
            }
            return null;
        }

        void layers(List<Ast.LayerStmt> stmts) {
            for (Ast.LayerStmt s : stmts) {
                if (s instanceof Ast.Chain c) {
                    for (Ast.LayerCall call : c.calls()) {
                        add(Role.LAYER, call.name(), call.nameSpan(), null, null, call);
                        args(call.args(), call.name(), Vocabulary.Kind.LAYER);
                    }
                } else if (s instanceof Ast.Repeat r) {
                    expr(r.count(), null);
                    layers(r.body());
                } else {
                    throw new AssertionError(s);
                }
            }
        }

        void args(List<Ast.Arg> args, String callee, Vocabulary.Kind kind) {
            for (Ast.Arg a : args) {
                if (a.name() != null) {
                    add(Role.ARG_NAME, a.name(), a.nameSpan(), kind, callee, a);
                }
                Vocabulary.Kind valueKind = "init".equals(a.name())
                        ? Vocabulary.Kind.INITIALIZER : null;
                expr(a.value(), valueKind);
            }
        }

        void expr(Ast.Expr e, Vocabulary.Kind context) {
            if (e instanceof Ast.Name n) {
                add(Role.NAME, n.name(), n.span(), context, null, n);
            } else if (e instanceof Ast.Call c) {
                add(Role.CALL, c.name(), c.nameSpan(), context, null, c);
                args(c.args(), c.name(), context);
            } else if (e instanceof Ast.ListExpr l) {
                for (Ast.Expr i : l.items()) {
                    expr(i, null);
                }
            } else if (e instanceof Ast.Binary b) {
                expr(b.left(), null);
                expr(b.right(), null);
            } else if (e instanceof Ast.Neg n) {
                expr(n.operand(), null);
            }
        }
    }
}
