package dev.nnc.compiler.ops;

import com.palantir.javapoet.CodeBlock;
import dev.nnc.runtime.kernels.Kernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The inline loops of a small dense layer of the model class ({@link Dense} below
 * {@link Dense#KERNEL_MIN_WEIGHTS}): Z = X·W + B and its gradients, written out for the layer's
 * constant sizes. Forward they are a specialization of the runtime's reference,
 * {@code DenseReference.denseRounded} (each sum in its order, by its operations), which the
 * standalone class carries; {@code EmittedCodeContractTest} holds them to it.
 *
 * <p>Three shapes of loop, chosen by the sizes: a few outputs ({@link Dense#LOCAL_SUMS} or
 * fewer; with more than one input, {@link Dense#WIDE_LOCAL_SUMS} or fewer) are summed in
 * locals, since in the array each addition would wait for the store of the one before; one input
 * has no loop over the inputs; otherwise a loop over the outputs inside the loop over the inputs.
 * Forward, each product is added as {@code z += x * w}. Backward, a layer of more than
 * {@link Dense#LOCAL_SUMS} outputs in locals, from {@link Dense#ROUNDED_GRAD_MIN_INPUTS} inputs
 * and with no derivative to take, calls the runtime's {@code Kernels.denseRoundedGrad}: these
 * loops' operations in their order, in vectors; forward, in a training step, such a layer calls
 * {@code Kernels.denseRoundedForward} likewise.
 *
 * <p>For a layer 2 → 3 with bias, the forward loop is
 * <pre>
 * for (int i = 0, m = n; i &lt; m; i++) {
 *   final int xo = i * 2;
 *   final int zo = i * 3;
 *   float z0 = p[6]; float z1 = p[7]; float z2 = p[8];
 *   for (int k = 0; k &lt; 2; k++) {
 *     final float xv = in[xo + k];
 *     final int wo = 0 + k * 3;
 *     z0 += xv * p[wo + 0]; z1 += xv * p[wo + 1]; z2 += xv * p[wo + 2];
 *   }
 *   out[zo + 0] = z0; out[zo + 1] = z1; out[zo + 2] = z2;
 * }
 * </pre>
 *
 * @param rows the Java expression for the number of rows ({@code n} or {@code n * T})
 * @param in inputs per row
 * @param out outputs per row
 * @param w the offset of W [in, out] in {@code p}
 * @param b the offset of B [out] in {@code p}, or -1 without bias
 */
record DenseLoops(String rows, int in, int out, int w, int b) {

    private boolean bias() {
        return b >= 0;
    }

    /** Whether the loops keep each output's sum or gradient in a local (see the class comment). */
    private boolean locals() {
        return out <= Dense.LOCAL_SUMS || in > 1 && out <= Dense.WIDE_LOCAL_SUMS;
    }

    /** The bias of output {@code j} (a literal index, or an expression), or {@code 0f}. */
    private String init(String j) {
        return bias() ? "p[" + b + " + " + j + "]" : "0f";
    }

    /** {@code acc + x·w}, the product and the sum each rounded. */
    private static CodeBlock madd(String x, String w, String acc) {
        // NOTE: 0f + x·w, not x·w: a −0 product gives +0, as the reference's sum from 0
        // (DenseReference.denseRounded) does
        return CodeBlock.of("$L + $L * $L", acc, x, w);
    }

    /**
     * Whether the loops of a layer with no derivative to take are the runtime's rounded kernels'
     * ({@code Kernels.denseRoundedGrad} backward and, in a training step, {@code
     * Kernels.denseRoundedForward} forward): more than {@link Dense#LOCAL_SUMS} outputs summed in
     * locals, from {@link Dense#ROUNDED_GRAD_MIN_INPUTS} inputs.
     */
    boolean rounded() {
        return in >= Dense.ROUNDED_GRAD_MIN_INPUTS && out > Dense.LOCAL_SUMS && locals();
    }

    /**
     * Z = X·W + B from {@code x} to {@code z} in a training step: the loops of {@link #forward},
     * or their operations in their order as one kernel when {@link #rounded}.
     */
    void forwardTrain(CodeBlock.Builder c, String x, String z) {
        if (rounded()) {
            // vectors over the rows; the loops' bits
            c.addStatement("$T.denseRoundedForward($L, $L, $L, p, $L, $L, $L, $L)",
                    Kernels.class, x, rows, in, w, b, out, z);
            return;
        }
        forward(c, x, z);
    }

    /** Z = X·W + B from {@code x} to {@code z}. */
    void forward(CodeBlock.Builder c, String x, String z) {
        c.beginControlFlow("for (int i = 0, m = $L; i < m; i++)", rows);
        if (in > 1) {
            c.addStatement("final int xo = i * $L", in);
        }
        c.addStatement("final int zo = i * $L", out);
        // NOTE: one input (a textbook regression's x) has no loop over the inputs: the bias and
        // the single product go in one statement per output.
        if (locals()) {
            forwardInLocals(c, x, z);
        } else if (in == 1) {
            c.addStatement("final float xv = $L[i]", x);
            c.beginControlFlow("for (int j = 0; j < $L; j++)", out);
            c.addStatement("$L[zo + j] = $L", z, madd("xv", "p[" + w + " + j]",
                    init("j")));
            c.endControlFlow();
        } else {
            c.beginControlFlow("for (int j = 0; j < $L; j++)", out);
            c.addStatement("$L[zo + j] = $L", z, init("j"));
            c.endControlFlow();
            c.beginControlFlow("for (int k = 0; k < $L; k++)", in);
            c.addStatement("final float xv = $L[xo + k]", x);
            c.addStatement("final int wo = $L + k * $L", w, out);
            c.beginControlFlow("for (int j = 0; j < $L; j++)", out);
            addProduct(c, z + "[zo + j]", "p[wo + j]");
            c.endControlFlow();
            c.endControlFlow();
        }
        c.endControlFlow();
    }

    /** {@code acc += xv·w} as a statement, in the form of {@link #madd}. */
    private static void addProduct(CodeBlock.Builder c, String acc, String w) {
        c.addStatement("$L += xv * $L", acc, w);
    }

    /**
     * NOTE: a few outputs are summed in locals: in the array, each addition would wait for the
     * store of the one before (the same operations, in the same order).
     */
    private void forwardInLocals(CodeBlock.Builder c, String x, String z) {
        if (in == 1) {
            c.addStatement("final float xv = $L[i]", x);
        }
        for (int j = 0; j < out; j++) {
            String init = bias() ? "p[" + (b + j) + "]" : "0f";
            if (in > 1) {
                c.addStatement("float z$L = $L", j, init);
            } else {
                c.addStatement("final float z$L = $L", j, madd("xv", "p[" + (w + j) + "]",
                        init));
            }
        }
        if (in > 1) {
            c.beginControlFlow("for (int k = 0; k < $L; k++)", in);
            c.addStatement("final float xv = $L[xo + k]", x);
            c.addStatement("final int wo = $L + k * $L", w, out);
            for (int j = 0; j < out; j++) {
                addProduct(c, "z" + j, "p[wo + " + j + "]");
            }
            c.endControlFlow();
        }
        for (int j = 0; j < out; j++) {
            c.addStatement("$L[zo + $L] = z$L", z, j, j);
        }
    }

    /**
     * dW = Xᵀ·dZ and dB = Σ_rows dZ into {@code gp} (zeroed first), and, when {@code gradIn} is
     * not {@code null}, dX = dZ·Wᵀ, times {@code derivative} of each input when it is given
     * (the activation before the layer, fused here: the same product its own pass would take).
     */
    void backward(CodeBlock.Builder c, String x, String gradOut, String gradIn,
            CodeBlock derivative) {
        if (derivative == null && rounded()) {
            // the loops below (locals, each sum from 0f) as one kernel, vectors over the inputs
            c.addStatement("$T.denseRoundedGrad($L, $L, $L, $L, $L, p, $L, $L, gp, $L)",
                    Kernels.class, x, rows, in, gradOut, out, w, b,
                    gradIn == null ? "null" : gradIn);
            return;
        }
        c.addStatement("$T.fill(gp, $L, $L, 0f)", Arrays.class, w, w + in * out);
        if (bias()) {
            c.addStatement("$T.fill(gp, $L, $L, 0f)", Arrays.class, b, b + out);
        }
        CodeBlock scale = derivative == null ? CodeBlock.of("")
                : CodeBlock.of(" * ($L)", derivative);
        boolean locals = locals();
        // NOTE: with one input there is no loop over the inputs, and the bias gradient is summed
        // in the loop over the outputs (each gradient's additions in the same order).
        boolean loop = in > 1;
        c.beginControlFlow("for (int i = 0, m = $L; i < m; i++)", rows);
        if (loop) {
            c.addStatement("final int xo = i * $L", in);
        }
        c.addStatement("final int go = i * $L", out);
        if (locals) {
            for (int j = 0; j < out; j++) {
                c.addStatement("final float g$L = $L[go + $L]", j, gradOut, j);
            }
            if (bias()) {
                for (int j = 0; j < out; j++) {
                    c.addStatement("gp[$L] += g$L", b + j, j);
                }
            }
        } else if (bias() && loop) {
            c.beginControlFlow("for (int j = 0; j < $L; j++)", out);
            c.addStatement("gp[$L + j] += $L[go + j]", b, gradOut);
            c.endControlFlow();
        }
        String xi = loop ? "xo + k" : "i";
        String wo = loop ? "wo" : String.valueOf(w);
        if (loop) {
            c.beginControlFlow("for (int k = 0; k < $L; k++)", in);
            c.addStatement("final int wo = $L + k * $L", w, out);
        }
        c.addStatement("final float xv = $L[$L]", x, xi);
        if (locals) {
            backwardInLocals(c, gradIn, xi, wo, scale);
        } else {
            c.beginControlFlow("for (int j = 0; j < $L; j++)", out);
            if (bias() && !loop) {
                c.addStatement("final float g = $L[go + j]", gradOut);
                c.addStatement("gp[$L + j] += g", b);
                c.addStatement("gp[$L + j] += xv * g", wo);
            } else {
                c.addStatement("gp[$L + j] += xv * $L[go + j]", wo, gradOut);
            }
            c.endControlFlow();
            if (gradIn != null) {
                c.addStatement("float sum = 0f");
                c.beginControlFlow("for (int j = 0; j < $L; j++)", out);
                c.addStatement("sum += $L[go + j] * p[$L + j]", gradOut, wo);
                c.endControlFlow();
                c.addStatement("$L[$L] = sum$L", gradIn, xi, scale);
            }
        }
        if (loop) {
            c.endControlFlow();
        }
        c.endControlFlow();
    }

    /**
     * NOTE: past {@link Dense#LOCAL_SUMS} outputs dX's sum starts from {@code 0f} as the loop
     * over the outputs' does, so that a −0 first product gives +0 in both.
     */
    private void backwardInLocals(CodeBlock.Builder c, String gradIn, String xi, String wo,
            CodeBlock scale) {
        List<CodeBlock> terms = new ArrayList<>();
        if (out > Dense.LOCAL_SUMS) {
            terms.add(CodeBlock.of("0f"));
        }
        for (int j = 0; j < out; j++) {
            c.addStatement("gp[$L + $L] += xv * g$L", wo, j, j);
            terms.add(CodeBlock.of("g$L * p[$L + $L]", j, wo, j));
        }
        if (gradIn != null) {
            // a wide layer's sum wraps ($W) where its generated line would grow too long
            CodeBlock sum = CodeBlock.join(terms, "$W+ ");
            c.addStatement("$L[$L] = $L$L", gradIn, xi,
                    scale.isEmpty() ? sum : CodeBlock.of("($L)", sum), scale);
        }
    }
}
