package dev.nnc.compiler.sema;

import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.ops.Loss;
import dev.nnc.compiler.ops.Shape;
import dev.nnc.runtime.data.Columns;
import dev.nnc.runtime.data.CsvReader;
import dev.nnc.runtime.data.CsvTable;
import dev.nnc.runtime.model.IsoTime;
import dev.nnc.runtime.data.DataLoader;
import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.data.WideSeries;
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
        return List.of("path", "window", "horizon", "features", "target", "time", "from", "to",
                "wide");
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
        String wide = wide(c, args, time, features, targets, ctx);
        if (args.containsKey("wide") && wide == null) {
            return null;
        }
        boolean dated = isDate(args.get("from")) || isDate(args.get("to"));
        ModelSpec.Window w = new ModelSpec.Window(length, horizon, features, targets, time, from,
                to, dated).withWide(wide);
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
            if (wide != null) {
                if (!checkWideColumns(t, "\"" + path.value() + "\"", args, wide, time, diags)) {
                    return src;
                }
                t = DataLoader.prepareSeries(t, DataSource.windows(path.value(), w)
                        .withMissing(ctx.missing().missing()));
            }
            if (ctx.training()) {
                List<String> used = new ArrayList<>(features);
                targets.stream().filter(x -> !used.contains(x)).forEach(used::add);
                ctx.missing().checkColumns(t.names(), used, true, diags);
            }
            int tc = time == null ? -1 : t.indexOf(time);
            if (tc >= 0 && !features.contains(time) && !targets.contains(time)) {
                boolean dates = t.isTime(tc)
                        || t.isText(tc) && IsoTime.parse(t.text(0, tc)) != null;
                if (!checkBoundKinds(args, dates, time, diags)) {
                    return src;
                }
            }
            if (wide == null) {
                t = DataLoader.prepareSeries(t, DataSource.windows(path.value(), w)
                        .withMissing(ctx.missing().missing()));
            }
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

    /**
     * The {@code wide} argument: a string naming the columns of a wide table (a range
     * {@code "jan..dec"}); it needs {@code time} (the year column) and is the one series that
     * {@code target} (and {@code features}, if given) name. {@code null} when absent or wrong
     * (then reported).
     */
    private static String wide(Value.Call c, Map<String, Value> args, String time,
            List<String> features, List<String> targets, Context ctx) {
        Diagnostics diags = ctx.diags();
        Value v = args.get("wide");
        if (v == null) {
            return null;
        }
        if (!(v instanceof Value.Str s)) {
            diags.report(Code.ARGUMENT_TYPE, v.span(), "wide is the range of columns that hold "
                    + "one row's sub-periods in order, a string such as \"jan..dec\", not %s",
                    v.describe());
            return null;
        }
        if (time == null) {
            diags.report(Code.MISSING_ARGUMENT, v.span(), "wide derives each value's time from "
                    + "the row's year, but windows names no time column (add time: \"year\")");
            return null;
        }
        List<String> series = List.of(s.value());
        for (String key : List.of("target", "features")) {
            List<String> named = key.equals("target") ? targets : features;
            Value at = args.get(key);
            if (at != null && named != null && !named.equals(series)) {
                diags.report(Code.DATA_COLUMNS_MISMATCH, at.span(), "with wide: \"%s\" the "
                        + "series is one column named \"%s\"; %s must name it (%s: \"%s\"), "
                        + "not %s", s.value(), s.value(), key, key, s.value(), at.describe());
                return null;
            }
        }
        return s.value();
    }

    /**
     * Reports a {@code wide} range or {@code time} column the file lacks (NN0502), or a range
     * of other than 12, 4 or 52 columns.
     *
     * @return whether the table fits
     */
    private static boolean checkWideColumns(CsvTable t, String name, Map<String, Value> args,
            String wide, String time, Diagnostics diags) {
        String missing = Columns.missing(t.names(), wide);
        if (missing == null && t.indexOf(time) < 0) {
            missing = time;
        }
        if (missing != null) {
            Value at = args.get(missing.equals(time) ? "time" : "wide");
            diags.report(Code.DATA_COLUMN_NOT_FOUND, at.span(), "%s has no column '%s'; its "
                    + "columns: %s%s", name, missing,
                    String.join(", ", t.names()),
                    DataException.printable(Names.suggestion(missing, t.names())));
            return false;
        }
        int k = Columns.select(t.names(), List.of(wide), "wide", t.file()).size();
        if (!WideSeries.PERIODS.contains(k)) {
            diags.report(Code.ARGUMENT_RANGE, args.get("wide").span(), "wide: \"%s\" names "
                    + "%d column%s, but a wide row holds a year's 12 months, 4 quarters or 52 "
                    + "weeks", wide, k, k == 1 ? "" : "s");
            return false;
        }
        return true;
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
