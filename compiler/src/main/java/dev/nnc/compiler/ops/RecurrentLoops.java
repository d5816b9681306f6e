package dev.nnc.compiler.ops;

import com.palantir.javapoet.CodeBlock;

/**
 * The inline loops of a recurrent layer in the standalone class, which needs nothing but the
 * JDK: the products in the plain loops' order (those of the runtime's {@code denseInfer}) and
 * each cell's element-wise step with the expressions of {@code SequenceKernels.scalar()}, σ and
 * tanh by the standalone class's copies of the runtime's. {@code RecurrentGradientCheckTest} and
 * the equivalence suite hold them to the model class's kernels.
 *
 * <p>The LSTM's step of units h = 2 reads, per sample i and unit j:
 * <pre>
 * final float gi = sigmoid(zx0[z + j] + hu0[z + j]);
 * final float go = sigmoid(zx0[z + 2 + j] + hu0[z + 2 + j]);
 * ...
 * final float cv = gf * cT0[hp + j] + gi * gc;
 * cT0[hn + j] = cv;
 * hT0[hn + j] = go * (tanh(cv));
 * </pre>
 */
final class RecurrentLoops {
    private RecurrentLoops() {
    }

    /**
     * z[r, :] = (b or 0) + x[r, :]·W for rows r in [from, to), W [in, out] at p[w], summed in
     * ascending k by fused multiply-adds.
     */
    static void product(CodeBlock.Builder c, String x, String from, String to, int in, int w,
            int b, int out, String z) {
        c.beginControlFlow("for (int r = $L; r < $L; r++)", from, to);
        c.addStatement("final int xo = r * $L", in);
        c.addStatement("final int zo = r * $L", out);
        c.beginControlFlow("for (int j = 0; j < $L; j++)", out);
        c.addStatement("$L[zo + j] = $L", z, b < 0 ? "0f" : CodeBlock.of("p[$L + j]", b));
        c.endControlFlow();
        c.beginControlFlow("for (int k = 0; k < $L; k++)", in);
        c.addStatement("final float xv = $L[xo + k]", x);
        c.addStatement("final int wo = $L + k * $L", w, out);
        c.beginControlFlow("for (int j = 0; j < $L; j++)", out);
        c.addStatement("$L[zo + j] = Math.fma(xv, p[wo + j], $L[zo + j])", z, z);
        c.endControlFlow();
        c.endControlFlow();
        c.endControlFlow();
    }

    /**
     * The cell's element-wise step over the n samples of the step at rows r0 …: gate values
     * into {@code zx}, the new state at slot {@code ns} of {@code hT} (and {@code cT}).
     *
     * @param bhn the offset of the GRU's Bhn in p, or -1
     */
    static void step(CodeBlock.Builder c, Recurrent.Cell cell, int h, int gh, String zx,
            String hu, String hT, String cT, int bhn) {
        c.beginControlFlow("for (int i = 0; i < n; i++)");
        c.addStatement("final int z = (r0 + i) * $L", gh);
        c.addStatement("final int hp = (r0 + i) * $L", h);
        c.addStatement("final int hn = (ns * n + i) * $L", h);
        c.beginControlFlow("for (int j = 0; j < $L; j++)", h);
        switch (cell) {
            case RNN -> c.addStatement("$L[hn + j] = tanh($L[z + j] + $L[z + j])", hT, zx, hu);
            case LSTM -> {
                gate(c, "gi", "sigmoid", zx, hu, 0);
                gate(c, "go", "sigmoid", zx, hu, h);
                gate(c, "gf", "sigmoid", zx, hu, 2 * h);
                gate(c, "gc", "tanh", zx, hu, 3 * h);
                c.addStatement("$L[z + j] = gi", zx);
                c.addStatement("$L[z + $L + j] = go", zx, h);
                c.addStatement("$L[z + $L + j] = gf", zx, 2 * h);
                c.addStatement("$L[z + $L + j] = gc", zx, 3 * h);
                c.addStatement("final float cv = gf * $L[hp + j] + gi * gc", cT);
                c.addStatement("$L[hn + j] = cv", cT);
                c.addStatement("$L[hn + j] = go * (tanh(cv))", hT);
            }
            case GRU -> {
                gate(c, "gz", "sigmoid", zx, hu, 0);
                gate(c, "gr", "sigmoid", zx, hu, h);
                c.addStatement("final float hv = $L[z + $L + j]$L", hu, 2 * h,
                        bhn >= 0 ? CodeBlock.of(" + p[$L + j]", bhn) : "");
                c.addStatement("$L[z + $L + j] = hv", hu, 2 * h);
                c.addStatement("final float gh = tanh($L[z + $L + j] + gr * hv)", zx, 2 * h);
                c.addStatement("$L[z + j] = gz", zx);
                c.addStatement("$L[z + $L + j] = gr", zx, h);
                c.addStatement("$L[z + $L + j] = gh", zx, 2 * h);
                c.addStatement("$L[hn + j] = (1f - gz) * gh + gz * $L[hp + j]", hT, hT);
            }
            default -> throw new AssertionError(cell);
        }
        c.endControlFlow();
        c.endControlFlow();
    }

    /** {@code final float name = f(zx[z + at + j] + hu[z + at + j])}. */
    private static void gate(CodeBlock.Builder c, String name, String f, String zx, String hu,
            int at) {
        if (at == 0) {
            c.addStatement("final float $L = $L($L[z + j] + $L[z + j])", name, f, zx, hu);
        } else {
            c.addStatement("final float $L = $L($L[z + $L + j] + $L[z + $L + j])", name, f, zx, at,
                    hu, at);
        }
    }
}
