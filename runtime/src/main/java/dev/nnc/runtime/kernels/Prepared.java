package dev.nnc.runtime.kernels;

/**
 * A matrix B [k, n] made ready once for many products C = A·B with it, as the recurrent weights
 * U (forward) and Uᵀ (backward) are for every step of a sequence: where the kernels pack B into
 * panels ({@code VectorGemm}), the panels are packed once and read by every step's product,
 * instead of being packed anew for each. Owned by a {@link KernelContext}, written by the thread
 * the context is bound to before the products that read it are split across threads, and only
 * read by them.
 *
 * <p>It names the matrix it was made from (array, offset, k, n, row-major with row stride n) and
 * serves only that one; its contents are those of the matrix when it was made, so it is made
 * again whenever the matrix may have changed (each pass over a sequence makes it at its first
 * step).
 */
final class Prepared {
    private float[] source;
    private int offset;
    private int k;
    private int n;
    /** The packed panels, in the layout of the kernels that made them. */
    float[] data;

    /** Forgets the matrix: {@link #holds} is false until {@link #made} is called. */
    void clear() {
        source = null;
    }

    /** Records that {@link #data} now holds B [k, n] at {@code b[off]}. */
    void made(float[] b, int off, int k, int n) {
        this.source = b;
        this.offset = off;
        this.k = k;
        this.n = n;
    }

    /** Whether this holds B [k, n] at {@code b[off]}. */
    boolean holds(float[] b, int off, int k, int n) {
        return source == b && offset == off && this.k == k && this.n == n;
    }

    /** The array of the packed panels, at least {@code size} long. */
    float[] data(int size) {
        if (data == null || data.length < size) {
            data = new float[size];
        }
        return data;
    }
}
