package dev.nnc.compiler.sema;

import dev.nnc.compiler.diag.Limits;
import dev.nnc.compiler.ast.Ast;
import dev.nnc.compiler.ast.Ast.LayerCall;
import dev.nnc.compiler.ast.Ast.LayerStmt;
import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.diag.Span;
import dev.nnc.compiler.ops.Args;
import dev.nnc.compiler.ops.LayerKind;
import dev.nnc.compiler.ops.Registry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Flattens a model's layer statements into the sequence of layers it means: group calls are
 * replaced by their bodies with the arguments bound, {@code repeat} bodies are copied, and names a
 * group received as parameters ({@code act}) are replaced by the layer they name.
 */
public final class Expander {
    /** Guards against a model that would expand into millions of layers by mistake. */
    static final int MAX_LAYERS = Limits.LAYERS;

    private final Diagnostics diags;
    private final Evaluator eval;
    private final ArgBinder binder;
    private final Registry registry;
    private final Deque<String> groupStack = new ArrayDeque<>();
    private boolean tooMany;
    private int steps;
    private boolean unresolved;

    /** One layer after expansion. */
    public record LayerUse(LayerKind kind, Args args, Span span) {
    }

    public Expander(Diagnostics diags, Evaluator eval, ArgBinder binder, Registry registry) {
        this.diags = diags;
        this.eval = eval;
        this.binder = binder;
        this.registry = registry;
    }

    /** True when a layer name was left unresolved because an import failed. */
    public boolean unresolved() {
        return unresolved;
    }

    /** Expands {@code stmts}; layers that failed to resolve are left out after a diagnostic. */
    public List<LayerUse> expand(List<LayerStmt> stmts, Scope scope) {
        List<LayerUse> out = new ArrayList<>();
        expandInto(stmts, scope, out);
        return out;
    }

    private void expandInto(List<LayerStmt> stmts, Scope scope, List<LayerUse> out) {
        for (LayerStmt s : stmts) {
            if (tooMany) {
                return;
            }
            if (!step(s instanceof Ast.Repeat r ? r.count().span()
                    : ((Ast.Chain) s).calls().get(0).nameSpan())) {
                return;
            }
            if (s instanceof Ast.Repeat r) {
                Double count = eval.number(eval.eval(r.count(), scope), scope, "repeat");
                if (count == null) {
                    continue;
                }
                if (count != Math.rint(count) || count < 1 || count > MAX_LAYERS) {
                    diags.report(Code.ARGUMENT_RANGE, r.count().span(), "repeat needs a whole "
                            + "number of times from 1 to %d, not %s", MAX_LAYERS,
                            Values.format(count));
                    continue;
                }
                for (int i = 0; i < count.intValue() && !tooMany && step(r.count().span());
                        i++) {
                    int before = diags.count();
                    expandInto(r.body(), scope, out);
                    if (diags.count() > before) {
                        break; // the body's errors would repeat on every copy
                    }
                }
            } else {
                Ast.Chain c = (Ast.Chain) s;
                for (int i = 0; i < c.calls().size(); i++) {
                    call(c.calls().get(i), i > 0, scope, out);
                }
            }
        }
    }

    /** Counts one step of expansion; false (after a diagnostic at {@code at}) past the limit. */
    private boolean step(Span at) {
        if (++steps <= Limits.EXPANSION_STEPS) {
            return true;
        }
        if (!tooMany) {
            diags.report(Code.EXPANSION_TOO_LARGE, at, "the model's groups and repeats expand "
                    + "into more than %d steps; use fewer or smaller repeats",
                    Limits.EXPANSION_STEPS);
        }
        tooMany = true;
        return false;
    }

