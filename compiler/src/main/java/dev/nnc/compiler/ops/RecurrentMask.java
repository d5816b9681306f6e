package dev.nnc.compiler.ops;

import com.palantir.javapoet.CodeBlock;
import dev.nnc.compiler.onnx.OnnxGraph;
import java.util.List;

/**
 * The emitted code of a masked recurrent layer ({@code mask: true}): sequences of varying length
 * padded at their end with steps whose features are all 0. A sample's length is one past its
 * last step with a nonzero feature (so a padded sample of length l has zeros at steps l … T−1,
 * and a zero step inside the sequence is still read); the lengths are measured from the layer's
 * input in every forward pass, into {@code len}.
 *
 * <p>A padded step passes the state through unchanged: after the cell's step, every row whose
 * step t ≥ len[i] gets h_t = h_{t−1} (and, lstm, c_t = c_{t−1}). So the forward direction's final
 * state is the state after the last real step, the backward direction (which reads t = T−1 … 0)
 * stays at its zero initial state until it reaches the last real step, and with
 * {@code sequence: true} the output is 0 at the padded steps. Backward, a padded step's row gets
 * dZ = 0 (no gradient for W, U, B or X from it) and hands dLoss/dh on unchanged:
 * dLoss/dh_{t−1} = dLoss/dh_t (plus, without {@code sequence}, dLoss/dOut at the final step);
 * lstm's dLoss/dc is 0 there, since the cell state after the last real step reaches no output.
 * These are exactly the forward and backward passes of the unpadded sequence
 * ({@code RecurrentGradientCheckTest} compares the two), and ONNX's {@code sequence_lens}.
 */
final class RecurrentMask {
    private RecurrentMask() {
    }

    /** len[i] = one past the last step of sample i with a nonzero feature of {@code in}. */
    static void lengths(CodeBlock.Builder c, String in, int t, int f) {
        c.beginControlFlow("for (int i = 0; i < n; i++)");
        c.addStatement("int l = 0");
        c.beginControlFlow("for (int q = i * $L, e = q + $L; q < e; q++)", t * f, t * f);
        c.beginControlFlow("if ($L[q] != 0f)", in);
        c.addStatement("l = (q - i * $L) / $L + 1", t * f, f);
        c.endControlFlow();
        c.endControlFlow();
        c.addStatement("len[i] = l");
        c.endControlFlow();
    }

    /**
     * After the forward step t (rows r0 … r0 + n), the padded rows keep their previous state:
     * slot t (h before step t in both directions) copied to the slot {@code ns}.
     */
    static void forwardStep(CodeBlock.Builder c, int h, String hT, String cT) {
        c.beginControlFlow("for (int i = 0; i < n; i++)");
        c.beginControlFlow("if (t >= len[i])");
        c.addStatement("$T.arraycopy($L, (r0 + i) * $L, $L, (ns * n + i) * $L, $L)", System.class,
                hT, h, hT, h, h);
        if (cT != null) {
            c.addStatement("$T.arraycopy($L, (r0 + i) * $L, $L, (ns * n + i) * $L, $L)",
                    System.class, cT, h, cT, h, h);
        }
        c.endControlFlow();
        c.endControlFlow();
    }

    /**
     * After the backward step t: the padded rows' dZ (and gru's dZh, lstm's dc) are 0 and, unless
     * the previous state is the initial zero ({@code s == 0}), dLoss/d(previous state) is the
     * dLoss/dh that reached this step: from the step read after it ({@code nr0}, none on the
     * first step of the sweep) and, for the final state's output, dLoss/dOut at {@code go}.
     */
    static void backwardStep(CodeBlock.Builder c, int h, int gh, String dz, String dzh,
            String dc, String dhp, String gout, CodeBlock go, int gs, boolean seq) {
        c.beginControlFlow("for (int i = 0; i < n; i++)");
        c.beginControlFlow("if (t >= len[i])");
        c.addStatement("$T.fill($L, (r0 + i) * $L, (r0 + i + 1) * $L, 0f)",
                java.util.Arrays.class, dz, gh, gh);
        if (dzh != null) {
            c.addStatement("$T.fill($L, (r0 + i) * $L, (r0 + i + 1) * $L, 0f)",
                    java.util.Arrays.class, dzh, gh, gh);
        }
        if (dc != null) {
            c.addStatement("$T.fill($L, i * $L, (i + 1) * $L, 0f)", java.util.Arrays.class, dc,
                    h, h);
        }
        c.beginControlFlow("if (s > 0)");
        c.addStatement("final int to = (r0 + i) * $L", h);
        c.addStatement("final int from = (nr0 + i) * $L", h);
        c.beginControlFlow("for (int j = 0; j < $L; j++)", h);
        c.addStatement("float dh = first ? 0f : $L[from + j]", dhp);
        if (!seq) {
            c.addStatement("dh += first ? $L[i * $L + $L + j] : 0f", gout, gs, go);
        }
        c.addStatement("$L[to + j] = dh", dhp);
        c.endControlFlow();
        c.endControlFlow();
        c.endControlFlow();
        c.endControlFlow();
    }

