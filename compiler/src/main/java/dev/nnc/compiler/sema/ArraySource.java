package dev.nnc.compiler.sema;

import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.ops.Loss;
import dev.nnc.compiler.ops.Shape;
import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.data.DataLoader;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.data.IdxReader;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.data.NdArray;
import dev.nnc.runtime.data.NpyReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code idx(images: ..., labels: ...)} (MNIST's format, plain or gzip) and
 * {@code npy(x: ..., y: ...)}: features and labels in two files. Both files' headers are read to
 * check the shapes against the model; for a classifier's training data the labels are read and
 * their classes counted against the outputs (NN0508).
 */
final class ArraySource extends SourceKind {
    /** idx, else npy. */
    private final boolean idx;

    ArraySource(boolean idx) {
        this.idx = idx;
    }

    @Override
    String name() {
        return idx ? "idx" : "npy";
    }

    @Override
    List<String> params() {
        return idx ? List.of("images", "labels") : List.of("x", "y");
    }

    @Override
    String description() {
        return idx ? "two IDX files (MNIST, Fashion-MNIST), plain or gzip"
                : "two NumPy .npy files";
    }

    @Override
    String example() {
        return idx ? "idx(images: \"train-images-idx3-ubyte.gz\", labels: "
                + "\"train-labels-idx1-ubyte.gz\")" : "npy(x: \"x.npy\", y: \"y.npy\")";
    }

    /** {@code idx(images, labels)} and {@code npy(x, y)}: features and labels in two files. */
    @Override
    DataSource check(Value.Call c, Map<String, Value> args, Context ctx) {
        noMissingValues(c, ctx);
        Loss loss = ctx.loss();
        Shape in = ctx.in();
        Shape out = ctx.out();
        Diagnostics diags = ctx.diags();
        Value.Str xv = fileArg(c, args, params().get(0), ctx);
        Value.Str yv = fileArg(c, args, params().get(1), ctx);
        if (xv == null || yv == null) {
            return null;
        }
        DataSource src = idx ? DataSource.idx(xv.value(), yv.value())
                : DataSource.npy(xv.value(), yv.value());
        Path xp = DataFiles.existing(xv, ctx.file(), diags);
        Path yp = DataFiles.existing(yv, ctx.file(), diags);
        if (xp == null || yp == null) {
            return src;
        }
        NdArray.Header xh = header(xv, xp, diags, () -> idx ? IdxReader.header(xp)
                : NpyReader.header(xp));
        NdArray.Header yh = header(yv, yp, diags, () -> idx ? IdxReader.header(yp)
                : NpyReader.header(yp));
        if (xh != null && yh != null) {
            int before = diags.errorCount();
            checkShapes(xh, xv, yh, yv, ctx);
            if (diags.errorCount() == before && out != null && loss != null
                    && loss.runtime() == ModelSpec.Loss.CROSS_ENTROPY && yh.sampleSize() == 1
                    && ctx.needsClassCount()) {
                header(yv, yp, diags, () -> {
                    NdArray y = idx ? IdxReader.read(yp) : NpyReader.read(yp);
                    DataFiles.classCount(DataFiles.distinct(y.toDoubles()),
                            "\"" + yv.value() + "\"", out, ctx.output(), ctx.diags());
                    return y.header();
                });
            }
        }
        return src;
    }

    /** A header reader that may throw {@link DataException}. */
    interface HeaderRead {
        NdArray.Header read();
    }

    /**
     * Runs {@code read}; a {@link DataException} becomes NN0503 on {@code pathV}, with the
     * resolved path replaced by the path as written.
     */
    static NdArray.Header header(Value.Str pathV, Path p, Diagnostics diags,
            HeaderRead read) {
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
    static void checkShapes(NdArray.Header x, Value.Str xv, NdArray.Header y, Value.Str yv,
            Context ctx) {
        Diagnostics diags = ctx.diags();
        Loss loss = ctx.loss();
        Shape in = ctx.in();
        Shape out = ctx.out();
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

}
