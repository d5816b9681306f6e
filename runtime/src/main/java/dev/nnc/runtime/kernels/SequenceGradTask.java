package dev.nnc.runtime.kernels;

/** Rows k of dW split across threads. */
final class SequenceGradTask implements WorkerPool.Task {
    private SequenceKernels k;
    private float[] x;
    private float[] g;
    private float[] gp;
    private int rows;
    private int in;
    private int out;
    private int w;

    void set(SequenceKernels k, float[] x, int rows, int in, float[] g, int out, float[] gp,
            int w) {
        this.k = k;
        this.x = x;
        this.rows = rows;
        this.in = in;
        this.g = g;
        this.out = out;
        this.gp = gp;
        this.w = w;
    }

    @Override
    public void part(int index, int parts) {
        k.gradWeights(x, rows, in, g, out, gp, w, KernelContext.lo(in, index, parts),
                KernelContext.lo(in, index + 1, parts));
    }
}
