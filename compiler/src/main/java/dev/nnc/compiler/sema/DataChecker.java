package dev.nnc.compiler.sema;

import dev.nnc.compiler.ast.Ast;
import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.compiler.diag.Span;
import dev.nnc.compiler.ops.Loss;
import dev.nnc.compiler.ops.Shape;
import dev.nnc.runtime.data.CsvReader;
import dev.nnc.runtime.data.CsvTable;
import dev.nnc.runtime.data.DataLoader;
import dev.nnc.runtime.data.IdxReader;
import dev.nnc.runtime.data.NdArray;
import dev.nnc.runtime.data.NpyReader;
import dev.nnc.runtime.data.NpzReader;
import dev.nnc.runtime.data.WindowReader;
import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.ModelSpec;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks the {@code data { }} block: data sources, label columns or arrays, scale,
 * normalization. Data files are resolved against the directory of the {@code .nn} file; a CSV
 * file's header row and an IDX, NPY or NPZ file's array headers are read (never the data) so that
 * a missing file, column or array, or a shape that does not fit the model, is reported before
 * training starts.
 *
 * <p>The sources and their arguments, by position or name:
 * <pre>
 * csv(path, label: last)                 label: last, "col" or ["a", "b"]
 * idx(images: "...", labels: "...")      MNIST's format, plain or gzip
 * npz(path, x: "data", y: "label")       the textbook's array names are the defaults
 * npy(x: "x.npy", y: "y.npy")
 * windows(path, window: 12, horizon: 1, features: ["a"], target: "a", time: "year",
 *         from: 1700, to: 1920)        sliding windows over a CSV time series
 * </pre>
 */
final class DataChecker {
    static final List<String> KEYS = List.of("train", "test", "normalize",
            "normalize_labels", "scale");
    static final Map<String, List<String>> PARAMS = Map.of(
            "csv", List.of("path", "label"),
            "idx", List.of("images", "labels"),
            "npz", List.of("path", "x", "y"),
            "npy", List.of("x", "y"),
            "windows", List.of("path", "window", "horizon", "features", "target", "time",
                    "from", "to"));
    private static final Map<String, String> EXAMPLES = Map.of(
            "csv", "csv(\"data.csv\", label: last)",
            "idx", "idx(images: \"train-images-idx3-ubyte.gz\", labels: "
                    + "\"train-labels-idx1-ubyte.gz\")",
            "npz", "npz(\"ch10.train.npz\", x: \"data\", y: \"label\")",
            "npy", "npy(x: \"x.npy\", y: \"y.npy\")",
            "windows", "windows(\"series.csv\", window: 12, target: \"y\")");
    /** Where the Debian package dataset-fashion-mnist installs Fashion-MNIST. */
    private static final String FASHION_MNIST = "fashion-mnist";
    static final List<String> NORMALIZATIONS = List.of("none", "minmax", "zscore");

    /** Distinct training labels read at most to tell the classes from the outputs. */
    private static final int MAX_CLASSES = 100_000;
    /** Class labels a message shows at most. */
    private static final int SHOWN_CLASSES = 10;

    private final Diagnostics diags;
    /** The output layer, where a class count that does not fit it is reported; or null. */
    private Span output;
    /** Whether the source being checked is the training data (its labels define the classes). */
    private boolean training;

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
        ModelSpec.DataSource train = null;
        ModelSpec.DataSource test = null;
        ModelSpec.Normalization features = ModelSpec.Normalization.NONE;
        ModelSpec.Normalization labels = ModelSpec.Normalization.NONE;
        double scale = 1;
        Set<String> seen = new HashSet<>();
        boolean ok = true;
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
            Value v = eval.eval(e.value(), scope);
            if (v == null) {
                ok = false;
                continue;
            }
            switch (e.key()) {
                case "train", "test" -> {
                    training = e.key().equals("train");
                    ModelSpec.DataSource src = source(v, scope, eval, loss, in, out, file);
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
                default -> throw new AssertionError(e.key());
            }
        }
        if (scale != 1) {
            train = train == null ? null : train.withScale(scale);
            test = test == null ? null : test.withScale(scale);
        }
        if (test != null && train == null) {
            diags.report(Code.MISSING_ARGUMENT, b.nameSpan(), "the data block names test data "
                    + "but no training data (e.g. 'train: csv(...)')");
            ok = false;
        }
        return ok ? new ModelSpec.DataSpec(train, test, features, labels) : null;
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

