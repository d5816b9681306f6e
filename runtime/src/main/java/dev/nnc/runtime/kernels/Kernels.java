package dev.nnc.runtime.kernels;

/**
 * The dense-layer kernels generated code calls, chosen once per JVM: the Vector API
 * implementation when the JVM was started with {@code --add-modules jdk.incubator.vector} (the
 * {@code ./nnc} launcher does; {@code NNC_VECTOR=0} turns it off), the plain-Java one otherwise.
 *
 * <p>NOTE: C2's automatic vectorization of the plain loops reaches about 6–10 GFLOP/s on the
 * machines measured (it cannot keep partial sums in registers across k); explicit vectors with
 * the sums in registers reach about 38 (bench/RESULTS.md), and the blocked product with packed
 * panels (VectorGemm, bench/run-gemm.sh) more. Every vector kernel runs at one width, the
 * machine's widest up to 512 bits ({@code VectorWidth}; {@code -Dnnc.vector.bits=256|512}
 * chooses it): on JDK 17, once one JVM has run both 256-bit and 512-bit vectors through the
 * Vector API, kernels compiled afterwards keep their vectors boxed (a 512-bit product measured
 * 140 GFLOP/s alone and 2.7 after 256-bit kernels had run on an AVX-512 Xeon).
 */
public final class Kernels {
    private static final DenseKernels SCALAR = new ScalarDenseKernels();
    private static final DenseKernels DENSE = choose();

    private Kernels() {
    }

    private static DenseKernels choose() {
        if ("0".equals(System.getenv("NNC_VECTOR"))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return SCALAR;
        }
        try {
            return (DenseKernels) Class.forName("dev.nnc.runtime.kernels.VectorDenseKernels")
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return SCALAR;
        }
    }

    /** The kernels in use. */
    public static DenseKernels dense() {
        return DENSE;
    }

    /** The plain-Java kernels, whatever the JVM offers. */
    public static DenseKernels scalar() {
        return SCALAR;
    }

    /**
     * A short name of the kernels in use: {@code vector-512}, {@code vector-256} (the width of
     * their vectors in bits) or {@code scalar}.
     */
    public static String name() {
        return DENSE == SCALAR ? "scalar" : "vector-" + DENSE.lanes() * Float.SIZE;
    }

    // Threads: one product is split across the calling thread's KernelContext when it is large
    // enough; every output is computed by exactly one thread in the same order, so results do not
    // depend on the count.
    /** Multiply-adds below which one thread is faster than waking others. */
    static final long PARALLEL_MIN_MACS = 1 << 20;

    /**
     * The threads the dense kernels may use on the calling thread: its {@link KernelContext}'s.
     */
    public static int threads() {
        return KernelContext.current().threads();
    }

    private static int lo(int n, int part, int parts) {
        return KernelContext.lo(n, part, parts);
    }

    /** See {@link DenseKernels#forward}. */
    public static void denseForward(float[] x, int n, int in, float[] p, int w, int b, int out,
            float[] z) {
        KernelContext c = KernelContext.current();
        int t = c.parts((long) n * in * out, n, PARALLEL_MIN_MACS);
        if (t <= 1) {
            DENSE.forward(x, 0, n, in, p, w, b, out, z);
            return;
        }
        c.denseForward.set(x, n, in, p, w, b, out, z);
        c.run(c.denseForward, t);
        c.denseForward.set(null, 0, 0, null, 0, 0, 0, null);
    }

    /**
     * See {@link DenseKernels#infer}: the same bits whichever kernels are in use, on the calling
     * thread only (predictions may run on many threads at once, as in a server).
     */
    public static void denseInfer(float[] x, int n, int in, float[] p, int w, int b, int out,
            float[] z) {
        DENSE.infer(x, 0, n, in, p, w, b, out, z);
    }

    /** See {@link DenseKernels#maxPool}: the same bits whichever kernels are in use. */
    public static void maxPool(float[] x, int n, int c, int h, int w, int kh, int kw, int sh,
            int sw, int oh, int ow, float[] y) {
        DENSE.maxPool(x, n, c, h, w, kh, kw, sh, sw, oh, ow, y);
    }

