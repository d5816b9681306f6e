package dev.nnc.runtime.kernels;

/**
 * The working arrays of the kernels on one thread: the matrix product's packed panels, the
 * cells' per-row temporaries and a small dense layer's transposed weights, gradients, inputs
 * and outputs, each
 * grown to the largest size asked for and reused by every later call, so that a training step
 * in the steady state allocates nothing.
 *
 * <p>Each thread that runs kernels of a {@link KernelContext} has its own: the thread the context
 * is bound to uses the context's, each worker thread of its pool its own ({@link #current()}).
 * A part of a split product runs on one thread, so no two parts share one; nothing is kept
 * JVM-wide. A thread with no context bound gets a fresh one per call, as a kernel called outside
 * a training run (a test, a tool) allocated before.
 */
final class Scratch {
    /** The matrix product's packed panel of B. */
    static final int GEMM_B = 0;
    /** The matrix product's packed panel(s) of A. */
    static final int GEMM_A = 1;
    /** The matrix product's block of C at a ragged edge. */
    static final int GEMM_TILE = 2;
    /** The matrix product's last, narrow panel of a B read in place. */
    static final int GEMM_TAIL = 3;
    /** The cells' per-row temporaries (the plain-Java step). */
    static final int CELL_G = 4;
    static final int CELL_S = 5;
    static final int CELL_K = 6;
    static final int CELL_Q = 7;
    /** A small dense layer's Wᵀ and dWᵀ ({@link DenseKernels#roundedGrad}, vector form). */
    static final int ROUNDED_WT = 8;
    static final int ROUNDED_GT = 9;
    /** A small dense layer's forward pass: a block of rows of X transposed, and of Z. */
    static final int ROUNDED_XT = 10;
    static final int ROUNDED_ZT = 11;

    private final float[][] floats = new float[12][];
    private int[] ints;

    /** The array of {@code slot}, at least {@code size} long; its contents are undefined. */
    float[] floats(int slot, int size) {
        float[] a = floats[slot];
        if (a == null || a.length < size) {
            a = new float[size];
            floats[slot] = a;
        }
        return a;
    }

    /** An int array at least {@code size} long (the matrix product's gather index); undefined. */
    int[] ints(int size) {
        int[] a = ints;
        if (a == null || a.length < size) {
            a = new int[size];
            ints = a;
        }
        return a;
    }

    /** The calling thread's scratch: its worker's, its bound context's, or a fresh one. */
    static Scratch current() {
        Thread t = Thread.currentThread();
        if (t instanceof WorkerPool.Worker w) {
            return w.scratch;
        }
        Scratch s = KernelContext.boundScratch();
        return s != null ? s : new Scratch();
    }
}
