package dev.nnc.compiler.sema;

import dev.nnc.compiler.diag.Limits;
import dev.nnc.compiler.ast.Ast;
import dev.nnc.compiler.ast.Ast.Expr;
import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.diag.Span;
import dev.nnc.runtime.model.StopCondition;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates expressions in a scope: substitutes constants, does arithmetic, builds conditions.
 * Returns {@code null} after reporting an error, so callers skip what cannot be known.
 */
public final class Evaluator {
    private final Diagnostics diags;
    /** Terms of each list and call value built here (by identity), the nested ones included. */
    private final Map<Value, Integer> sizes = new IdentityHashMap<>();
    private boolean incomplete;

    public Evaluator(Diagnostics diags) {
        this.diags = diags;
    }

    public Value eval(Expr e, Scope scope) {
        if (e instanceof Ast.Num n) {
            return new Value.Num(n.value(), n.span());
        }
        if (e instanceof Ast.Str s) {
            return new Value.Str(s.value(), s.span());
        }
        if (e instanceof Ast.Bool b) {
            return new Value.Bool(b.value(), b.span());
        }
        if (e instanceof Ast.Name n) {
            Value v = scope.constant(n.name());
            if (v == null) {
                return new Value.Word(n.name(), n.span());
            }
            Value moved = respan(v, n.span());
            sizes.put(moved, size(v));
            return moved;
        }
        if (e instanceof Ast.Call c) {
            List<Value.Arg> args = evalArgs(c.args(), scope);
            if (args == null) {
                return null;
            }
            int size = 1;
            for (Value.Arg a : args) {
                size += size(a.value());
            }
            return sized(new Value.Call(c.name(), c.nameSpan(), args, c.span()), size);
        }
        if (e instanceof Ast.ListExpr l) {
            List<Value> items = new ArrayList<>();
            int size = 1;
            for (Expr item : l.items()) {
                Value v = eval(item, scope);
                if (v == null) {
                    return null;
                }
                items.add(v);
                size += size(v);
            }
            return sized(new Value.ListV(items, l.span()), size);
        }
        if (e instanceof Ast.Neg n) {
            Value v = eval(n.operand(), scope);
            Double d = number(v, scope, "'-'");
            return d == null ? null : new Value.Num(-d, n.span());
        }
        if (e instanceof Ast.Binary b) {
            return binary(b, scope);
        }
        throw new AssertionError(e);
    }

    private int size(Value v) {
        Integer n = sizes.get(v);
        return n == null ? 1 : n;
    }

    /**
     * {@code v} after checking that, with the constants it uses written out, it has at most
     * {@link Limits#EXPRESSION_TERMS} terms: {@code let b = [a, a]} on {@code let a = [x, x]}
     * doubles at each step, and no pass should walk 2^30 terms.
     */
    private Value sized(Value v, int size) {
        if (size > Limits.EXPRESSION_TERMS) {
            diags.report(Code.EXPRESSION_TOO_LONG, v.span(), "a value of more than %d terms once "
                    + "its constants are written out", Limits.EXPRESSION_TERMS);
            return null;
        }
        sizes.put(v, size);
        return v;
    }

    /** Evaluates call arguments; {@code null} when one of them failed. */
    public List<Value.Arg> evalArgs(List<Ast.Arg> args, Scope scope) {
        List<Value.Arg> out = new ArrayList<>();
        boolean ok = true;
        for (Ast.Arg a : args) {
            Value v = eval(a.value(), scope);
            if (v == null) {
                ok = false;
            } else {
                out.add(new Value.Arg(a.name(), a.nameSpan(), v));
            }
        }
        return ok ? out : null;
    }

