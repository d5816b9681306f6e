package dev.nnc.compiler.sema;

import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.ops.Loss;
import dev.nnc.compiler.ops.Shape;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.data.NdArray;
import dev.nnc.runtime.data.NpzReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code npz(path, x: "data", y: "label")}: features and labels as two arrays of one NumPy
 * archive (the textbook's array names are the defaults). The arrays' headers are read to check
 * the shapes against the model.
 */
final class NpzSource extends SourceKind {
    @Override
    String name() {
        return "npz";
    }

    @Override
    List<String> params() {
        return List.of("path", "x", "y");
    }

    @Override
    String description() {
        return "a NumPy .npz archive; x and y name its arrays";
    }

    @Override
    String example() {
        return "npz(\"ch10.train.npz\", x: \"data\", y: \"label\")";
    }

    @Override
    DataSource check(Value.Call c, Map<String, Value> args, Context ctx) {
        noMissingValues(c, ctx);
        Diagnostics diags = ctx.diags();
        Loss loss = ctx.loss();
        Shape in = ctx.in();
        Shape out = ctx.out();
        Value.Str path = fileArg(c, args, "path", ctx);
        Value.Str xv = arrayName(c, args, ctx, "x", DataSource.NPZ_X);
        Value.Str yv = arrayName(c, args, ctx, "y", DataSource.NPZ_Y);
        if (path == null || xv == null || yv == null) {
            return null;
        }
        DataSource src = DataSource.npz(path.value(), xv.value(),
                yv.value());
        Path p = DataFiles.existing(path, ctx.file(), ctx.diags());
        if (p == null) {
            return src;
        }
        NdArray.Header[] headers = new NdArray.Header[2];
        Value.Str[] names = {xv, yv};
        ArraySource.header(path, p, ctx.diags(), () -> {
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
            ArraySource.checkShapes(headers[0], path, headers[1], path, ctx);
        }
        return src;
    }

    /** The npz array-name argument {@code name}, or a string of {@code fallback} when absent. */
    private static Value.Str arrayName(Value.Call c, Map<String, Value> args, Context ctx,
            String name, String fallback) {
        Value v = args.get(name);
        if (v == null) {
            return new Value.Str(fallback, c.span());
        }
        if (v instanceof Value.Str s) {
            return s;
        }
        ctx.diags().report(Code.ARGUMENT_TYPE, v.span(), "'%s' of npz is the name of an array "
                + "in the archive, a string such as \"%s\", not %s", name, fallback, v.describe());
        return null;
    }

}