    /** With {@code sequence: true}, the output of padded steps is 0. */
    static void zeroPaddedOutput(CodeBlock.Builder c, String out, int t, int width, int off,
            int h) {
        c.beginControlFlow("for (int i = 0; i < n; i++)");
        c.beginControlFlow("for (int t = len[i]; t < $L; t++)", t);
        c.addStatement("$T.fill($L, (i * $L + t) * $L + $L, (i * $L + t) * $L + $L, 0f)",
                java.util.Arrays.class, out, t, width, off, t, width, off + h);
        c.endControlFlow();
        c.endControlFlow();
    }

    /**
     * The lengths as ONNX's {@code sequence_lens} [N] int32, measured as {@link #lengths} does:
     * max over t of (t + 1)·[max over f of |x[t, f]| > 0], but at least 1; and [N] floats, 1
     * where the length is at least 1, 0 where it is 0 ({@link #exportZeroEmpty}).
     *
     * <p>NOTE: ONNX leaves a length of 0 undefined, and ONNX Runtime's {@code RNN} answers
     * something other than the zero initial state for it; the node reads such a sample as one
     * step and its output is then multiplied by 0.
     */
    static String[] exportLengths(ExportSite s, int t) {
        OnnxGraph g = s.graph();
        String abs = g.fresh(s.layer() + ".abs");
        g.node("Abs", List.of(s.in()), abs);
        String peak = g.fresh(s.layer() + ".peak");
        g.node("ReduceMax", List.of(abs), peak, OnnxGraph.Attr.ints("axes", 2),
                OnnxGraph.Attr.i("keepdims", 0));
        String zero = g.floats(s.layer() + ".zero", new int[0], new float[] {0f});
        String real = g.fresh(s.layer() + ".real");
        g.node("Greater", List.of(peak, zero), real);
        String ones = g.fresh(s.layer() + ".ones");
        g.node("Cast", List.of(real), ones, OnnxGraph.Attr.i("to", 1));
        float[] steps = new float[t];
        for (int i = 0; i < t; i++) {
            steps[i] = i + 1;
        }
        String ends = g.fresh(s.layer() + ".ends");
        g.node("Mul", List.of(ones, g.floats(s.layer() + ".steps", new int[] {t}, steps)), ends);
        String longest = g.fresh(s.layer() + ".length");
        g.node("ReduceMax", List.of(ends), longest, OnnxGraph.Attr.ints("axes", 1),
                OnnxGraph.Attr.i("keepdims", 0));
        String some = g.fresh(s.layer() + ".nonempty");
        g.node("Greater", List.of(longest, zero), some);
        String keep = g.fresh(s.layer() + ".keep");
        g.node("Cast", List.of(some), keep, OnnxGraph.Attr.i("to", 1));
        String atLeastOne = g.fresh(s.layer() + ".length1");
        g.node("Max", List.of(longest, g.floats(s.layer() + ".one", new int[0],
                new float[] {1f})), atLeastOne);
        String lens = g.fresh(s.layer() + ".sequence_lens");
        g.node("Cast", List.of(atLeastOne), lens, OnnxGraph.Attr.i("to", 6));
        return new String[] {lens, keep};
    }

    /**
     * {@code y} (Y [T, dirs, N, units] or Y_h [dirs, N, units]) times {@code keep} [N] along N:
     * the zero initial state for samples of length 0.
     */
    static String exportZeroEmpty(ExportSite s, String y, String keep, boolean seq) {
        OnnxGraph g = s.graph();
        String shape = g.longs(s.layer() + ".keep_shape", new int[] {seq ? 4 : 3},
                seq ? new long[] {1, 1, -1, 1} : new long[] {1, -1, 1});
        String k = g.fresh(s.layer() + ".keep_b");
        g.node("Reshape", List.of(keep, shape), k);
        String out = g.fresh(y + ".kept");
        g.node("Mul", List.of(y, k), out);
        return out;
    }
}
