package dev.nnc.compiler.sema;

import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.ops.Loss;
import dev.nnc.compiler.ops.Shape;
import dev.nnc.runtime.data.CsvReader;
import dev.nnc.runtime.data.CsvTable;
import dev.nnc.runtime.model.IsoTime;
import dev.nnc.runtime.data.DataLoader;
import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.data.WindowReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code windows(path, window: 12, horizon: 1, features: ["a"], target: "a", time: "year",
 * from: 1700, to: 1920)}: sliding windows over a CSV time series.
 */
final class WindowsSource extends SourceKind {
    @Override
    String name() {
        return "windows";
    }

    @Override
    List<String> params() {
        return List.of("path", "window", "horizon", "features", "target", "time", "from", "to");
    }

    @Override
    String description() {
        return "sliding windows over a time series in a CSV file";
    }

    @Override
    String example() {
        return "windows(\"series.csv\", window: 12, target: \"y\")";
    }

    /**
     * {@code windows(path, window: n, horizon: 1, features: ..., target: ..., time: ..., from: ...,
     * to: ...)}: the arguments, then the file read whole (a time series is small) and cut as
     * training will cut it, so that a missing column (NN0502), a window longer than the series
     * (NN0505) or a range that keeps no window (NN0507) is reported here; an input that is not
     * {@code [window, features]} (or a vector of as many values) is NN0506.
     */
    @Override
    DataSource check(Value.Call c, Map<String, Value> args, Context ctx) {
        Diagnostics diags = ctx.diags();
        Loss loss = ctx.loss();
        Shape in = ctx.in();
        Shape out = ctx.out();
        Value.Str path = fileArg(c, args, "path", ctx);
        Integer length = count(c, args, "window", null, 1, ctx);
        Integer horizon = count(c, args, "horizon", 1, 0, ctx);
        List<String> targets = columns(args.get("target"), "target", ctx.diags());
        if (args.get("target") == null) {
            diags.report(Code.MISSING_ARGUMENT, c.span(), "windows needs the argument 'target' "
                    + "(the column to predict), e.g. %s", example());
        }
        List<String> features = args.containsKey("features")
                ? columns(args.get("features"), "features", ctx.diags()) : targets;
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
        Double from = bound(args.get("from"), "from", time, ctx);
        Double to = bound(args.get("to"), "to", time, ctx);
        if (from != null && to != null && from > to) {
            diags.report(Code.ARGUMENT_RANGE, args.get("to").span(), "to (%s) is before from "
                    + "(%s): no window would be kept", written(args.get("to"), to),
                    written(args.get("from"), from));
            return null;
        }
        if (path == null || length == null || horizon == null || targets == null
                || features == null || args.containsKey("from") && from == null
                || args.containsKey("to") && to == null) {
            return null;
        }
        boolean dated = isDate(args.get("from")) || isDate(args.get("to"));
        ModelSpec.Window w = new ModelSpec.Window(length, horizon, features, targets, time, from,
                to, dated);
        DataSource src = DataSource.windows(path.value(), w);
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
        Path p = DataFiles.existing(path, ctx.file(), ctx.diags());
        if (p == null) {
            return src;
        }
        CsvTable t;
        try {
            t = CsvReader.readAny(p);
            if (ctx.training()) {
                List<String> used = new ArrayList<>(features);
                targets.stream().filter(x -> !used.contains(x)).forEach(used::add);
                ctx.missing().checkColumns(t.names(), used, true, diags);
            }
            int tc = time == null ? -1 : t.indexOf(time);
            if (tc >= 0 && !features.contains(time) && !targets.contains(time)) {
                boolean dates = t.isText(tc) && IsoTime.parse(t.text(0, tc)) != null;
                if (!checkBoundKinds(args, dates, time, diags)) {
                    return src;
                }
            }
            DataLoader.prepareSeries(t, DataSource.windows(path.value(), w)
                    .withMissing(ctx.missing().missing()));
        } catch (DataException e) {
            unreadable(e, path, p, ctx.diags());
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
            int min, Context ctx) {
        Diagnostics diags = ctx.diags();
        Value v = args.get(name);
        if (v == null) {
            if (fallback == null) {
                diags.report(Code.MISSING_ARGUMENT, c.span(), "%s needs the argument '%s' (the "
                        + "number of steps of a window), e.g. %s", c.name(), name,
                        example());
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

    /** A bound as the file writes it: the ISO date, or the number. */
    private static String written(Value v, double bound) {
        return isDate(v) ? ((Value.Str) v).value() : Values.format(bound);
    }

    /** Whether {@code v} is an ISO date, a {@code from}/{@code to} written as a date. */
    private static boolean isDate(Value v) {
        return v instanceof Value.Str str && IsoTime.parse(str.value()) != null;
    }

    /** The {@code from} or {@code to} bound: a number, given with a time column. */
    private static Double bound(Value v, String name, String time, Context ctx) {
        Diagnostics diags = ctx.diags();
        if (v == null) {
            return null;
        }
        Double date = v instanceof Value.Str str ? IsoTime.parse(str.value()) : null;
        if (!(v instanceof Value.Num) && date == null) {
            diags.report(Code.ARGUMENT_TYPE, v.span(), "%s is a value of the time column (e.g. "
                    + "a year, or an ISO date \"1990-12-31\"), not %s", name, v.describe());
            return null;
        }
        if (time == null) {
            diags.report(Code.MISSING_ARGUMENT, v.span(), "%s compares the time column of each "
                    + "window's target row, but windows names no time column (add time: "
                    + "\"year\")", name);
            return null;
        }
        return date != null ? date : ((Value.Num) v).value();
    }

    /**
     * Reports a {@code from}/{@code to} whose kind (number or ISO date) is not that of the time
     * column: {@code dates} tells whether the column holds ISO dates.
     *
     * @return whether both fit
     */
    private static boolean checkBoundKinds(Map<String, Value> args, boolean dates, String time,
            Diagnostics diags) {
        boolean ok = true;
        for (String name : List.of("from", "to")) {
            Value v = args.get(name);
            if (v == null) {
                continue;
            }
            boolean date = v instanceof Value.Str;
            if (date != dates) {
                diags.report(Code.ARGUMENT_TYPE, v.span(), "%s is %s but the time column '%s' "
                        + "holds %s", name, v.describe(), time, dates ? "ISO dates (write "
                        + name + ": \"1990-12-31\")" : "numbers (write " + name
                        + ": 1990, say)");
                ok = false;
            }
        }
        return ok;
    }
}
