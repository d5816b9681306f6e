package dev.nnc.lsp;

import dev.nnc.compiler.ast.Ast;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.ir.LayerIR;
import dev.nnc.compiler.ops.ArgSpec;
import dev.nnc.compiler.sema.Evaluator;
import dev.nnc.compiler.sema.Scope;
import dev.nnc.compiler.sema.Value;
import dev.nnc.compiler.sema.Values;
import dev.nnc.compiler.sema.Vocabulary;
import dev.nnc.compiler.sema.Vocabulary.Kind;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The hover text of a name, in Markdown: for a layer, its kind's description and, when the file
 * checks, the row {@code nnc summary} prints for it (output shape, parameters, FLOPs); for a
 * constant or group parameter, its value; for a word the registries know, its one-line
 * description.
 *
 * <pre>
 * conv2d(32, 3)   →   **conv2d** (layer) — 2-D convolution …
 *                     conv2d_1: output [32, 26, 26] · 320 params · 389,376 FLOPs
 * </pre>
 */
final class Hovers {
    private final Vocabulary vocabulary = Vocabulary.standard();
    private final Navigation navigation;

    Hovers(Navigation navigation) {
        this.navigation = navigation;
    }

    /** The Markdown to show, or {@code null} when there is nothing to say. */
    String hover(Analysis a, Index.Occurrence o, Collection<Analysis> others) {
        return switch (o.role()) {
            case LAYER -> layer(a, o, others);
            case CONSTANT_DEF, NAME, PARAM_DEF -> name(a, o, others);
            case GROUP_DEF -> group((Ast.GroupNode) o.node());
            case SETTING_KEY, BLOCK_NAME -> word(Kind.SETTING, o.name());
            case ENTRY_KEY -> o.context() == null ? null : word(o.context(), o.name());
            case CALL -> o.context() == null ? null : word(o.context(), o.name());
            case ARG_NAME -> argument(a, o, others);
            case IMPORT -> "import of `" + o.name() + "`";
            case MODEL_DEF -> model(a);
        };
    }

    private String layer(Analysis a, Index.Occurrence o, Collection<Analysis> others) {
        Index.Occurrence def = navigation.definition(a, o);
        if (def != null && def.role() == Index.Role.GROUP_DEF) {
            return group((Ast.GroupNode) def.node());
        }
        Ast.LayerCall call = (Ast.LayerCall) o.node();
        Kind kind = vocabulary.names(Kind.ACTIVATION).contains(o.name()) ? Kind.ACTIVATION
                : Kind.LAYER;
        StringBuilder sb = new StringBuilder();
        String d = def != null && def.role() == Index.Role.PARAM_DEF ? name(a, def, others)
                : word(kind, o.name());
        sb.append(d == null ? "`" + o.name() + "`" : d);
        List<LayerIR> layers = a.layersAt(o.file(), call.span().line(), call.span().column());
        for (LayerIR l : layers) {
            sb.append("\n\n`").append(l.name()).append("`: output `").append(l.out())
                    .append("` · ").append(count(l.paramCount())).append(" params · ")
                    .append(count(l.flops())).append(" FLOPs");
        }
        if (layers.isEmpty() && a.model() == null) {
            sb.append("\n\n(shapes are shown once the file checks without errors)");
        }
        return sb.toString();
    }

