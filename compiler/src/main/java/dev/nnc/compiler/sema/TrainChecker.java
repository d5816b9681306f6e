package dev.nnc.compiler.sema;

import dev.nnc.compiler.ast.Ast;
import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.diag.Span;
import dev.nnc.compiler.ops.ArgSpec;
import dev.nnc.compiler.ops.Args;
import dev.nnc.compiler.ops.Loss;
import dev.nnc.compiler.ops.Shape;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.Schedule;
import dev.nnc.runtime.model.StopCondition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the {@code train { }} block: epochs, batch, shuffling, validation split, class weights,
 * stop condition, learning-rate schedule, gradient clipping, early stopping and the model-wide
 * L1/L2 penalties.
 *
 * <pre>
 * train {
 *     epochs: 100, batch: 64, validation: 0.1, class_weights: balanced
 *     schedule: step(every: 10, gamma: 0.5)
 *     clip_norm: 5
 *     early_stopping: monitor(val_loss, patience: 8, restore_best: true)
 *     l2: 0.01
 * }
 * </pre>
 */
final class TrainChecker {
    static final List<String> KEYS = List.of("epochs", "batch", "shuffle", "validation", "split",
            "class_weights", "stop", "log_every", "schedule", "clip_norm", "clip_value",
            "early_stopping", "l1", "l2");
    /** The kinds of validation split. */
    static final List<String> SPLITS = List.of("random", "stratified");
    static final List<String> METRICS = List.of("loss", "accuracy", "r2", "val_loss",
            "val_accuracy", "val_r2");
    static final Map<String, List<ArgSpec>> SCHEDULES = Map.of(
            "step", List.of(ArgSpec.positiveInt("every"), ArgSpec.positive("gamma", 0.1)),
            "multistep", List.of(new ArgSpec("at", ArgSpec.Type.WORD, null, 0, true, 0, true),
                    ArgSpec.positive("gamma", 0.1)),
            "exponential", List.of(ArgSpec.positive("gamma", null)),
            "inverse", List.of(ArgSpec.positive("gamma", null), ArgSpec.positive("power", 1.0)),
            "polynomial", List.of(ArgSpec.positive("power", 1.0),
                    new ArgSpec("epochs", ArgSpec.Type.INT, 0, 1, true, Double.POSITIVE_INFINITY, true),
                    nonNegative("min", 0.0)),
            "cosine", List.of(new ArgSpec("epochs", ArgSpec.Type.INT, 0, 1, true, Double.POSITIVE_INFINITY, true),
                    nonNegative("min", 0.0)),
            "plateau", List.of(new ArgSpec("metric", ArgSpec.Type.WORD, "val_loss", 0, true, 0,
                    true), ArgSpec.range("factor", 0.1, 0, 1),
                    new ArgSpec("patience", ArgSpec.Type.INT, 10, 1, true, Double.POSITIVE_INFINITY, true),
                    nonNegative("min", 0.0)));
    static final List<ArgSpec> MONITOR = List.of(
            new ArgSpec("metric", ArgSpec.Type.WORD, null, 0, true, 0, true),
            new ArgSpec("patience", ArgSpec.Type.INT, 5, 1, true, Double.POSITIVE_INFINITY, true),
            ArgSpec.bool("restore_best", true), nonNegative("min_delta", 0.0));

    /**
     * The checked block and the penalties dense layers take when they set none; where
     * {@code class_weights} is written, or {@code null}, for {@link #checkClassWeights}.
     */
    record Result(ModelSpec.TrainSpec spec, double l1, double l2, Span classWeightsSpan) {
    }

    private final Diagnostics diags;
    private final Evaluator eval;
    private final ArgBinder binder;

    TrainChecker(Diagnostics diags, Evaluator eval) {
        this.diags = diags;
        this.eval = eval;
        this.binder = new ArgBinder(diags, eval);
    }

    private static ArgSpec nonNegative(String name, Double dflt) {
        return new ArgSpec(name, ArgSpec.Type.NUMBER, dflt, 0, true, Double.POSITIVE_INFINITY,
                true);
    }

