package dev.nnc.compiler.sema;

import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.ops.Shape;
import dev.nnc.runtime.data.Columns;
import dev.nnc.runtime.data.CsvReader;
import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.ModelSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code csv(path, label: last)}: a CSV file with a header row, one row a sample; {@code label}
 * is {@code last}, a column name or a list of them. The header row is read to check the label
 * columns and the feature count; for a classifier's training data the label column's distinct
 * values are counted against the outputs (NN0508).
 */
final class CsvSource extends SourceKind {
    @Override
    String name() {
        return "csv";
    }

    @Override
    List<String> params() {
        return List.of("path", "label", "features", "ignore", "symbols");
    }

    @Override
    String description() {
        return "a CSV file with a header row; features and labels are columns";
    }

    @Override
    String example() {
        return "csv(\"data.csv\", label: last)";
    }

    @Override
    Value.Str fileArg(Value.Call c, Map<String, Value> args, String name, Context ctx) {
        Value v = args.get(name);
        if (v instanceof Value.Str s) {
            return s;
        }
        ctx.diags().report(v == null ? Code.MISSING_ARGUMENT : Code.ARGUMENT_TYPE,
                v == null ? c.span() : v.span(), "csv needs the file name as a string, e.g. %s",
                example());
        return null;
    }

    @Override
    DataSource check(Value.Call c, Map<String, Value> args, Context ctx) {
        Value.Str path = fileArg(c, args, "path", ctx);
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
            ctx.diags().report(Code.ARGUMENT_TYPE, labelV.span(), "label is last, a column name "
                    + "(\"y\") or a list of names ([\"y1\", \"y2\"]), not %s", labelV.describe());
            return null;
        }
        List<String> features = columns(args.get("features"), "features", ctx.diags());
        List<String> ignore = columns(args.get("ignore"), "ignore", ctx.diags());
        if (args.containsKey("features") && features == null
                || args.containsKey("ignore") && ignore == null) {
            return null;
        }
        DataSource.Csv src = DataSource.csv(path.value(), labels, last).withColumns(
                features == null ? List.of() : features, ignore == null ? List.of() : ignore)
                .withCategorical(ctx.categorical().categorical());
        Value symbolsV = args.get("symbols");
        if (symbolsV != null) {
            if (!(symbolsV instanceof Value.Str col)) {
                ctx.diags().report(Code.ARGUMENT_TYPE, symbolsV.span(), "symbols is the name "
                        + "of the text column read as a sequence of symbols (\"word\"), not %s",
                        symbolsV.describe());
                return null;
            }
            if (args.containsKey("features")) {
                ctx.diags().report(Code.DATA_COLUMN_CHOICE, args.get("features").span(),
                        "with symbols: the column of symbols is the only input; leave out "
                        + "features");
                return null;
            }
            if (ctx.in() != null && ctx.in().kind() != Shape.Kind.VECTOR) {
                ctx.diags().report(Code.DATA_COLUMNS_MISMATCH, symbolsV.span(), "symbols: "
                        + "gives a sequence of symbol codes [T], but the input is %s %s; "
                        + "declare 'input [T]' for up to T symbols and read it with "
                        + "embedding(vocab, dim)", ctx.in(), ctx.in().kind().pattern());
                return null;
            }
            src = src.withSymbols(col.value()).withColumns(List.of(col.value()),
                    src.ignore());
        }
        checkFile(src, path, args, ctx);
        return src;
    }

    private static void checkFile(DataSource.Csv src, Value.Str pathV, Map<String, Value> args,
            Context ctx) {
        Diagnostics diags = ctx.diags();
        Path p = DataFiles.existing(pathV, ctx.file(), diags);
        if (p == null) {
            return;
        }
        List<String> header;
        try {
            header = CsvReader.header(p);
        } catch (DataException e) {
            unreadable(e, pathV, p, diags);
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
        List<String> features = features(src, header, args, diags);
        if (features == null) {
            return;
        }
        if (ctx.training()) {
            ctx.missing().checkColumns(header, features, false, diags);
        }
        int featureCount = features.size();
        if (src.categorical().any()) {
            if (!ctx.training() || !ctx.categorical().checkColumns(header, src.labelLast()
                    ? List.of(header.get(header.size() - 1)) : src.labels(),
                    Columns.select(header, src.ignore(), "ignore", Path.of(src.path())).stream()
                            .map(header::get).toList(), features, ctx.missing(), diags)) {
                // the test file is encoded with the training file's categories
                featureCount = -1;
            } else if (ctx.categorical().broken()) {
                featureCount = -1;
            } else {
                featureCount = oneHotWidth(src, p, pathV, features, ctx);
            }
        }
        if (featureCount >= 0 && ctx.in() != null && featureCount != ctx.in().size()
                && src.symbols() == null) {
            diags.report(Code.DATA_COLUMNS_MISMATCH, pathV.span(), "\"%s\" has %s but the input "
                    + "%s takes %d values", src.path(), count(featureCount, "feature column"),
                    ctx.in(), ctx.in().size());
        }
        if (ctx.out() == null || ctx.loss() == null) {
            return;
        }
        int outputs = ctx.out().size();
        boolean classes = ctx.loss().runtime() == ModelSpec.Loss.CROSS_ENTROPY && labelCount == 1;
        if (!classes && labelCount != outputs) {
            diags.report(Code.DATA_COLUMNS_MISMATCH, pathV.span(), "\"%s\" has %s but the model "
                    + "has %s", src.path(), count(labelCount, "label column"),
                    count(outputs, "output"));
        } else if (classes && ctx.needsClassCount()) {
            String column = src.labelLast() ? header.get(header.size() - 1)
                    : src.labels().get(0);
            List<String> found;
            try {
                found = CsvReader.distinct(p, column, DataFiles.MAX_CLASSES);
            } catch (DataException e) {
                unreadable(e, pathV, p, diags);
                return;
            }
            DataFiles.classCount(found, "column '" + column + "' of \"" + src.path() + "\"",
                    ctx.out(), ctx.output(), diags);
        }
    }

    /**
     * The number of inputs the feature columns {@code features} of the training file {@code p}
     * give with their categorical columns one-hot encoded (one per distinct value, missing values
     * left out, plus one with {@code unseen: other}), reported as NN0504 when it is not the
     * model's input size; -1 when it is reported or the file cannot be read.
     */
    private static int oneHotWidth(DataSource.Csv src, Path p, Value.Str pathV,
            List<String> features, Context ctx) {
        int width = 0;
        List<String> parts = new ArrayList<>();
        int numbers = 0;
        for (String f : features) {
            if (!src.categorical().columns().contains(f)) {
                width++;
                numbers++;
                continue;
            }
            List<String> found;
            try {
                found = CsvReader.distinct(p, f, DataFiles.MAX_CLASSES);
            } catch (DataException e) {
                unreadable(e, pathV, p, ctx.diags());
                return -1;
            }
            int k = found.size() + (src.categorical().unseen()
                    == dev.nnc.runtime.model.Categorical.Unseen.OTHER ? 1 : 0);
            width += k;
            parts.add(f + " one-hot " + k);
        }
        if (ctx.in() != null && width != ctx.in().size()) {
            ctx.diags().report(Code.DATA_COLUMNS_MISMATCH, pathV.span(), "\"%s\" gives %d inputs "
                    + "(%s, %s) but the input %s takes %d values; write input [%d]", src.path(),
                    width, count(numbers, "number column"), String.join(", ", parts), ctx.in(),
                    ctx.in().size(), width);
            return -1;
        }
        return width;
    }

    /**
     * The feature columns of {@code src} over {@code header}, or {@code null} after reporting a
     * column {@code features:} or {@code ignore:} names that the file lacks (NN0502), a range
     * that runs backwards or a feature that is also a label (NN0510).
     */
    private static List<String> features(DataSource.Csv src, List<String> header,
            Map<String, Value> args, Diagnostics diags) {
        boolean ok = true;
        for (String arg : List.of("features", "ignore")) {
            List<String> choices = arg.equals("features") ? src.features() : src.ignore();
            // the argument that chose the columns: features/ignore, or symbols, which sets
            // the features to its one column
            String by = args.containsKey(arg) || !args.containsKey("symbols") ? arg : "symbols";
            Value named = args.containsKey(by) ? args.get(by) : args.get("path");
            for (String choice : choices) {
                String lacking = Columns.missing(header, choice);
                if (lacking != null) {
                    diags.report(Code.DATA_COLUMN_NOT_FOUND, named.span(), "\"%s\" has "
                            + "no column '%s' (named in %s); its columns: %s%s", src.path(),
                            lacking, by, DataException.printable(String.join(", ", header)),
                            DataException.printable(Names.suggestion(lacking, header)));
                    ok = false;
                } else if (Columns.backwards(header, choice)) {
                    diags.report(Code.DATA_COLUMN_CHOICE, named.span(), "the range "
                            + "'%s' of %s runs backwards: its last column comes before its "
                            + "first in \"%s\"", choice, arg, src.path());
                    ok = false;
                }
            }
        }
        if (!ok) {
            return null;
        }
        List<Integer> labels = new ArrayList<>();
        if (src.labelLast()) {
            labels.add(header.size() - 1);
        } else {
            for (String l : src.labels()) {
                labels.add(header.indexOf(l));
            }
        }
        List<Integer> ignored = Columns.select(header, src.ignore(), "ignore", Path.of(src.path()));
        List<String> out = new ArrayList<>();
        if (src.features().isEmpty()) {
            for (int c = 0; c < header.size(); c++) {
                if (!labels.contains(c) && !ignored.contains(c)) {
                    out.add(header.get(c));
                }
            }
            return out;
        }
        for (int c : Columns.select(header, src.features(), "features", Path.of(src.path()))) {
            if (labels.contains(c)) {
                diags.report(Code.DATA_COLUMN_CHOICE, args.get("features").span(), "column '%s' "
                        + "is both a feature and the label; leave it out of features",
                        header.get(c));
                return null;
            }
            if (!ignored.contains(c)) {
                out.add(header.get(c));
            }
        }
        return out;
    }
}
