package dev.nnc.compiler.sema;

import dev.nnc.compiler.ast.Ast;
import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.compiler.diag.Span;
import dev.nnc.compiler.ops.Loss;
import dev.nnc.compiler.ops.Shape;
import dev.nnc.runtime.model.Augmentation;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.Missing;
import dev.nnc.runtime.model.ModelSpec;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the {@code data { }} block: data sources, scale, normalization, augmentation
 * ({@link AugmentSetting}). Each data source is
 * checked by its {@link SourceKind} (one class per kind: {@link CsvSource}, {@link ArraySource},
 * {@link NpzSource}, {@link WindowsSource}), which resolves its files against the directory of
 * the {@code .nn} file and reads their headers (never the data) so that a missing file, column or
 * array, or a shape that does not fit the model, is reported before training starts.
 */
final class DataChecker {
    static final List<String> KEYS = List.of("train", "test", "normalize",
            "normalize_labels", "scale", "missing", "augment", "augment_copies", "categorical",
            "unseen", "difference");
    static final List<String> NORMALIZATIONS = List.of("none", "minmax", "zscore");

    private final Diagnostics diags;
    /** The output layer, where a class count that does not fit it is reported; or null. */
    private Span output;
    /** Whether the source being checked is the training data (its labels define the classes). */
    private boolean training;
    /** The data block's missing setting, which each source checks against its columns. */
    private MissingSetting missing = MissingSetting.NONE;
    /** The data block's categorical setting, which a CSV source checks against its columns. */
    private CategoricalSetting categorical = CategoricalSetting.NONE;

    DataChecker(Diagnostics diags) {
        this.diags = diags;
    }