    /** The checked block, or {@code null} after errors. */
    Result check(Ast.BlockNode b, Scope scope, Loss loss) {
        int epochs = 100;
        int batch = 32;
        boolean shuffle = true;
        boolean stratify = false;
        double validation = 0;
        StopCondition stop = null;
        List<Value.Word> metricsRead = new ArrayList<>();
        int logEvery = 0;
        Schedule schedule = null;
        double clipNorm = 0;
        double clipValue = 0;
        Schedule.EarlyStopping early = null;
        ModelSpec.ClassWeighting classWeights = null;
        Span classWeightsSpan = null;
        double l1 = 0;
        double l2 = 0;
        if (b == null) {
            return new Result(new ModelSpec.TrainSpec(epochs, batch, shuffle, null, 0, 0), 0, 0,
                    null);
        }
        Set<String> seen = new HashSet<>();
        boolean ok = true;
        List<Ast.Entry> deferred = new ArrayList<>();
        for (Ast.Entry e : b.entries()) {
            if (!KEYS.contains(e.key())) {
                diags.report(Code.UNKNOWN_SETTING, e.keySpan(), "unknown train setting '%s'%s",
                        e.key(), Names.known(e.key(), KEYS));
                ok = false;
                continue;
            }
            if (!seen.add(e.key())) {
                diags.report(Code.DUPLICATE_SETTING, e.keySpan(), "'%s' is set twice", e.key());
                ok = false;
                continue;
            }
            if (e.key().equals("schedule") || e.key().equals("early_stopping")) {
                deferred.add(e); // they read epochs, which may come later in the block
                continue;
            }
            Value v = eval.eval(e.value(), scope);
            if (v == null) {
                ok = false;
                continue;
            }
            switch (e.key()) {
                case "epochs" -> {
                    Integer n = wholeNumber(v, scope, "epochs", 1);
                    ok &= n != null;
                    epochs = n == null ? epochs : n;
                }
                case "batch" -> {
                    if (v instanceof Value.Word w && w.name().equals("full")) {
                        batch = 0;
                    } else if (v instanceof Value.Word w) {
                        diags.report(Code.ARGUMENT_TYPE, v.span(), "batch is a number or 'full', "
                                + "not '%s'%s", w.name(), Names.suggestion(w.name(),
                                        List.of("full")));
                        ok = false;
                    } else {
                        Integer n = wholeNumber(v, scope, "batch", 1);
                        ok &= n != null;
                        batch = n == null ? batch : n;
                    }
                }
                case "split" -> {
                    if (v instanceof Value.Word w && SPLITS.contains(w.name())) {
                        stratify = w.name().equals("stratified");
                        if (stratify && loss != null && !loss.runtime().isClassification()) {
                            diags.report(Code.ARGUMENT_TYPE, v.span(), "split: stratified keeps "
                                    + "each class's share in the validation data; this model's "
                                    + "loss %s has no classes", loss.name());
                            ok = false;
                        }
                    } else {
                        String name = v instanceof Value.Word w ? "'" + w.name() + "'"
                                : v.describe();
                        diags.report(Code.ARGUMENT_TYPE, v.span(), "split is random or "
                                + "stratified, not %s%s", name, v instanceof Value.Word w
                                ? Names.suggestion(w.name(), SPLITS) : "");
                        ok = false;
                    }
                }
                case "class_weights" -> {
                    classWeights = classWeights(v, scope, loss);
                    ok &= classWeights != null;
                    classWeightsSpan = v.span();
                }
                case "shuffle" -> {
                    if (v instanceof Value.Bool bv) {
                        shuffle = bv.value();
                    } else {
                        diags.report(Code.ARGUMENT_TYPE, v.span(), "shuffle must be true or "
                                + "false, not %s", v.describe());
                        ok = false;
                    }
                }
                case "validation" -> {
                    Double d = eval.number(v, scope, "validation");
                    if (d != null && (d < 0 || d >= 1)) {
                        diags.report(Code.ARGUMENT_RANGE, v.span(), "validation is the fraction "
                                + "of training data held out, in [0, 1), not %s",
                                Values.format(d));
                        d = null;
                    }
                    ok &= d != null;
                    validation = d == null ? 0 : d;
                }
                case "stop" -> {
                    if (v instanceof Value.Cond c) {
                        stop = c.condition();
                        metricsRead.addAll(c.metrics());
                    } else {
                        diags.report(Code.ARGUMENT_TYPE, v.span(), "stop is a condition such as "
                                + "'loss < 0.001', not %s", v.describe());
                        ok = false;
                    }
                }
                case "log_every" -> {
                    Integer n = wholeNumber(v, scope, "log_every", 1);
                    ok &= n != null;
                    logEvery = n == null ? 0 : n;
                }
                case "clip_norm", "clip_value", "l1", "l2" -> {
                    Double d = eval.number(v, scope, e.key());
                    if (d != null && (d < 0 || (d == 0 && e.key().startsWith("clip")))) {
                        diags.report(Code.ARGUMENT_RANGE, v.span(), "%s must be %s, not %s",
                                e.key(), e.key().startsWith("clip") ? "> 0" : ">= 0",
                                Values.format(d));
                        d = null;
                    } else if (d != null && d > Float.MAX_VALUE) {
                        diags.report(Code.ARGUMENT_RANGE, v.span(), "%s is %s, out of the range "
                                + "of a float (at most %s)", e.key(), Values.format(d),
                                Float.MAX_VALUE);
                        d = null;
                    }
                    ok &= d != null;
                    double x = d == null ? 0 : d;
                    switch (e.key()) {
                        case "clip_norm" -> clipNorm = x;
                        case "clip_value" -> clipValue = x;
                        case "l1" -> l1 = x;
                        default -> l2 = x;
                    }
                }
                default -> throw new AssertionError(e.key());
            }
        }
        for (Ast.Entry e : deferred) {
            Value v = eval.eval(e.value(), scope);
            if (v == null) {
                ok = false;
            } else if (e.key().equals("schedule")) {
                schedule = schedule(v, scope, epochs, metricsRead);
                ok &= schedule != null;
            } else {
                early = earlyStopping(v, scope, metricsRead);
                ok &= early != null;
            }
        }
        for (Value.Word w : metricsRead) {
            ok &= checkMetric(w, loss, validation);
        }
        if (!ok) {
            return null;
        }
        return new Result(new ModelSpec.TrainSpec(epochs, batch, shuffle, stop, validation,
                logEvery, schedule, clipNorm, clipValue, early, stratify, classWeights), l1, l2,
                classWeightsSpan);
    }