    private ModelSpec.DataSource source(Value v, Scope scope, Evaluator eval, Loss loss, Shape in,
            Shape out, SourceFile file) {
        if (!(v instanceof Value.Call c) || !PARAMS.containsKey(c.name())) {
            if (v instanceof Value.Call c2) {
                diags.report(Code.DATA_FORMAT, c2.nameSpan(), "unknown data format '%s'%s",
                        c2.name(), Names.known(c2.name(), PARAMS.keySet()));
            } else {
                diags.report(Code.ARGUMENT_TYPE, v.span(), "data is given as csv(...), idx(...), "
                        + "npz(...), npy(...) or windows(...), e.g. csv(\"file.csv\", label: "
                        + "last), not %s", v.describe());
            }
            return null;
        }
        Map<String, Value> args = bind(c);
        if (args == null) {
            return null;
        }
        return switch (c.name()) {
            case "csv" -> csv(c, args, loss, in, out, file);
            case "idx", "npy" -> pair(c, args, loss, in, out, file);
            case "npz" -> npz(c, args, loss, in, out, file);
            case "windows" -> windows(c, args, loss, in, out, file);
            default -> throw new AssertionError(c.name());
        };
    }

    /** The arguments of a source call by parameter name, or {@code null} after errors. */
    private Map<String, Value> bind(Value.Call c) {
        List<String> params = PARAMS.get(c.name());
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

    /** The string argument {@code name}, or {@code null} after reporting it missing or wrong. */
    private Value.Str fileArg(Value.Call c, Map<String, Value> args, String name) {
        Value v = args.get(name);
        if (v instanceof Value.Str s) {
            return s;
        }
        if (c.name().equals("csv")) {
            diags.report(v == null ? Code.MISSING_ARGUMENT : Code.ARGUMENT_TYPE,
                    v == null ? c.span() : v.span(), "csv needs the file name as a string, "
                    + "e.g. %s", EXAMPLES.get("csv"));
        } else if (v == null) {
            diags.report(Code.MISSING_ARGUMENT, c.span(), "%s needs the argument '%s' (a file "
                    + "name), e.g. %s", c.name(), name, EXAMPLES.get(c.name()));
        } else {
            diags.report(Code.ARGUMENT_TYPE, v.span(), "'%s' of %s must be a file name string, "
                    + "not %s", name, c.name(), v.describe());
        }
        return null;
    }

    private ModelSpec.DataSource csv(Value.Call c, Map<String, Value> args, Loss loss, Shape in,
            Shape out, SourceFile file) {
        Value.Str path = fileArg(c, args, "path");
        if (path == null) {
            return null;
        }
        Value labelV = args.get("label");
        boolean last = false;
        List<String> labels = new ArrayList<>();
        if (labelV == null || labelV instanceof Value.Word w && w.name().equals("last")) {
            last = true;
        } else if (labelV instanceof Value.Str s) {
            labels.add(s.value());
        } else if (labelV instanceof Value.ListV l && !l.items().isEmpty()
                && l.items().stream().allMatch(x -> x instanceof Value.Str)) {
            for (Value x : l.items()) {
                labels.add(((Value.Str) x).value());
            }
        } else {
            diags.report(Code.ARGUMENT_TYPE, labelV.span(), "label is last, a column name "
                    + "(\"y\") or a list of names ([\"y1\", \"y2\"]), not %s", labelV.describe());
            return null;
        }
        ModelSpec.DataSource src = ModelSpec.DataSource.csv(path.value(), labels, last);
        checkFile(src, path, loss, in, out, file);
        return src;
    }

    /**
     * {@code windows(path, window: n, horizon: 1, features: ..., target: ..., time: ..., from: ...,
     * to: ...)}: the arguments, then the file read whole (a time series is small) and cut as
     * training will cut it, so that a missing column (NN0502), a window longer than the series
     * (NN0505) or a range that keeps no window (NN0507) is reported here; an input that is not
     * {@code [window, features]} (or a vector of as many values) is NN0506.
     */
    private ModelSpec.DataSource windows(Value.Call c, Map<String, Value> args, Loss loss,
            Shape in, Shape out, SourceFile file) {
        Value.Str path = fileArg(c, args, "path");
        Integer length = count(c, args, "window", null, 1);
        Integer horizon = count(c, args, "horizon", 1, 0);
        List<String> targets = columns(args.get("target"), "target");
        if (args.get("target") == null) {
            diags.report(Code.MISSING_ARGUMENT, c.span(), "windows needs the argument 'target' "
                    + "(the column to predict), e.g. %s", EXAMPLES.get("windows"));
        }
        List<String> features = args.containsKey("features")
                ? columns(args.get("features"), "features") : targets;
        String time = null;
        Value timeV = args.get("time");
        if (timeV instanceof Value.Str s) {
            time = s.value();
        } else if (timeV != null) {
            diags.report(Code.ARGUMENT_TYPE, timeV.span(), "time is the name of the column that "
                    + "from and to compare with, a string such as \"year\", not %s",
                    timeV.describe());
            return null;
        }
        Double from = bound(args.get("from"), "from", time);
        Double to = bound(args.get("to"), "to", time);
        if (from != null && to != null && from > to) {
            diags.report(Code.ARGUMENT_RANGE, args.get("to").span(), "to (%s) is before from "
                    + "(%s): no window would be kept", Values.format(to), Values.format(from));
            return null;
        }
        if (path == null || length == null || horizon == null || targets == null
                || features == null || args.containsKey("from") && from == null
                || args.containsKey("to") && to == null) {
            return null;
        }
        ModelSpec.Window w = new ModelSpec.Window(length, horizon, features, targets, time, from,
                to);
        ModelSpec.DataSource src = ModelSpec.DataSource.windows(path.value(), w);
        if (in != null) {
            int f = features.size();
            boolean fits = in.rank() == 2 && in.dim(0) == length && in.dim(1) == f
                    || in.rank() == 1 && in.size() == length * f;
            if (!fits) {
                diags.report(Code.DATA_WINDOW_SHAPE, args.get("window").span(), "windows of %d "
                        + "step%s of %d feature%s feed an input [%d,%d], but the model's input is "
                        + "%s", length, length == 1 ? "" : "s", f, f == 1 ? "" : "s", length, f,
                        in);
            }
        }
        if (out != null && loss != null) {
            boolean classes = loss.runtime() == ModelSpec.Loss.CROSS_ENTROPY
                    && targets.size() == 1;
            if (!classes && targets.size() != out.size()) {
                diags.report(Code.DATA_COLUMNS_MISMATCH, args.get("target").span(), "%d target "
                        + "column%s but the model has %d output%s", targets.size(),
                        targets.size() == 1 ? "" : "s", out.size(), out.size() == 1 ? "" : "s");
            }
        }
        Path p = existing(path, file);
        if (p == null) {
            return src;
        }
        CsvTable t;
        try {
            t = CsvReader.read(p);
        } catch (DataException e) {
            String m = e.getMessage();
            String shown = "\"" + path.value() + "\"";
            m = m.startsWith(p.toString()) ? shown + m.substring(p.toString().length()) : m;
            diags.report(Code.DATA_FORMAT, path.span(), "cannot read %s", m);
            return src;
        }
        WindowReader.Failure f = WindowReader.check(t, w, "\"" + path.value() + "\"");
        if (f != null) {
            switch (f.problem()) {
                case NO_COLUMN -> {
                    Value where = args.get(time != null && f.column().equals(time)
                            && !features.contains(time) && !targets.contains(time) ? "time"
                            : features.contains(f.column()) && args.containsKey("features")
                            ? "features" : "target");
                    diags.report(Code.DATA_COLUMN_NOT_FOUND, where.span(), "%s%s",
                            DataException.printable(f.message()),
                            DataException.printable(Names.suggestion(f.column(), t.names())));
                }
                case TOO_SHORT -> diags.report(Code.DATA_WINDOW_TOO_LONG,
                        args.get("window").span(), "%s", DataException.printable(f.message()));
                case NO_WINDOWS -> diags.report(Code.DATA_WINDOW_EMPTY,
                        args.get(args.containsKey("from") ? "from" : "to").span(), "%s",
                        f.message());
                default -> throw new AssertionError(f.problem());
            }
        }
        return src;
    }

    /**
     * The whole-number argument {@code name} ({@code fallback} when absent), at least
     * {@code min}; {@code null} after reporting it missing or wrong.
     */
    private Integer count(Value.Call c, Map<String, Value> args, String name, Integer fallback,
            int min) {
        Value v = args.get(name);
        if (v == null) {
            if (fallback == null) {
                diags.report(Code.MISSING_ARGUMENT, c.span(), "%s needs the argument '%s' (the "
                        + "number of steps of a window), e.g. %s", c.name(), name,
                        EXAMPLES.get(c.name()));
            }
            return fallback;
        }
        if (!(v instanceof Value.Num n) || n.value() != Math.rint(n.value())
                || Math.abs(n.value()) > 1e9) {
            diags.report(Code.ARGUMENT_TYPE, v.span(), "'%s' of %s is a whole number of steps, "
                    + "not %s", name, c.name(), v.describe());
            return null;
        }
        if (n.value() < min) {
            diags.report(Code.ARGUMENT_RANGE, v.span(), "'%s' of %s must be >= %d, not %s", name,
                    c.name(), min, Values.format(n.value()));
            return null;
        }
        return (int) n.value();
    }

    /** A column name or a non-empty list of them; {@code null} when absent or wrong. */
    private List<String> columns(Value v, String name) {
        if (v == null) {
            return null;
        }
        if (v instanceof Value.Str s) {
            return List.of(s.value());
        }
        if (v instanceof Value.ListV l && !l.items().isEmpty()
                && l.items().stream().allMatch(x -> x instanceof Value.Str)) {
            List<String> out = new ArrayList<>();
            for (Value x : l.items()) {
                String col = ((Value.Str) x).value();
                if (out.contains(col)) {
                    diags.report(Code.DUPLICATE_ARGUMENT, x.span(), "column '%s' is named twice "
                            + "in %s", col, name);
                    return null;
                }
                out.add(col);
            }
            return out;
        }
        diags.report(Code.ARGUMENT_TYPE, v.span(), "%s is a column name (\"y\") or a list of "
                + "names ([\"a\", \"b\"]), not %s", name, v.describe());
        return null;
    }

    /** The {@code from} or {@code to} bound: a number, given with a time column. */
    private Double bound(Value v, String name, String time) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof Value.Num n)) {
            diags.report(Code.ARGUMENT_TYPE, v.span(), "%s is a value of the time column (e.g. "
                    + "a year), not %s", name, v.describe());
            return null;
        }
        if (time == null) {
            diags.report(Code.MISSING_ARGUMENT, v.span(), "%s compares the time column of each "
                    + "window's target row, but windows names no time column (add time: "
                    + "\"year\")", name);
            return null;
        }
        return n.value();
    }

    /** {@code idx(images, labels)} and {@code npy(x, y)}: features and labels in two files. */
    private ModelSpec.DataSource pair(Value.Call c, Map<String, Value> args, Loss loss, Shape in,
            Shape out, SourceFile file) {
        List<String> params = PARAMS.get(c.name());
        Value.Str xv = fileArg(c, args, params.get(0));
        Value.Str yv = fileArg(c, args, params.get(1));
        if (xv == null || yv == null) {
            return null;
        }
        boolean idx = c.name().equals("idx");
        ModelSpec.DataSource src = idx ? ModelSpec.DataSource.idx(xv.value(), yv.value())
                : ModelSpec.DataSource.npy(xv.value(), yv.value());
        Path xp = existing(xv, file);
        Path yp = existing(yv, file);
        if (xp == null || yp == null) {
            return src;
        }
        NdArray.Header xh = header(xv, xp, () -> idx ? IdxReader.header(xp)
                : NpyReader.header(xp));
        NdArray.Header yh = header(yv, yp, () -> idx ? IdxReader.header(yp)
                : NpyReader.header(yp));
        if (xh != null && yh != null) {
            int before = diags.errorCount();
            checkShapes(xh, xv, yh, yv, loss, in, out);
            if (diags.errorCount() == before && out != null && loss != null
                    && loss.runtime() == ModelSpec.Loss.CROSS_ENTROPY && yh.sampleSize() == 1
                    && needsClassCount(out)) {
                header(yv, yp, () -> {
                    NdArray y = idx ? IdxReader.read(yp) : NpyReader.read(yp);
                    classCount(distinct(y.toDoubles()), "\"" + yv.value() + "\"", out);
                    return y.header();
                });
            }
        }
        return src;
    }

    private ModelSpec.DataSource npz(Value.Call c, Map<String, Value> args, Loss loss, Shape in,
            Shape out, SourceFile file) {
        Value.Str path = fileArg(c, args, "path");
        Value.Str xv = arrayName(c, args, "x", ModelSpec.DataSource.NPZ_X);
        Value.Str yv = arrayName(c, args, "y", ModelSpec.DataSource.NPZ_Y);
        if (path == null || xv == null || yv == null) {
            return null;
        }
        ModelSpec.DataSource src = ModelSpec.DataSource.npz(path.value(), xv.value(),
                yv.value());
        Path p = existing(path, file);
        if (p == null) {
            return src;
        }
        NdArray.Header[] headers = new NdArray.Header[2];
        Value.Str[] names = {xv, yv};
        header(path, p, () -> {
            try (NpzReader z = NpzReader.open(p)) {
                for (int i = 0; i < 2; i++) {
                    String n = names[i].value();
                    if (z.has(n)) {
                        headers[i] = z.header(n);
                    } else {
                        Value given = args.get(i == 0 ? "x" : "y");
                        diags.report(Code.DATA_COLUMN_NOT_FOUND, given != null ? given.span()
                                : path.span(), "\"%s\" has no array '%s'; its arrays: %s%s",
                                path.value(), n, z.names().isEmpty() ? "none"
                                : String.join(", ", z.names()), Names.suggestion(n, z.names()));
                    }
                }
            }
            return null;
        });
        if (headers[0] != null && headers[1] != null) {
            checkShapes(headers[0], path, headers[1], path, loss, in, out);
        }
        return src;
    }

    /** The npz array-name argument {@code name}, or a string of {@code fallback} when absent. */
    private Value.Str arrayName(Value.Call c, Map<String, Value> args, String name,
            String fallback) {
        Value v = args.get(name);
        if (v == null) {
            return new Value.Str(fallback, c.span());
        }
        if (v instanceof Value.Str s) {
            return s;
        }
        diags.report(Code.ARGUMENT_TYPE, v.span(), "'%s' of npz is the name of an array in the "
                + "archive, a string such as \"%s\", not %s", name, fallback, v.describe());
        return null;
    }

    /** A header reader that may throw {@link DataException}. */
    private interface HeaderRead {
        NdArray.Header read();
    }

    /**
     * Runs {@code read}; a {@link DataException} becomes NN0503 on {@code pathV}, with the
     * resolved path replaced by the path as written.
     */
    private NdArray.Header header(Value.Str pathV, Path p, HeaderRead read) {
        try {
            return read.read();
        } catch (DataException e) {
            String m = e.getMessage();
            String shown = "\"" + pathV.value() + "\"";
            m = m.startsWith(p.toString()) ? shown + m.substring(p.toString().length()) : m;
            diags.report(Code.DATA_FORMAT, pathV.span(), "cannot read %s", m);
            return null;
        }
    }

    /**
     * Reports a features array whose samples do not hold as many values as the input, a labels
     * array of another sample count, or labels that do not fit the outputs.
     */
    private void checkShapes(NdArray.Header x, Value.Str xv, NdArray.Header y, Value.Str yv,
            Loss loss, Shape in, Shape out) {
        String xs = "\"" + xv.value() + "\"" + (xv == yv ? " array '" + arrayOf(x) + "'" : "");
        String ys = "\"" + yv.value() + "\"" + (xv == yv ? " array '" + arrayOf(y) + "'" : "");
        if (x.rank() < 1 || y.rank() < 1) {
            boolean bad = x.rank() < 1;
            diags.report(Code.DATA_COLUMNS_MISMATCH, bad ? xv.span() : yv.span(), "%s holds a "
                    + "single number, not samples (shape [])", bad ? xs : ys);
            return;
        }
        if (in != null && x.sampleSize() != in.size()) {
            diags.report(Code.DATA_COLUMNS_MISMATCH, xv.span(), "%s has samples of shape %s (%d "
                    + "values) but the input %s takes %d values", xs, DataLoader.sampleShape(x),
                    x.sampleSize(), in, in.size());
        }
        if (x.shape()[0] != y.shape()[0]) {
            diags.report(Code.DATA_COLUMNS_MISMATCH, yv.span(), "%s has %d samples but %s has "
                    + "%d labels", xs, x.shape()[0], ys, y.shape()[0]);
        }
        if (out != null && loss != null) {
            long w = y.sampleSize();
            boolean classes = loss.runtime() == ModelSpec.Loss.CROSS_ENTROPY && w == 1;
            if (!classes && w != out.size()) {
                diags.report(Code.DATA_COLUMNS_MISMATCH, yv.span(), "%s has %d label%s per "
                        + "sample (shape %s) but the model has %d output%s", ys, w,
                        w == 1 ? "" : "s", y.shapeText(), out.size(), out.size() == 1 ? "" : "s");
            }
        }
    }

    private static String arrayOf(NdArray.Header h) {
        String s = h.source();
        return s.substring(s.lastIndexOf(':') + 1);
    }

    /**
     * The resolved path of a data file argument when the file exists; otherwise reports NN0501
     * (with how to install Fashion-MNIST when that is what is missing) and returns {@code null}.
     */
    private Path existing(Value.Str pathV, SourceFile file) {
        Path p;
        try {
            p = file.path().toAbsolutePath().getParent().resolve(pathV.value()).normalize();
        } catch (InvalidPathException e) {
            diags.report(Code.DATA_FILE_NOT_FOUND, pathV.span(), "invalid path \"%s\"",
                    pathV.value());
            return null;
        }
        if (!Files.isRegularFile(p)) {
            String hint = p.toString().toLowerCase(Locale.ROOT).contains(FASHION_MNIST)
                    ? "; Fashion-MNIST comes with the Debian package dataset-fashion-mnist "
                    + "(apt-get install dataset-fashion-mnist puts it in "
                    + "/usr/share/datasets/fashion-mnist)" : "";
            diags.report(Code.DATA_FILE_NOT_FOUND, pathV.span(), "data file \"%s\" does not exist "
                    + "(looked for %s)%s%s", pathV.value(), p, hint,
                    DataException.printable(neighbour(pathV.value(), p)));
            return null;
        }
        return p;
    }

    /** How many entries of a directory are compared with a missing file's name, at most. */
    private static final int NEIGHBOURS = 10_000;

    /**
     * {@code "; did you mean 'rings-train.csv'?"} when a file in the missing file's directory has a
     * name close to its name (by edit distance, as for names), written as the path was written;
     * otherwise "".
     */
    private static String neighbour(String written, Path missing) {
        Path dir = missing.getParent();
        Path name = missing.getFileName();
        if (dir == null || name == null || !Files.isDirectory(dir)) {
            return "";
        }
        List<String> names = new ArrayList<>();
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            s.limit(NEIGHBOURS).filter(Files::isRegularFile)
                    .forEach(f -> names.add(f.getFileName().toString()));
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
        String close = Names.closest(name.toString(), names);
        if (close == null) {
            return "";
        }
        int slash = Math.max(written.lastIndexOf('/'), written.lastIndexOf('\\'));
        return "; did you mean '" + written.substring(0, slash + 1) + close + "'?";
    }

    private void checkFile(ModelSpec.DataSource src, Value.Str pathV, Loss loss, Shape in,
            Shape out, SourceFile file) {
        Path p = existing(pathV, file);
        if (p == null) {
            return;
        }
        List<String> header;
        try {
            header = CsvReader.header(p);
        } catch (DataException e) {
            String m = e.getMessage();
            String shown = "\"" + src.path() + "\"";
            m = m.startsWith(p.toString()) ? shown + m.substring(p.toString().length()) : m;
            diags.report(Code.DATA_FORMAT, pathV.span(), "cannot read %s", m);
            return;
        }
        int labelCount = src.labelLast() ? 1 : src.labels().size();
        for (String l : src.labels()) {
            if (!header.contains(l)) {
                diags.report(Code.DATA_COLUMN_NOT_FOUND, pathV.span(), "\"%s\" has no column "
                        + "'%s'; its columns: %s%s", src.path(), l,
                        DataException.printable(String.join(", ", header)),
                        DataException.printable(Names.suggestion(l, header)));
                return;
            }
        }
        int featureCount = header.size() - labelCount;
        if (in != null && featureCount != in.size()) {
            diags.report(Code.DATA_COLUMNS_MISMATCH, pathV.span(), "\"%s\" has %d feature "
                    + "column%s but the input %s takes %d values", src.path(), featureCount,
                    featureCount == 1 ? "" : "s", in, in.size());
        }
        if (out != null && loss != null) {
            boolean classes = loss.runtime() == ModelSpec.Loss.CROSS_ENTROPY && labelCount == 1;
            if (!classes && labelCount != out.size()) {
                diags.report(Code.DATA_COLUMNS_MISMATCH, pathV.span(), "\"%s\" has %d label "
                        + "column%s but the model has %d output%s", src.path(), labelCount,
                        labelCount == 1 ? "" : "s", out.size(), out.size() == 1 ? "" : "s");
            } else if (classes && needsClassCount(out)) {
                String column = src.labelLast() ? header.get(header.size() - 1)
                        : src.labels().get(0);
                double[] found;
                try {
                    found = CsvReader.distinct(p, column, MAX_CLASSES);
                } catch (DataException e) {
                    String m = e.getMessage();
                    String shown = "\"" + src.path() + "\"";
                    m = m.startsWith(p.toString()) ? shown + m.substring(p.toString().length()) : m;
                    diags.report(Code.DATA_FORMAT, pathV.span(), "cannot read %s",
                            DataException.printable(m));
                    return;
                }
                classCount(found, "column '" + column + "' of \"" + src.path() + "\"", out);
            }
        }
    }

    /**
     * The distinct finite values of {@code labels}, sorted, -0 as 0 (as the runtime counts
     * classes; a label that is not finite is reported when the data is read).
     */
    private static double[] distinct(double[] labels) {
        java.util.TreeSet<Double> set = new java.util.TreeSet<>();
        for (double v : labels) {
            if (Double.isFinite(v)) {
                set.add(v == 0 ? 0.0 : v);
            }
        }
        return set.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Whether the training labels are to be counted as classes against {@code out}. */
    private boolean needsClassCount(Shape out) {
        return training && output != null && out.size() > 1;
    }

    /**
     * NN0508 at the output layer when the distinct labels {@code found} (of {@code origin}) are
     * not as many as the outputs: cross_entropy trains one output per class.
     */
    private void classCount(double[] found, String origin, Shape out) {
        if (found.length == out.size() || found.length == 0) {
            return;
        }
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < Math.min(found.length, SHOWN_CLASSES); i++) {
            shown.append(i == 0 ? "" : ", ").append(ClassLabels.format(found[i]));
        }
        if (found.length > SHOWN_CLASSES) {
            shown.append(", …");
        }
        String count = (found.length > MAX_CLASSES ? "more than " + MAX_CLASSES
                : String.valueOf(found.length)) + (found.length == 1 ? " class" : " classes")
                + " (" + shown + ")";
        diags.report(Code.DATA_CLASS_COUNT, output, "the training labels hold %s in %s, but the "
                + "model has %d outputs; cross_entropy needs one output per class",
                DataException.printable(count), DataException.printable(origin), out.size());
    }
}