    /**
     * The data spec, or {@code null} after errors.
     *
     * @param out the model's output shape, or {@code null} when it is unknown after an error
     * @param output the output layer, where the class count of the training labels is checked
     */
    ModelSpec.DataSpec check(Ast.BlockNode b, Scope scope, Evaluator eval, Loss loss, Shape in,
            Shape out, Span output, SourceFile file) {
        if (b == null) {
            return ModelSpec.DataSpec.none();
        }
        this.output = output;
        DataSource train = null;
        DataSource test = null;
        ModelSpec.Normalization features = ModelSpec.Normalization.NONE;
        ModelSpec.Normalization labels = ModelSpec.Normalization.NONE;
        Span normalizeSpan = null;
        double scale = 1;
        Augmentation augment = Augmentation.NONE;
        Integer copies = null;
        Span copiesSpan = null;
        Integer difference = null;
        Span differenceSpan = null;
        Set<String> seen = new HashSet<>();
        boolean ok = true;
        // NOTE: missing is read first, so that each source checks its rules' columns.
        missing = MissingSetting.NONE;
        for (Ast.Entry e : b.entries()) {
            if (e.key().equals("missing") && missing == MissingSetting.NONE) {
                Value v = eval.eval(e.value(), scope);
                missing = v == null ? null : MissingSetting.parse(v, diags);
                ok &= missing != null;
                missing = missing == null ? MissingSetting.NONE : missing;
            }
        }
        categorical = categorical(b, scope, eval);
        ok &= categorical != null && !categorical.broken();
        categorical = categorical == null ? CategoricalSetting.NONE : categorical;
        for (Ast.Entry e : b.entries()) {
            if (!KEYS.contains(e.key())) {
                diags.report(Code.UNKNOWN_SETTING, e.keySpan(), "unknown data setting '%s'%s",
                        e.key(), Names.known(e.key(), KEYS));
                ok = false;
                continue;
            }
            if (!seen.add(e.key())) {
                diags.report(Code.DUPLICATE_SETTING, e.keySpan(), "'%s' is set twice", e.key());
                ok = false;
                continue;
            }
            if (e.key().equals("missing") || e.key().equals("categorical")
                    || e.key().equals("unseen")) {
                continue;
            }
            Value v = eval.eval(e.value(), scope);
            if (v == null) {
                ok = false;
                continue;
            }
            switch (e.key()) {
                case "train", "test" -> {
                    training = e.key().equals("train");
                    DataSource src = source(v, scope, eval, loss, in, out, file);
                    ok &= src != null;
                    if (e.key().equals("train")) {
                        train = src;
                    } else {
                        test = src;
                    }
                }
                case "normalize", "normalize_labels" -> {
                    ModelSpec.Normalization n = normalization(v, e.key());
                    ok &= n != null;
                    if (n != null && e.key().equals("normalize")) {
                        features = n;
                        normalizeSpan = v.span();
                    } else if (n != null) {
                        if (loss != null && loss.runtime().isClassification()
                                && n != ModelSpec.Normalization.NONE) {
                            diags.report(Code.ARGUMENT_TYPE, v.span(), "normalize_labels applies "
                                    + "to regression; this model's loss is %s", loss.name());
                            ok = false;
                        }
                        labels = n;
                    }
                }
                case "scale" -> {
                    Double d = scale(v);
                    ok &= d != null;
                    scale = d != null ? d : 1;
                }
                case "augment" -> {
                    Augmentation a = AugmentSetting.parse(v, in, diags);
                    ok &= a != null;
                    augment = a != null ? a : Augmentation.NONE;
                }
                case "augment_copies" -> {
                    copies = AugmentSetting.copies(v, diags);
                    ok &= copies != null;
                    copiesSpan = e.keySpan();
                }
                case "difference" -> {
                    difference = lag(v);
                    differenceSpan = e.keySpan();
                    ok &= difference != null;
                }
                default -> throw new AssertionError(e.key());
            }
        }
        if (copiesSpan != null && !seen.contains("augment")) {
            diags.report(Code.DATA_AUGMENT, copiesSpan, "augment_copies adds transformed views "
                    + "of the training images, and the data block sets no augment; e.g. "
                    + "augment: one_of(rotate(10), shift(2))");
            ok = false;
        } else if (copies != null && !augment.isNone()) {
            augment = augment.with(augment.oneOf(), copies);
        }
        if (scale != 1) {
            train = train == null ? null : train.withScale(scale);
            test = test == null ? null : test.withScale(scale);
        }
        if (missing.missing().any()) {
            train = withMissing(train, missing.missing());
            test = withMissing(test, missing.missing());
        }
        if (difference != null) {
            if (train != null && !(train instanceof DataSource.Windows)
                    || test != null && !(test instanceof DataSource.Windows)) {
                diags.report(Code.ARGUMENT_TYPE, differenceSpan, "difference applies to a series "
                        + "read by windows(...); this data block reads %s",
                        (train instanceof DataSource.Windows ? test : train).format() + "(...)");
                ok = false;
            } else if (loss != null && loss.runtime().isClassification()) {
                diags.report(Code.ARGUMENT_TYPE, differenceSpan, "difference applies to a series "
                        + "of numbers forecast by regression; this model's loss is %s",
                        loss.name());
                ok = false;
            } else if (train != null && ((DataSource.Windows) train).window().horizon()
                    > difference) {
                diags.report(Code.ARGUMENT_RANGE, differenceSpan, "difference: %d with horizon %d:"
                        + " a forecast adds its difference to the value %d steps before its "
                        + "target, which must be known when it is made (a difference ≥ the "
                        + "horizon)", difference, ((DataSource.Windows) train).window().horizon(),
                        difference);
                ok = false;
            } else if (train != null && !((DataSource.Windows) train).window().features()
                    .containsAll(((DataSource.Windows) train).window().targets())) {
                ModelSpec.Window w = ((DataSource.Windows) train).window();
                diags.report(Code.ARGUMENT_TYPE, differenceSpan, "difference: a forecast adds "
                        + "its difference to its target's value %d steps before, which the "
                        + "window must hold: the targets %s must be among the features %s",
                        difference, w.targets(), w.features());
                ok = false;
            } else {
                train = train == null ? null : ((DataSource.Windows) train)
                        .withDifference(difference);
                test = test == null ? null : ((DataSource.Windows) test)
                        .withDifference(difference);
            }
        }
        if (train instanceof DataSource.Csv csv && csv.symbols() != null
                && features != ModelSpec.Normalization.NONE) {
            diags.report(Code.DATA_COLUMN_CHOICE, normalizeSpan, "normalize shifts and scales "
                    + "numbers, but with symbols: \"%s\" the input is the codes of its symbols, "
                    + "which an embedding takes as they are; leave normalize out",
                    csv.symbols());
            ok = false;
        }
        if (categorical.categorical().any() && train != null
                && !(train instanceof DataSource.Csv)) {
            diags.report(Code.DATA_COLUMN_CHOICE, categorical.span(), "categorical applies to "
                    + "the columns of a csv source; %s(...) has none", train.format());
            ok = false;
        }
        if (test != null && train == null) {
            diags.report(Code.MISSING_ARGUMENT, b.nameSpan(), "the data block names test data "
                    + "but no training data (e.g. 'train: csv(...)')");
            ok = false;
        }
        return ok ? new ModelSpec.DataSpec(train, test, features, labels, augment) : null;
    }

    /**
     * The {@code categorical:} and {@code unseen:} settings of block {@code b}, {@code NONE}
     * without them, or {@code null} after errors.
     */
    private CategoricalSetting categorical(Ast.BlockNode b, Scope scope, Evaluator eval) {
        Value columns = null;
        Value unseen = null;
        for (Ast.Entry e : b.entries()) {
            boolean cat = e.key().equals("categorical");
            if (!cat && !e.key().equals("unseen") || (cat ? columns : unseen) != null) {
                continue;
            }
            Value v = eval.eval(e.value(), scope);
            if (v == null) {
                return null;
            }
            if (cat) {
                columns = v;
            } else {
                unseen = v;
            }
        }
        return CategoricalSetting.parse(columns, unseen, diags);
    }