    /** {@code class_weights: balanced} or a list of weights > 0; {@code null} after errors. */
    private ModelSpec.ClassWeighting classWeights(Value v, Scope scope, Loss loss) {
        if (loss != null && !loss.runtime().isClassification()) {
            diags.report(Code.ARGUMENT_TYPE, v.span(), "class_weights weights the classes of the "
                    + "cross-entropies; this model's loss %s has no classes", loss.name());
            return null;
        }
        if (v instanceof Value.Word w && w.name().equals("balanced")) {
            return ModelSpec.ClassWeighting.balanced();
        }
        if (!(v instanceof Value.ListV l) || l.items().isEmpty()) {
            String name = v instanceof Value.Word w ? "'" + w.name() + "'" : v.describe();
            diags.report(Code.ARGUMENT_TYPE, v.span(), "class_weights is balanced or a list of "
                    + "one weight per class such as [1, 3], not %s%s", name,
                    v instanceof Value.Word w ? Names.suggestion(w.name(), List.of("balanced"))
                            : "");
            return null;
        }
        List<Double> weights = new ArrayList<>();
        boolean ok = true;
        for (Value item : l.items()) {
            Double d = eval.number(item, scope, "a class weight");
            if (d != null && !(d > 0 && d <= Float.MAX_VALUE)) {
                diags.report(Code.ARGUMENT_RANGE, item.span(), "a class weight must be > 0 (and "
                        + "at most %s), not %s", Float.MAX_VALUE, Values.format(d));
                d = null;
            }
            ok &= d != null;
            weights.add(d);
        }
        return ok ? new ModelSpec.ClassWeighting(weights) : null;
    }

