package dev.nnc.compiler.sema;

import dev.nnc.compiler.ast.Ast;
import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.compiler.ops.Loss;
import dev.nnc.compiler.ops.Shape;
import dev.nnc.runtime.ModelSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks the {@code data { }} block: data sources, label columns, normalization. Data files are
 * resolved against the directory of the {@code .nn} file; their header rows are read so that a
 * missing file or column, or a column count that does not fit the model, is reported before
 * training starts.
 */
final class DataChecker {
    private static final List<String> KEYS = List.of("train", "test", "normalize",
            "normalize_labels");
    private static final List<String> NORMALIZATIONS = List.of("none", "minmax", "zscore");

    private final Diagnostics diags;

    DataChecker(Diagnostics diags) {
        this.diags = diags;
    }

    /** The data spec, or {@code null} after errors. */
    ModelSpec.DataSpec check(Ast.BlockNode b, Scope scope, Evaluator eval, Loss loss, Shape in,
            Shape out, SourceFile file) {
        if (b == null) {
            return ModelSpec.DataSpec.none();
        }
        ModelSpec.DataSource train = null;
        ModelSpec.DataSource test = null;
        ModelSpec.Normalization features = ModelSpec.Normalization.NONE;
        ModelSpec.Normalization labels = ModelSpec.Normalization.NONE;
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
                default -> throw new AssertionError(e.key());
            }
        }
        if (test != null && train == null) {
            diags.report(Code.MISSING_ARGUMENT, b.nameSpan(), "the data block names test data "
                    + "but no training data ('train: csv(...)')");
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

    private ModelSpec.DataSource source(Value v, Scope scope, Evaluator eval, Loss loss, Shape in,
            Shape out, SourceFile file) {
        if (!(v instanceof Value.Call c) || !c.name().equals("csv")) {
            if (v instanceof Value.Call c2) {
                diags.report(Code.DATA_FORMAT, c2.nameSpan(), "unknown data format '%s'%s; known: "
                        + "csv", c2.name(), Names.suggestion(c2.name(), List.of("csv")));
            } else {
                diags.report(Code.ARGUMENT_TYPE, v.span(), "data is given as csv(\"file.csv\", "
                        + "label: last), not %s", v.describe());
            }
            return null;
        }
        Value pathV = null;
        Value labelV = null;
        boolean ok = true;
        int position = 0;
        for (Value.Arg a : c.args()) {
            String name = a.name() != null ? a.name() : position == 0 ? "path" : position == 1
                    ? "label" : null;
            position++;
            if (name == null) {
                diags.report(Code.TOO_MANY_ARGUMENTS, a.value().span(), "csv takes 2 arguments "
                        + "(path, label)");
                ok = false;
            } else if (name.equals("path")) {
                pathV = a.value();
            } else if (name.equals("label")) {
                labelV = a.value();
            } else {
                diags.report(Code.UNKNOWN_ARGUMENT, a.nameSpan(), "csv has no argument '%s'%s; "
                        + "its arguments: path, label", name, Names.suggestion(name,
                                List.of("path", "label")));
                ok = false;
            }
        }
        if (!(pathV instanceof Value.Str path)) {
            diags.report(pathV == null ? Code.MISSING_ARGUMENT : Code.ARGUMENT_TYPE,
                    pathV == null ? c.span() : pathV.span(), "csv needs the file name as a "
                    + "string, e.g. csv(\"data.csv\", label: last)");
            return null;
        }
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
        if (!ok) {
            return null;
        }
        ModelSpec.DataSource src = new ModelSpec.DataSource("csv", path.value(), labels, last);
        checkFile(src, path, loss, in, out, file);
        return src;
    }

    private void checkFile(ModelSpec.DataSource src, Value.Str pathV, Loss loss, Shape in,
            Shape out, SourceFile file) {
        Path p;
        try {
            p = file.path().toAbsolutePath().getParent().resolve(src.path()).normalize();
        } catch (InvalidPathException e) {
            diags.report(Code.DATA_FILE_NOT_FOUND, pathV.span(), "invalid path \"%s\"",
                    src.path());
            return;
        }
        if (!Files.isRegularFile(p)) {
            diags.report(Code.DATA_FILE_NOT_FOUND, pathV.span(), "data file \"%s\" does not exist "
                    + "(looked for %s)", src.path(), p);
            return;
        }
        List<String> header;
        try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
            String line = r.readLine();
            if (line == null || line.isBlank()) {
                diags.report(Code.DATA_FORMAT, pathV.span(), "data file \"%s\" is empty; it needs "
                        + "a header row of column names", src.path());
                return;
            }
            header = new ArrayList<>();
            for (String cell : line.split(",", -1)) {
                String t = cell.strip();
                if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
                    t = t.substring(1, t.length() - 1);
                }
                header.add(t);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            diags.report(Code.DATA_FORMAT, pathV.span(), "cannot read \"%s\": %s", src.path(),
                    e.getMessage());
            return;
        }
        int labelCount = src.labelLast() ? 1 : src.labels().size();
        for (String l : src.labels()) {
            if (!header.contains(l)) {
                diags.report(Code.DATA_COLUMN_NOT_FOUND, pathV.span(), "\"%s\" has no column "
                        + "'%s'; its columns: %s%s", src.path(), l, String.join(", ", header),
                        Names.suggestion(l, header));
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
            }
        }
    }
}
