package dev.nnc.compiler.gen;

import dev.nnc.compiler.onnx.OnnxGraph;
import dev.nnc.compiler.ops.Shape;
import dev.nnc.runtime.model.Difference;
import dev.nnc.runtime.model.ModelSpec;
import java.util.List;

/**
 * The ONNX form of a differenced series ({@code difference: lag}, the runtime's
 * {@link Difference}): the graph takes raw windows, {@code [N, ...raw shape]}
 * ({@link Difference#rawShape}), and answers on the series' own scale. In front of the stage,
 * {@link Difference#window} as {@code Reshape} to {@code [N, raw size]}, two {@code Slice}s (the
 * steps {@code lag..} and {@code ..length} of it) and their float {@code Sub}; after the network
 * and the label de-normalization, {@link Difference#invertRow} as a {@code Gather} of each
 * output's base ({@link Difference#baseOffsets}) and a float {@code Add}. Float32 operations on
 * float32 values, as the runtime computes them, so they give its bits.
 */
final class OnnxDifference {
    private OnnxDifference() {
    }

    /** The raw input flattened to {@code [N, raw size]}: both steps read it. */
    static String flat(OnnxGraph g, String input, ModelSpec.Window w) {
        String shape = g.longs("difference.flat_shape", new int[] {2},
                new long[] {-1, Difference.rawSize(w)});
        String flat = g.fresh("difference.raw");
        g.node("Reshape", List.of(input, shape), flat);
        return flat;
    }

    /** The differences of the raw windows {@code flat}, shaped as the model's input. */
    static String differences(OnnxGraph g, String flat, ModelSpec.Window w, Shape input) {
        int f = w.features().size();
        int width = w.length() * f;
        String later = slice(g, flat, w.difference() * f, Difference.rawSize(w), "later");
        String earlier = slice(g, flat, 0, width, "earlier");
        String d = g.fresh("difference.values");
        g.node("Sub", List.of(later, earlier), d);
        return reshape(g, d, input, "difference.shaped");
    }

    /** {@code y} (the forecast differences) plus each output's base in {@code flat}, into out. */
    static void invert(OnnxGraph g, String y, String flat, ModelSpec.Window w, Shape output,
            String out) {
        int[] at = Difference.baseOffsets(w);
        long[] idx = new long[at.length];
        for (int j = 0; j < at.length; j++) {
            idx[j] = at[j];
        }
        String indices = g.longs("difference.base_at", new int[] {at.length}, idx);
        String base = g.fresh("difference.base");
        g.node("Gather", List.of(flat, indices), base, OnnxGraph.Attr.i("axis", 1));
        String shaped = reshape(g, base, output, "difference.base_shaped");
        g.node("Add", List.of(y, shaped), out);
    }

    private static String slice(OnnxGraph g, String x, int from, int to, String hint) {
        String starts = g.longs("difference." + hint + "_start", new int[] {1},
                new long[] {from});
        String ends = g.longs("difference." + hint + "_end", new int[] {1}, new long[] {to});
        String axes = g.longs("difference." + hint + "_axis", new int[] {1}, new long[] {1});
        String out = g.fresh("difference." + hint);
        g.node("Slice", List.of(x, starts, ends, axes), out);
        return out;
    }

    private static String reshape(OnnxGraph g, String x, Shape to, String hint) {
        int[] dims = to.dims();
        long[] s = new long[dims.length + 1];
        s[0] = -1;
        for (int i = 0; i < dims.length; i++) {
            s[i + 1] = dims[i];
        }
        String shape = g.longs(hint + "_shape", new int[] {s.length}, s);
        String out = g.fresh(hint);
        g.node("Reshape", List.of(x, shape), out);
        return out;
    }
}