    /**
     * Checks the class weights of {@code r} against the model's output {@code out}: one weight
     * per class (two for one sigmoid output), and one class per sample.
     *
     * @return false after reporting an error
     */
    boolean checkClassWeights(Result r, Loss loss, Shape out) {
        ModelSpec.ClassWeighting cw = r.spec().classWeights();
        if (cw == null || loss == null || out == null) {
            return true;
        }
        if (!loss.weighsClasses(out)) {
            diags.report(Code.ARGUMENT_TYPE, r.classWeightsSpan(), "class_weights needs one "
                    + "class per sample, but the output %s is %s", out,
                    out.kind() == Shape.Kind.SEQUENCE ? "a sequence of classes (one per step)"
                            : out.size() + " sigmoid labels; weight them with one sigmoid output "
                            + "or a softmax");
            return false;
        }
        int classes = out.size() == 1 ? 2 : out.size();
        if (!cw.isBalanced() && cw.weights().size() != classes) {
            diags.report(Code.ARGUMENT_RANGE, r.classWeightsSpan(), "class_weights has %d %s, "
                    + "but the model has %d classes (output %s%s); give one weight per class",
                    cw.weights().size(), cw.weights().size() == 1 ? "weight" : "weights",
                    classes, out, out.size() == 1 ? ": classes 0 and 1" : "");
            return false;
        }
        return true;
    }

    private record Call(String name, Span nameSpan, List<Value.Arg> args, Span span) {
    }

    private Call call(Value v, String what, String example) {
        if (v instanceof Value.Word w) {
            return new Call(w.name(), w.span(), List.of(), w.span());
        }
        if (v instanceof Value.Call c) {
            return new Call(c.name(), c.nameSpan(), c.args(), c.span());
        }
        diags.report(Code.ARGUMENT_TYPE, v.span(), "%s is e.g. %s, not %s", what, example,
                v.describe());
        return null;
    }

    private Schedule schedule(Value v, Scope scope, int epochs, List<Value.Word> metricsRead) {
        Call c = call(v, "schedule", "step(every: 10, gamma: 0.5)");
        if (c == null) {
            return null;
        }
        List<ArgSpec> specs = SCHEDULES.get(c.name());
        if (specs == null) {
            diags.report(Code.UNKNOWN_SETTING, c.nameSpan(), "unknown schedule '%s'%s", c.name(),
                    Names.known(c.name(), SCHEDULES.keySet()));
            return null;
        }
        List<Value.Arg> args = c.args();
        int[] milestones = null;
        if (c.name().equals("multistep")) {
            // `at` is a list of epochs, which ArgBinder has no type for: check it here.
            Value at = null;
            List<Value.Arg> rest = new ArrayList<>();
            for (Value.Arg a : args) {
                if (at == null && ("at".equals(a.name()) || a.name() == null && rest.isEmpty())) {
                    at = a.value();
                } else {
                    rest.add(a);
                }
            }
            milestones = milestones(at, c.span(), scope);
            if (milestones == null) {
                return null;
            }
            args = rest;
            specs = specs.subList(1, specs.size());
        }
        Args a = binder.bind(c.name(), specs, args, c.span(), scope);
        if (a == null) {
            return null;
        }
        return switch (c.name()) {
            case "step" -> new Schedule.Step(a.integer("every"), a.number("gamma"));
            case "multistep" -> new Schedule.MultiStep(milestones, a.number("gamma"));
            case "exponential" -> new Schedule.Exponential(a.number("gamma"));
            case "inverse" -> new Schedule.Inverse(a.number("gamma"), a.number("power"));
            case "polynomial" -> new Schedule.Polynomial(a.number("power"),
                    a.integer("epochs") == 0 ? epochs : a.integer("epochs"), a.number("min"));
            case "cosine" -> new Schedule.Cosine(a.integer("epochs") == 0 ? epochs
                    : a.integer("epochs"), a.number("min"));
            case "plateau" -> {
                String metric = (String) a.get("metric");
                metricsRead.add(new Value.Word(metric, metricSpan(c, "metric")));
                yield new Schedule.Plateau(metric, a.number("factor"), a.integer("patience"),
                        a.number("min"));
            }
            default -> throw new AssertionError(c.name());
        };
    }