    private Value binary(Ast.Binary b, Scope scope) {
        Value l = eval(b.left(), scope);
        Value r = eval(b.right(), scope);
        if (l == null || r == null) {
            return null;
        }
        Span span = l.span().to(r.span());
        switch (b.op()) {
            case ADD, SUB, MUL, DIV -> {
                Double x = number(l, scope, "'" + b.op().symbol() + "'");
                Double y = number(r, scope, "'" + b.op().symbol() + "'");
                if (x == null || y == null) {
                    return null;
                }
                if (b.op() == Ast.Op.DIV && y == 0) {
                    diags.report(Code.BAD_NUMBER, b.span(), "division by zero");
                    return null;
                }
                double v = switch (b.op()) {
                    case ADD -> x + y;
                    case SUB -> x - y;
                    case MUL -> x * y;
                    default -> x / y;
                };
                if (Double.isInfinite(v) || Double.isNaN(v)) {
                    diags.report(Code.BAD_NUMBER, b.span(), "the result is not a finite number");
                    return null;
                }
                return new Value.Num(v, span);
            }
            case LT, LE, GT, GE -> {
                return compare(b, l, r, span, scope);
            }
            default -> {
                if (l instanceof Value.Cond lc && r instanceof Value.Cond rc) {
                    if (lc.metrics().size() + rc.metrics().size() > Limits.STOP_TERMS) {
                        diags.report(Code.EXPRESSION_TOO_LONG, b.span(), "a condition of more "
                                + "than %d comparisons", Limits.STOP_TERMS);
                        return null;
                    }
                    List<Value.Word> metrics = new ArrayList<>(lc.metrics());
                    metrics.addAll(rc.metrics());
                    StopCondition c = b.op() == Ast.Op.AND
                            ? new StopCondition.And(lc.condition(), rc.condition())
                            : new StopCondition.Or(lc.condition(), rc.condition());
                    return new Value.Cond(c, metrics, span);
                }
                Value bad = l instanceof Value.Cond ? r : l;
                diags.report(Code.ARGUMENT_TYPE, bad.span(), "'%s' joins conditions such as "
                        + "'loss < 0.01', not %s", b.op().symbol(), bad.describe());
                return null;
            }
        }
    }

    private Value compare(Ast.Binary b, Value l, Value r, Span span, Scope scope) {
        StopCondition.Op op = switch (b.op()) {
            case LT -> StopCondition.Op.LT;
            case LE -> StopCondition.Op.LE;
            case GT -> StopCondition.Op.GT;
            default -> StopCondition.Op.GE;
        };
        if (l instanceof Value.Word w && r instanceof Value.Num n) {
            return new Value.Cond(new StopCondition.Compare(w.name(), op, n.value()), List.of(w),
                    span);
        }
        if (l instanceof Value.Num n && r instanceof Value.Word w) {
            StopCondition.Op flipped = switch (op) {
                case LT -> StopCondition.Op.GT;
                case LE -> StopCondition.Op.GE;
                case GT -> StopCondition.Op.LT;
                case GE -> StopCondition.Op.LE;
            };
            return new Value.Cond(new StopCondition.Compare(w.name(), flipped, n.value()),
                    List.of(w), span);
        }
        diags.report(Code.ARGUMENT_TYPE, b.span(), "a condition compares a metric with a number, "
                + "e.g. 'loss < 0.001', not %s with %s", l.describe(), r.describe());
        return null;
    }

    /** The number in {@code v}, or {@code null} after reporting what it is instead. */
    public Double number(Value v, Scope scope, String where) {
        if (v == null) {
            return null;
        }
        if (v instanceof Value.Num n) {
            return n.value();
        }
        if (v instanceof Value.Word w) {
            undefined(w, scope);
            return null;
        }
        diags.report(Code.ARGUMENT_TYPE, v.span(), "%s needs a number, not %s", where,
                v.describe());
        return null;
    }

    /**
     * Leaves unknown names unreported from now on: an import failed, and the names it would have
     * defined must not bury the file's own errors under follow-up ones.
     */
    public void importsIncomplete() {
        incomplete = true;
    }

    /** True after {@link #importsIncomplete}. */
    public boolean incomplete() {
        return incomplete;
    }

    /** Reports {@code w} as an undefined constant, suggesting a close one. */
    public void undefined(Value.Word w, Scope scope) {
        if (incomplete) {
            return;
        }
        diags.report(Code.UNDEFINED_CONSTANT, w.span(), "undefined constant '%s'%s", w.name(),
                Names.suggestion(w.name(), scope.constantNames()));
    }

    private static Value respan(Value v, Span s) {
        if (v instanceof Value.Num n) {
            return new Value.Num(n.value(), s);
        }
        if (v instanceof Value.Str x) {
            return new Value.Str(x.value(), s);
        }
        if (v instanceof Value.Bool x) {
            return new Value.Bool(x.value(), s);
        }
        if (v instanceof Value.Word x) {
            return new Value.Word(x.name(), s);
        }
        if (v instanceof Value.Call c) {
            return new Value.Call(c.name(), s, c.args(), s);
        }
        return v;
    }
}