    /** See {@link DenseKernels#reluBackward}: the same bits whichever kernels are in use. */
    public static void reluBackward(float[] z, float[] g, float[] gx, int size) {
        DENSE.reluBackward(z, g, gx, size);
    }

    /** See {@link DenseKernels#maxPoolArg}: the same bits whichever kernels are in use. */
    public static void maxPoolArg(float[] x, int n, int c, int h, int w, int kh, int kw, int sh,
            int sw, int oh, int ow, float[] y, int[] arg) {
        DENSE.maxPoolArg(x, n, c, h, w, kh, kw, sh, sw, oh, ow, y, arg);
    }

    /** See {@link DenseKernels#relu}: the same bits whichever kernels are in use. */
    public static void relu(float[] x, float[] y, int size) {
        DENSE.relu(x, y, size);
    }

    /** See {@link DenseKernels#gradWeights}. */
    public static void denseGradWeights(float[] x, int n, int in, float[] g, int out, float[] gp,
            int w, int b) {
        KernelContext c = KernelContext.current();
        int t = c.parts((long) n * in * out, in, PARALLEL_MIN_MACS);
        if (t <= 1) {
            DENSE.gradWeights(x, n, in, g, out, gp, w, b, 0, in);
            return;
        }
        c.denseGradWeights.set(x, n, in, g, out, gp, w, b);
        c.run(c.denseGradWeights, t);
        c.denseGradWeights.set(null, 0, 0, null, 0, null, 0, 0);
    }

    /** See {@link DenseKernels#gradInput}. */
    public static void denseGradInput(float[] g, int n, int out, float[] p, int w, int in,
            float[] gx) {
        KernelContext c = KernelContext.current();
        int t = c.parts((long) n * in * out, n, PARALLEL_MIN_MACS);
        if (t <= 1) {
            DENSE.gradInput(g, 0, n, out, p, w, in, gx);
            return;
        }
        c.denseGradInput.set(g, n, out, p, w, in, gx);
        c.run(c.denseGradInput, t);
        c.denseGradInput.set(null, 0, 0, null, 0, 0, null);
    }

    /** Rows of Z split across threads. */
    static final class Forward implements WorkerPool.Task {
        private float[] x;
        private float[] p;
        private float[] z;
        private int n;
        private int in;
        private int w;
        private int b;
        private int out;

        void set(float[] x, int n, int in, float[] p, int w, int b, int out, float[] z) {
            this.x = x;
            this.n = n;
            this.in = in;
            this.p = p;
            this.w = w;
            this.b = b;
            this.out = out;
            this.z = z;
        }

        @Override
        public void part(int index, int parts) {
            DENSE.forward(x, lo(n, index, parts), lo(n, index + 1, parts), in, p, w, b, out, z);
        }
    }

    /** Rows k of dW split across threads; part 0 also sums dB. */
    static final class GradWeights implements WorkerPool.Task {
        private float[] x;
        private float[] g;
        private float[] gp;
        private int n;
        private int in;
        private int out;
        private int w;
        private int b;

        void set(float[] x, int n, int in, float[] g, int out, float[] gp, int w, int b) {
            this.x = x;
            this.n = n;
            this.in = in;
            this.g = g;
            this.out = out;
            this.gp = gp;
            this.w = w;
            this.b = b;
        }

        @Override
        public void part(int index, int parts) {
            DENSE.gradWeights(x, n, in, g, out, gp, w, index == 0 ? b : -1,
                    lo(in, index, parts), lo(in, index + 1, parts));
        }
    }

    /** Rows of dX split across threads. */
    static final class GradInput implements WorkerPool.Task {
        private float[] g;
        private float[] p;
        private float[] gx;
        private int n;
        private int out;
        private int w;
        private int in;

        void set(float[] g, int n, int out, float[] p, int w, int in, float[] gx) {
            this.g = g;
            this.n = n;
            this.out = out;
            this.p = p;
            this.w = w;
            this.in = in;
            this.gx = gx;
        }

        @Override
        public void part(int index, int parts) {
            DENSE.gradInput(g, lo(n, index, parts), lo(n, index + 1, parts), out, p, w, in, gx);
        }
    }
}