    /** {@code src} with the rules {@code m}; only CSV and windows sources have missing values. */
    private static DataSource withMissing(DataSource src, Missing m) {
        if (src instanceof DataSource.Csv c) {
            return c.withMissing(m);
        }
        if (src instanceof DataSource.Windows w) {
            return w.withMissing(m);
        }
        return src;
    }

    private ModelSpec.Normalization normalization(Value v, String key) {
        if (v instanceof Value.Word w && NORMALIZATIONS.contains(w.name())) {
            return ModelSpec.Normalization.valueOf(w.name().toUpperCase(java.util.Locale.ROOT));
        }
        String name = v instanceof Value.Word w ? "'" + w.name() + "'" : v.describe();
        String hint = v instanceof Value.Word w ? Names.suggestion(w.name(), NORMALIZATIONS) : "";
        diags.report(Code.ARGUMENT_TYPE, v.span(), "%s is one of %s, not %s%s", key,
                String.join(", ", NORMALIZATIONS), name, hint);
        return null;
    }

    /** {@code difference: 1}: the lag, an integer ≥ 1; or {@code null} after an error. */
    private Integer lag(Value v) {
        if (v instanceof Value.Num n && n.value() == Math.rint(n.value()) && n.value() >= 1
                && n.value() <= Integer.MAX_VALUE) {
            return (int) n.value();
        }
        diags.report(v instanceof Value.Num ? Code.ARGUMENT_RANGE : Code.ARGUMENT_TYPE, v.span(),
                "difference is the lag in steps the series is differenced at, an integer ≥ 1 "
                + "(1: change from the step before; 52: from the same week a year before), "
                + "not %s", v.describe());
        return null;
    }

    private Double scale(Value v) {
        if (!(v instanceof Value.Num n)) {
            diags.report(Code.ARGUMENT_TYPE, v.span(), "scale is a number that every feature is "
                    + "divided by (e.g. 255 for pixels), not %s", v.describe());
            return null;
        }
        if (!(n.value() > 0)) {
            diags.report(Code.ARGUMENT_RANGE, v.span(), "scale must be > 0, not %s",
                    Values.format(n.value()));
            return null;
        }
        return n.value();
    }

    private DataSource source(Value v, Scope scope, Evaluator eval, Loss loss, Shape in,
            Shape out, SourceFile file) {
        SourceKind kind = v instanceof Value.Call c ? SourceKind.named(c.name()) : null;
        if (kind == null) {
            if (v instanceof Value.Call c2) {
                diags.report(Code.DATA_FORMAT, c2.nameSpan(), "unknown data format '%s'%s",
                        c2.name(), Names.known(c2.name(), SourceKind.names()));
            } else {
                diags.report(Code.ARGUMENT_TYPE, v.span(), "data is given as %s, e.g. "
                        + "csv(\"file.csv\", label: last), not %s", choices(), v.describe());
            }
            return null;
        }
        Value.Call c = (Value.Call) v;
        Map<String, Value> args = bind(c, kind.params());
        if (args == null) {
            return null;
        }
        return kind.check(c, args, new SourceKind.Context(diags, loss, in, out, output, training,
                file, missing, categorical));
    }

    /** "csv(...), idx(...), npz(...), npy(...) or windows(...)". */
    private static String choices() {
        List<String> calls = SourceKind.names().stream().map(n -> n + "(...)").toList();
        return String.join(", ", calls.subList(0, calls.size() - 1)) + " or "
                + calls.get(calls.size() - 1);
    }

    /** The arguments of a source call by parameter name, or {@code null} after errors. */
    private Map<String, Value> bind(Value.Call c, List<String> params) {
        Map<String, Value> args = new LinkedHashMap<>();
        boolean ok = true;
        int position = 0;
        for (Value.Arg a : c.args()) {
            String name = a.name() != null ? a.name()
                    : position < params.size() ? params.get(position) : null;
            position++;
            if (name == null) {
                diags.report(Code.TOO_MANY_ARGUMENTS, a.value().span(), "%s takes %d arguments "
                        + "(%s)", c.name(), params.size(), String.join(", ", params));
                ok = false;
            } else if (!params.contains(name)) {
                diags.report(Code.UNKNOWN_ARGUMENT, a.nameSpan(), "%s has no argument '%s'; "
                        + "its arguments: %s%s", c.name(), name, String.join(", ", params),
                        Names.suggestion(name, params));
                ok = false;
            } else if (args.containsKey(name)) {
                diags.report(Code.DUPLICATE_ARGUMENT, a.name() != null ? a.nameSpan()
                        : a.value().span(), "argument '%s' of %s is given twice", name, c.name());
                ok = false;
            } else {
                args.put(name, a.value());
            }
        }
        return ok ? args : null;
    }
}
