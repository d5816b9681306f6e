package dev.nnc.compiler.sema;

import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.compiler.diag.Span;
import dev.nnc.compiler.ops.Loss;
import dev.nnc.compiler.ops.Shape;
import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.DataSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One kind of data source of the {@code data { }} block ({@code csv(...)}, {@code idx(...)},
 * ...) as the checker knows it: its name, its arguments in positional order, a one-line
 * description, an example, and the check that turns a call with bound arguments into the
 * runtime's {@link DataSource} record, reading the files' headers (never the data) so that a
 * missing file, column or array, or a shape that does not fit the model, is reported before
 * training starts. Every kind is one line of {@link #ALL}; the runtime reads each record with
 * its own loader.
 */
abstract class SourceKind {
    /** Every kind of data source, in the order the language documents them. */
    static final List<SourceKind> ALL = List.of(new CsvSource(), new ArraySource(true),
            new NpzSource(), new ArraySource(false), new WindowsSource());

    /** The kind called {@code name}, or {@code null}. */
    static SourceKind named(String name) {
        for (SourceKind k : ALL) {
            if (k.name().equals(name)) {
                return k;
            }
        }
        return null;
    }

    /** The names of all kinds. */
    static List<String> names() {
        return ALL.stream().map(SourceKind::name).toList();
    }

    /** The name a {@code .nn} file calls it by. */
    abstract String name();

    /** Its arguments, in positional order. */
    abstract List<String> params();

    /** One line saying what it reads, for hover and completion. */
    abstract String description();

    /** A call as a {@code .nn} file writes it, shown in messages. */
    abstract String example();

    /**
     * The source of the call {@code c} with its arguments bound by name, or {@code null} after
     * errors that leave no source. Problems with the files are reported and the source still
     * returned.
     */
    abstract DataSource check(Value.Call c, Map<String, Value> args, Context ctx);

    /**
     * What a source is checked against, and where its problems go.
     *
     * @param loss the model's loss, or {@code null} when unknown after an error
     * @param in the model's input shape, or {@code null}
     * @param out the model's output shape, or {@code null}
     * @param output the output layer, where the class count of training labels is checked; or
     *     {@code null}
     * @param training whether the source is the training data (its labels define the classes)
     * @param file the {@code .nn} file, whose directory relative paths are resolved against
     * @param missing the data block's {@code missing:} setting, whose columns the source checks
     * @param categorical the data block's {@code categorical:} setting, whose columns a CSV
     *     source checks
     */
    record Context(Diagnostics diags, Loss loss, Shape in, Shape out, Span output,
            boolean training, SourceFile file, MissingSetting missing,
            CategoricalSetting categorical) {
        /** Whether the training labels are to be counted as classes against {@code out}. */
        boolean needsClassCount() {
            return training && output != null && out != null && out.size() > 1;
        }
    }

    /** The string argument {@code name}, or {@code null} after reporting it missing or wrong. */
    Value.Str fileArg(Value.Call c, Map<String, Value> args, String name, Context ctx) {
        Value v = args.get(name);
        if (v instanceof Value.Str s) {
            return s;
        }
        if (v == null) {
            ctx.diags().report(Code.MISSING_ARGUMENT, c.span(), "%s needs the argument '%s' (a "
                    + "file name), e.g. %s", c.name(), name, example());
        } else {
            ctx.diags().report(Code.ARGUMENT_TYPE, v.span(), "'%s' of %s must be a file name "
                    + "string, not %s", name, c.name(), v.describe());
        }
        return null;
    }

    /** A column name or a non-empty list of them; {@code null} when absent or wrong. */
    static List<String> columns(Value v, String name, Diagnostics diags) {
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

    /**
     * NN0503 on {@code pathV} for a file that cannot be read, with the resolved path {@code p}
     * replaced by the path as written.
     */
    static void unreadable(DataException e, Value.Str pathV, Path p, Diagnostics diags) {
        String m = e.getMessage();
        String shown = "\"" + pathV.value() + "\"";
        m = m.startsWith(p.toString()) ? shown + m.substring(p.toString().length()) : m;
        diags.report(Code.DATA_FORMAT, pathV.span(), "cannot read %s", DataException.printable(m));
    }

    /**
     * NN0509 at the data block's {@code missing:} for a source of arrays (checked once, with the
     * training data), whose numbers are never missing.
     */
    static void noMissingValues(Value.Call c, Context ctx) {
        if (ctx.training() && ctx.missing().missing().any()) {
            ctx.diags().report(Code.DATA_MISSING_VALUES, ctx.missing().span(), "missing applies "
                    + "to csv and windows sources; %s(...) holds arrays, whose values are never "
                    + "missing", c.name());
        }
    }

    /** "1 column", "2 columns". */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
