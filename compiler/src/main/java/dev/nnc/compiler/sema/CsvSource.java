package dev.nnc.compiler.sema;

import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.runtime.CsvReader;
import dev.nnc.runtime.DataException;
import dev.nnc.runtime.DataSource;
import dev.nnc.runtime.ModelSpec;
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
        return List.of("path", "label");
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
        DataSource.Csv src = DataSource.csv(path.value(), labels, last);
        checkFile(src, path, ctx);
        return src;
    }

    private static void checkFile(DataSource.Csv src, Value.Str pathV, Context ctx) {
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
        int featureCount = header.size() - labelCount;
        if (ctx.in() != null && featureCount != ctx.in().size()) {
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
            double[] found;
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
}