    private int[] milestones(Value at, Span callSpan, Scope scope) {
        if (!(at instanceof Value.ListV l) || l.items().isEmpty()) {
            diags.report(at == null ? Code.MISSING_ARGUMENT : Code.ARGUMENT_TYPE,
                    at == null ? callSpan : at.span(), "multistep needs the epochs to cut the "
                    + "rate at, as a list: multistep(at: [30, 60], gamma: 0.1)");
            return null;
        }
        int[] out = new int[l.items().size()];
        for (int i = 0; i < out.length; i++) {
            Integer n = wholeNumber(l.items().get(i), scope, "a milestone", 1);
            if (n == null) {
                return null;
            }
            out[i] = n;
        }
        return out;
    }

    private Schedule.EarlyStopping earlyStopping(Value v, Scope scope,
            List<Value.Word> metricsRead) {
        Call c = call(v, "early_stopping", "monitor(val_loss, patience: 8, restore_best: true)");
        if (c == null) {
            return null;
        }
        if (!c.name().equals("monitor")) {
            diags.report(Code.ARGUMENT_TYPE, c.nameSpan(), "early_stopping is written "
                    + "monitor(METRIC, patience: N, restore_best: true), not '%s'", c.name());
            return null;
        }
        Args a = binder.bind("monitor", MONITOR, c.args(), c.span(), scope);
        if (a == null) {
            return null;
        }
        String metric = (String) a.get("metric");
        metricsRead.add(new Value.Word(metric, metricSpan(c, "metric")));
        return new Schedule.EarlyStopping(metric, a.integer("patience"), a.bool("restore_best"),
                a.number("min_delta"));
    }

    private static Span metricSpan(Call c, String name) {
        for (int i = 0; i < c.args().size(); i++) {
            Value.Arg a = c.args().get(i);
            if (name.equals(a.name()) || a.name() == null && i == 0) {
                return a.value().span();
            }
        }
        return c.span();
    }

    private boolean checkMetric(Value.Word w, Loss loss, double validation) {
        String name = w.name();
        if (!METRICS.contains(name)) {
            diags.report(Code.UNKNOWN_METRIC, w.span(), "unknown metric '%s'%s", name,
                    Names.known(name, METRICS));
            return false;
        }
        String plain = name.startsWith("val_") ? name.substring(4) : name;
        if (loss != null && plain.equals("accuracy") && !loss.runtime().isClassification()) {
            diags.report(Code.UNKNOWN_METRIC, w.span(), "%s applies to classifiers; this model's "
                    + "loss is %s (use %s)", name, loss.name(), name.replace("accuracy", "r2"));
            return false;
        }
        if (loss != null && plain.equals("r2") && loss.runtime().isClassification()) {
            diags.report(Code.UNKNOWN_METRIC, w.span(), "%s applies to regression; this model's "
                    + "loss is %s (use %s)", name, loss.name(), name.replace("r2", "accuracy"));
            return false;
        }
        if (name.startsWith("val_") && validation == 0) {
            diags.report(Code.UNKNOWN_METRIC, w.span(), "%s needs a validation split; add e.g. "
                    + "'validation: 0.1' to the train block (or use '%s')", name, plain);
            return false;
        }
        return true;
    }

    private Integer wholeNumber(Value v, Scope scope, String what, int min) {
        Double d = eval.number(v, scope, what);
        if (d == null) {
            return null;
        }
        if (d != Math.rint(d) || d < min || d > Integer.MAX_VALUE) {
            diags.report(Code.ARGUMENT_RANGE, v.span(), "%s must be a whole number >= %d, not %s",
                    what, min, Values.format(d));
            return null;
        }
        return d.intValue();
    }
}
