package dev.nnc.compiler.sema;

import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.diag.Span;
import dev.nnc.compiler.ops.ArgSpec;
import dev.nnc.compiler.ops.Args;
import dev.nnc.compiler.ops.InitSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds the arguments of a call to a layer, optimizer or initializer against its {@link ArgSpec}s:
 * positional ones in order, named ones by name; checks types and ranges; fills defaults.
 */
public final class ArgBinder {
    private final Diagnostics diags;
    private final Evaluator eval;

    public ArgBinder(Diagnostics diags, Evaluator eval) {
        this.diags = diags;
        this.eval = eval;
    }

    /**
     * @param owner the callee as messages name it, e.g. "dense"
     * @return the bound arguments, or {@code null} after reporting
     */
    public Args bind(String owner, List<ArgSpec> specs, List<Value.Arg> args, Span callSpan,
            Scope scope) {
        Map<String, Value> given = new LinkedHashMap<>();
        boolean ok = true;
        int position = 0;
        List<String> names = specs.stream().map(ArgSpec::name).toList();
        for (Value.Arg a : args) {
            String name;
            if (a.name() == null) {
                if (position >= specs.size()) {
                    diags.report(Code.TOO_MANY_ARGUMENTS, a.value().span(), "%s takes %s",
                            owner, specs.isEmpty() ? "no arguments"
                                    : "at most " + specs.size() + " argument"
                                    + (specs.size() == 1 ? "" : "s") + " (" + String.join(", ",
                                    names) + ")");
                    ok = false;
                    continue;
                }
                name = specs.get(position++).name();
            } else {
                name = a.name();
                if (!names.contains(name)) {
                    diags.report(Code.UNKNOWN_ARGUMENT, a.nameSpan(), "%s has no argument '%s'%s",
                            owner, name, specs.isEmpty() ? "; it takes none"
                                    : suggestOrList(name, names));
                    ok = false;
                    continue;
                }
            }
            if (given.containsKey(name)) {
                diags.report(Code.DUPLICATE_ARGUMENT, a.nameSpan(), "argument '%s' of %s is "
                        + "given twice", name, owner);
                ok = false;
                continue;
            }
            given.put(name, a.value());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (ArgSpec spec : specs) {
            Value v = given.get(spec.name());
            if (v == null) {
                if (spec.required()) {
                    diags.report(Code.MISSING_ARGUMENT, callSpan, "%s needs the argument '%s' (%s)",
                            owner, spec.name(), spec.type().description());
                    ok = false;
                } else {
                    out.put(spec.name(), spec.defaultValue());
                }
                continue;
            }
            Object checked = check(owner, spec, v, scope);
            if (checked == null) {
                ok = false;
            } else {
                out.put(spec.name(), checked);
            }
        }
        return ok ? new Args(out) : null;
    }

    private static String suggestOrList(String name, List<String> names) {
        String s = Names.suggestion(name, names);
        return s.isEmpty() ? "; its arguments: " + String.join(", ", names) : s;
    }

    private Object check(String owner, ArgSpec spec, Value v, Scope scope) {
        String what = "'" + spec.name() + "' of " + owner;
        switch (spec.type()) {
            case INT, NUMBER -> {
                Double d = eval.number(v, scope, what);
                if (d == null) {
                    return null;
                }
                if (spec.type() == ArgSpec.Type.INT && (d != Math.rint(d) || Math.abs(d) > 1e9)) {
                    diags.report(Code.ARGUMENT_TYPE, v.span(), "%s must be an integer, not %s",
                            what, Values.format(d));
                    return null;
                }
                if (!spec.inRange(d)) {
                    diags.report(Code.ARGUMENT_RANGE, v.span(), "%s must be %s, not %s", what,
                            spec.rangeText(), Values.format(d));
                    return null;
                }
                if (Math.abs(d) > Float.MAX_VALUE) {
                    diags.report(Code.ARGUMENT_RANGE, v.span(), "%s is %s, out of the range of a "
                            + "float (at most %s)", what, Values.format(d), Float.MAX_VALUE);
                    return null;
                }
                return spec.type() == ArgSpec.Type.INT ? (Object) (int) (double) d : (Object) d;
            }
            case BOOL -> {
                if (v instanceof Value.Bool b) {
                    return b.value();
                }
                diags.report(Code.ARGUMENT_TYPE, v.span(), "%s must be true or false, not %s",
                        what, v.describe());
                return null;
            }
            case WORD -> {
                if (v instanceof Value.Word w) {
                    return w.name();
                }
                diags.report(Code.ARGUMENT_TYPE, v.span(), "%s must be a name, not %s", what,
                        v.describe());
                return null;
            }
            case INIT -> {
                return initializer(v, scope);
            }
            case PAIR -> {
                return pair(what, spec, v, scope);
            }
            case PADDING -> {
                if (v instanceof Value.Word w) {
                    if (w.name().equals("valid") || w.name().equals("same")) {
                        return w.name();
                    }
                    diags.report(Code.ARGUMENT_TYPE, v.span(), "%s must be valid, same, a whole "
                            + "number or a list of two, not %s", what, v.describe());
                    return null;
                }
                return pair(what, spec, v, scope);
            }
            default -> throw new AssertionError(spec.type());
        }
    }

    /** A whole number or a list of two, each in the range of {@code spec}: [height, width]. */
    private Object pair(String what, ArgSpec spec, Value v, Scope scope) {
        List<Value> items = v instanceof Value.ListV l ? l.items() : List.of(v, v);
        if (items.size() != 2) {
            diags.report(Code.ARGUMENT_TYPE, v.span(), "%s must be %s, not a list of %d",
                    what, spec.type().description(), items.size());
            return null;
        }
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (Value item : items) {
            Double d = eval.number(item, scope, what);
            if (d == null) {
                return null;
            }
            if (d != Math.rint(d)) {
                diags.report(Code.ARGUMENT_TYPE, item.span(), "%s must be a whole number, not %s",
                        what, Values.format(d));
                return null;
            }
            if (!spec.inRange(d)) {
                diags.report(Code.ARGUMENT_RANGE, item.span(), "%s must be %s, not %s", what,
                        spec.rangeText(), Values.format(d));
                return null;
            }
            if (d > 1e6) {
                diags.report(Code.ARGUMENT_RANGE, item.span(), "%s must be at most 1000000, not "
                        + "%s", what, Values.format(d));
                return null;
            }
            out.add((int) (double) d);
        }
        return java.util.List.copyOf(out);
    }

    /** An initializer value: a name ({@code xavier}) or a call ({@code normal(std: 0.1)}). */
    public InitSpec initializer(Value v, Scope scope) {
        String name;
        Span nameSpan;
        List<Value.Arg> args;
        if (v instanceof Value.Word w) {
            name = w.name();
            nameSpan = w.span();
            args = List.of();
        } else if (v instanceof Value.Call c) {
            name = c.name();
            nameSpan = c.nameSpan();
            args = c.args();
        } else {
            diags.report(Code.ARGUMENT_TYPE, v.span(), "an initializer is one of %s, not %s",
                    String.join(", ", InitSpec.NAMES), v.describe());
            return null;
        }
        String kind = InitSpec.canonical(name);
        if (kind == null) {
            diags.report(Code.UNKNOWN_INITIALIZER, nameSpan, "unknown initializer '%s'%s",
                    name, Names.known(name, InitSpec.NAMES));
            return null;
        }
        ArgSpec param = InitSpec.argOf(kind);
        Args bound = bind(name, param == null ? List.of() : List.of(param), args, v.span(), scope);
        if (bound == null) {
            return null;
        }
        return new InitSpec(kind, param == null ? 0 : bound.number(param.name()));
    }
}