    private String name(Analysis a, Index.Occurrence o, Collection<Analysis> others) {
        Index.Occurrence def = navigation.definition(a, o);
        if (def == null) {
            if (o.context() != null) {
                return word(o.context(), o.name());
            }
            for (Kind k : List.of(Kind.ACTIVATION, Kind.INITIALIZER, Kind.LOSS)) {
                String d = word(k, o.name());
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (def.role() == Index.Role.PARAM_DEF) {
            Ast.GroupParam p = (Ast.GroupParam) def.node();
            String dflt = p.defaultValue() == null ? "no default: every use of the group sets it"
                    : "default `" + text(p.defaultValue()) + "`";
            return "parameter `" + p.name() + "` of group `" + def.group().name() + "` — "
                    + dflt + uses(a, def, others);
        }
        if (def.role() == Index.Role.CONSTANT_DEF) {
            Ast.LetNode let = (Ast.LetNode) def.node();
            return "constant `" + let.name() + "` = " + value(a, def);
        }
        return null;
    }

    /** What each use of the group, in this file or another open one, passes for the parameter. */
    private String uses(Analysis a, Index.Occurrence param, Collection<Analysis> others) {
        Ast.GroupNode g = param.group();
        int position = g.params().indexOf((Ast.GroupParam) param.node());
        Index.Occurrence groupDef = null;
        for (Index.Occurrence o : a.index.all()) {
            if (o.role() == Index.Role.GROUP_DEF && o.node() == g) {
                groupDef = o;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (Index.Occurrence o : groupDef == null ? List.<Index.Occurrence>of()
                : navigation.references(a, groupDef, others)) {
            if (o.role() != Index.Role.LAYER) {
                continue;
            }
            Ast.LayerCall call = (Ast.LayerCall) o.node();
            String value = "default";
            for (int i = 0; i < call.args().size(); i++) {
                Ast.Arg arg = call.args().get(i);
                if (arg.name() == null ? i == position : arg.name().equals(param.name())) {
                    value = "`" + text(arg.value()) + "`";
                }
            }
            sb.append("\n- ").append(value).append(" at ").append(o.span());
        }
        return sb.length() == 0 ? "" : "\n\nvalues at the uses of the group:" + sb;
    }

    /** The value of a constant, evaluated as the checker evaluates it. */
    private String value(Analysis a, Index.Occurrence def) {
        Diagnostics quiet = new Diagnostics();
        Evaluator eval = new Evaluator(quiet);
        Scope scope = new Scope(null);
        // imported files first: the file's own constants may use theirs
        List<Index.Occurrence> ordered = new java.util.ArrayList<>();
        a.index.all().stream().filter(o -> !o.file().equals(a.path)).forEach(ordered::add);
        a.index.all().stream().filter(o -> o.file().equals(a.path)).forEach(ordered::add);
        for (Index.Occurrence o : ordered) {
            if (o.role() == Index.Role.CONSTANT_DEF
                    && (o.model() == null || o.model() == def.model())) {
                Ast.LetNode l = (Ast.LetNode) o.node();
                Value v = eval.eval(l.value(), scope);
                if (o == def) {
                    return v == null ? "(cannot be evaluated)" : describe(v);
                }
                if (v != null && scope.constant(l.name()) == null) {
                    scope.defineConstant(l.name(), v, l.nameSpan(), quiet);
                }
            }
        }
        return "(cannot be evaluated)";
    }

    private static String describe(Value v) {
        if (v instanceof Value.Num n) {
            return "`" + Values.format(n.value()) + "`";
        }
        if (v instanceof Value.Str s) {
            return "`\"" + s.value() + "\"`";
        }
        if (v instanceof Value.Bool b) {
            return "`" + b.value() + "`";
        }
        if (v instanceof Value.Word w) {
            return "`" + w.name() + "`";
        }
        return v.describe();
    }

    private String group(Ast.GroupNode g) {
        StringBuilder sb = new StringBuilder("group `").append(g.name()).append('(');
        for (int i = 0; i < g.params().size(); i++) {
            Ast.GroupParam p = g.params().get(i);
            sb.append(i == 0 ? "" : ", ").append(p.name());
            if (p.defaultValue() != null) {
                sb.append(" = ").append(p.defaultValue().span() == null ? "…"
                        : text(p.defaultValue()));
            }
        }
        return sb.append(")` — ").append(g.body().size()).append(" layer statement")
                .append(g.body().size() == 1 ? "" : "s").toString();
    }

    private String argument(Analysis a, Index.Occurrence o, Collection<Analysis> others) {
        Index.Occurrence param = navigation.definition(a, o);
        if (param != null) {
            return name(a, param, others);
        }
        if (o.context() == null) {
            return null;
        }
        for (ArgSpec s : vocabulary.arguments(o.context(), o.callee())) {
            if (s.name().equals(o.name())) {
                return "argument `" + s.name() + "` of `" + o.callee() + "`: "
                        + s.type().description()
                        + (s.required() ? ", required" : ", default " + show(s.defaultValue()));
            }
        }
        return null;
    }

    private String model(Analysis a) {
        if (a.model() == null) {
            return null;
        }
        return "model `" + a.model().name() + "`: input `" + a.model().input() + "` → output `"
                + a.model().output() + "` · " + a.model().layers().size() + " layers · "
                + count(a.model().paramCount()) + " params · " + count(a.model().flops())
                + " FLOPs";
    }

    private String word(Kind kind, String name) {
        String d = vocabulary.describe(kind, name);
        return d == null ? null : "**" + name + "** (" + kind.label() + ") — " + d;
    }

    /** A default value as a file writes it. */
    static String show(Object v) {
        if (v instanceof Double d) {
            return Values.format(d);
        }
        if (v instanceof List<?> l) {
            return l.isEmpty() ? "as above" : l.toString();
        }
        return String.valueOf(v);
    }

    private static String text(Ast.Expr e) {
        return Positions.text(e.span());
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