    private void call(LayerCall call, boolean attached, Scope scope, List<LayerUse> out) {
        String name = call.name();
        List<Value.Arg> args = eval.evalArgs(call.args(), scope);
        if (args == null) {
            return;
        }
        // A group parameter may stand for a layer: `dense(units) -> act` with act = relu.
        Value bound = scope.constant(name);
        if (bound instanceof Value.Word w) {
            name = w.name();
        } else if (bound instanceof Value.Call c) {
            name = c.name();
            if (args.isEmpty()) {
                args = c.args();
            }
        } else if (bound != null) {
            diags.report(Code.ARGUMENT_TYPE, call.nameSpan(), "'%s' is %s, not a layer",
                    name, bound.describe());
            return;
        }
        LayerKind kind = registry.layer(name);
        if (kind != null) {
            if (attached && !kind.isActivation()) {
                diags.report(Code.UNKNOWN_ACTIVATION, call.nameSpan(), "'%s' is a layer, not an "
                        + "activation; only activations (%s) attach with '->'", name,
                        String.join(", ", registry.activationNames()));
                return;
            }
            Args a = binder.bind(name, kind.args(), args, call.span(), scope);
            if (a != null) {
                if (out.size() >= MAX_LAYERS) {
                    diags.report(Code.ARGUMENT_RANGE, call.span(), "the model expands to more "
                            + "than %d layers", MAX_LAYERS);
                    tooMany = true;
                    return;
                }
                out.add(new LayerUse(kind, a, call.nameSpan()));
            }
            return;
        }
        Scope.Group group = scope.group(name);
        if (group != null && !attached) {
            expandGroup(group, call, args, out);
            return;
        }
        if (attached) {
            diags.report(Code.UNKNOWN_ACTIVATION, call.nameSpan(), "unknown activation '%s'%s",
                    name, Names.known(name, registry.activationNames()));
            return;
        }
        if (eval.incomplete()) {
            unresolved = true;
            return; // perhaps a group of the import that failed
        }
        Set<String> known = new LinkedHashSet<>(registry.layerNames());
        known.addAll(scope.groupNames());
        diags.report(Code.UNKNOWN_LAYER, call.nameSpan(), "unknown layer '%s'%s", name,
                Names.known(name, known));
    }

    private String chain(String last) {
        List<String> names = new ArrayList<>(groupStack);
        java.util.Collections.reverse(names);
        names.add(last);
        return String.join(" -> ", names);
    }

    private void expandGroup(Scope.Group group, LayerCall call, List<Value.Arg> args,
            List<LayerUse> out) {
        Ast.GroupNode g = group.node();
        if (groupStack.contains(g.name())) {
            diags.report(Code.GROUP_RECURSION, call.nameSpan(), "group '%s' uses itself (%s)",
                    g.name(), chain(g.name()));
            return;
        }
        Scope inner = new Scope(group.scope());
        List<String> params = g.params().stream().map(Ast.GroupParam::name).toList();
        boolean ok = true;
        int position = 0;
        Set<String> seen = new LinkedHashSet<>();
        for (Value.Arg a : args) {
            String pname;
            if (a.name() == null) {
                if (position >= params.size()) {
                    diags.report(Code.TOO_MANY_ARGUMENTS, a.value().span(), "group %s takes %d "
                            + "argument%s (%s)", g.name(), params.size(),
                            params.size() == 1 ? "" : "s", String.join(", ", params));
                    ok = false;
                    continue;
                }
                pname = params.get(position++);
            } else if (!params.contains(a.name())) {
                diags.report(Code.UNKNOWN_ARGUMENT, a.nameSpan(), "group %s has no parameter "
                        + "'%s'%s", g.name(), a.name(), Names.suggestion(a.name(), params));
                ok = false;
                continue;
            } else {
                pname = a.name();
            }
            if (!seen.add(pname)) {
                diags.report(Code.DUPLICATE_ARGUMENT, a.nameSpan(), "argument '%s' of group %s "
                        + "is given twice", pname, g.name());
                ok = false;
                continue;
            }
            inner.bindParameter(pname, a.value(), a.value().span());
        }
        for (Ast.GroupParam p : g.params()) {
            if (seen.contains(p.name())) {
                continue;
            }
            if (p.defaultValue() == null) {
                diags.report(Code.MISSING_ARGUMENT, call.span(), "group %s needs the argument "
                        + "'%s'", g.name(), p.name());
                ok = false;
                continue;
            }
            Value dv = eval.eval(p.defaultValue(), group.scope());
            if (dv == null) {
                ok = false;
                continue;
            }
            inner.bindParameter(p.name(), dv, p.span());
        }
        if (!ok) {
            return;
        }
        if (groupStack.size() >= Limits.GROUP_DEPTH) {
            diags.report(Code.GROUPS_TOO_DEEP, call.nameSpan(), "group calls nest deeper than "
                    + "%d levels", Limits.GROUP_DEPTH);
            tooMany = true;
            return;
        }
        groupStack.push(g.name());
        expandInto(g.body(), inner, out);
        groupStack.pop();
    }
}
