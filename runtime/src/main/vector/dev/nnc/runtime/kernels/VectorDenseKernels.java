package dev.nnc.runtime.kernels;

/**
 * {@link DenseKernels} on the JDK's incubating Vector API: the partial sums of a block of outputs
 * stay in vector registers across the whole reduction, which the JIT's automatic vectorization
 * cannot do. Loaded by {@link Kernels} only when the module is present. One class per concern:
 * {@link VectorDense} (the dense layer's products), {@link VectorGemm}, {@link VectorConv},
 * {@link VectorPool}, {@link VectorRelu}, {@link VectorAdam}; all on the vectors of
 * {@link VectorWidth}.
 */
final class VectorDenseKernels implements DenseKernels {
    @Override
    public int lanes() {
        return VectorWidth.LANES;
    }

    @Override
    public void forward(float[] x, int from, int to, int in, float[] p, int w, int b, int out,
            float[] z) {
        VectorDense.forward(x, from, to, in, p, w, b, out, z);
    }

    @Override
    public void infer(float[] x, int from, int to, int in, float[] p, int w, int b, int out,
            float[] z) {
        VectorDense.infer(x, from, to, in, p, w, b, out, z);
    }

    @Override
    public void gradWeights(float[] x, int n, int in, float[] g, int out, float[] gp, int w,
            int b, int kFrom, int kTo) {
        VectorDense.gradWeights(x, n, in, g, out, gp, w, b, kFrom, kTo);
    }

    @Override
    public void gradInput(float[] g, int from, int to, int out, float[] p, int w, int in,
            float[] gx) {
        VectorDense.gradInput(g, from, to, out, p, w, in, gx);
    }

    @Override
    public void roundedGrad(float[] x, int n, int in, float[] g, int out, float[] p, int w,
            int b, float[] gp, float[] gx) {
        VectorDense.roundedGrad(x, n, in, g, out, p, w, b, gp, gx);
    }

    @Override
    public void roundedForward(float[] x, int n, int in, float[] p, int w, int b, int out,
            float[] z) {
        VectorDense.roundedForward(x, n, in, p, w, b, out, z);
    }

    @Override
    public void gemm(float[] a, int ai, int lda, float[] b, int bi, int ldb, float[] c, int ci,
            int ldc, int m, int n, int k, boolean accumulate) {
        VectorGemm.gemm(a, ai, lda, b, bi, ldb, c, ci, ldc, m, n, k, accumulate);
    }

    @Override
    public void convWide(float[] x, int xo, int[] taps, float[] p, int w, int b, int f,
            int span, float[] dst) {
        VectorConv.convWide(x, xo, taps, p, w, b, f, span, dst);
    }

    @Override
    public void convLanes(float[] x, int xo, int[] taps, int[] pos, float[] wT, float[] p,
            int b, int f, float[] dst) {
        VectorConv.convLanes(x, xo, taps, pos, wT, p, b, f, dst);
    }

    @Override
    public void maxPool(float[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw,
            int oh, int ow, float[] y) {
        VectorPool.maxPool(x, n, c, h, w, kh, kw, sh, sw, oh, ow, y);
    }

    @Override
    public void maxPoolArgSamples(float[] x, int from, int to, int c, int h, int w, int kh,
            int kw, int sh, int sw, int oh, int ow, float[] y, int[] arg) {
        VectorPool.maxPoolArg(x, from, to, c, h, w, kh, kw, sh, sw, oh, ow, y, arg);
    }

    @Override
    public void relu(float[] x, float[] y, int from, int to) {
        VectorRelu.relu(x, y, from, to);
    }

    @Override
    public void reluBackward(float[] z, float[] g, float[] gx, int from, int to) {
        VectorRelu.reluBackward(z, g, gx, from, to);
    }

    @Override
    public void adam(float[] p, float[] g, float[] m, float[] v, int from, int to, float b1,
            float b2, float step, float e, float shrink) {
        VectorAdam.adam(p, g, m, v, from, to, b1, b2, step, e, shrink);
    }

    @Override
    public boolean settleAdam(int blocks) {
        return VectorAdam.settle(blocks);
    }

    @Override
    public int rowBlock() {
        return VectorGemm.MR;
    }

    @Override
    public void col2imWide(float[] src, int ld, int[] taps, int span, float[] dst, int off,
            int size) {
        VectorConv.col2imWide(src, ld, taps, span, dst, off, size);
    }

    @Override
    public void convGradWide(float[] g, float[] x, int[] taps, int f, int span, int sums,
            float[] acc) {
        VectorConv.convGradWide(g, x, taps, f, span, sums, acc);
    }
}
