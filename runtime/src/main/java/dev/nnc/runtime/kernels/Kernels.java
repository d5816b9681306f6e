package dev.nnc.runtime.kernels;

/**
 * The dense-layer kernels generated code calls, chosen once per JVM: the Vector API
 * implementation when the JVM was started with {@code --add-modules jdk.incubator.vector} (the
 * {@code ./nnc} launcher does; {@code NNC_VECTOR=0} turns it off), the plain-Java one otherwise.
 *
 * <p>NOTE: C2's automatic vectorization of the plain loops reaches about 6–10 GFLOP/s on the
 * machines measured (it cannot keep partial sums in registers across k); explicit vectors with
 * the sums in registers reach about 38 (bench/RESULTS.md). The vector species is 256 bits wide:
 * 512-bit vectors measured ten times slower on an AMD EPYC guest.
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

    /** A short name of the kernels in use: {@code vector-256} or {@code scalar}. */
    public static String name() {
        return DENSE == SCALAR ? "scalar" : "vector-256";
    }

    // Threads: one product is split across the pool when it is large enough; every output is
    // computed by exactly one thread in the same order, so results do not depend on the count.
    private static final Object LOCK = new Object();
    /** Multiply-adds below which one thread is faster than waking others. */
    private static final long PARALLEL_MIN_MACS = 1 << 20;
    private static volatile int threads = 1;
    private static WorkerPool pool;
    private static final Forward FORWARD = new Forward();
    private static final GradWeights GRAD_WEIGHTS = new GradWeights();
    private static final GradInput GRAD_INPUT = new GradInput();

    /**
     * Sets how many threads the dense kernels may use (the trainer sets its {@code threads}).
     * The worker threads are started once and kept; they are daemons.
     */
    public static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads < 1: " + n);
        }
        synchronized (LOCK) {
            if (n > 1 && (pool == null || pool.width() < n)) {
                pool = new WorkerPool(n - 1);
            }
            threads = n;
        }
    }

    /** The threads the dense kernels may use. */
    public static int threads() {
        return threads;
    }

    /**
     * Runs {@code parts} parts of {@code task} on the pool (at most {@link #threads()}), one task
     * at a time across all kernels: the sequence kernels share the dense kernels' threads.
     */
    static void runParts(WorkerPool.Task task, int parts) {
        synchronized (LOCK) {
            pool.run(task, parts);
        }
    }

    private static int split(long macs, int rows) {
        int t = threads;
        return t > 1 && macs >= PARALLEL_MIN_MACS ? Math.min(t, rows) : 1;
    }

    private static int lo(int n, int part, int parts) {
        return (int) ((long) n * part / parts);
    }

    /**
     * How many parts a batch-level task of {@code macs} multiply-adds over {@code rows} samples
     * is split into: the thread count when it is large enough, else 1.
     */
    static int parts(long macs, int rows) {
        return split(macs, rows);
    }

    /** Runs parts 0 .. parts − 1 of {@code task} on the pool, part 0 on this thread. */
    static void run(WorkerPool.Task task, int parts) {
        if (parts <= 1) {
            task.part(0, 1);
            return;
        }
        synchronized (LOCK) {
            pool.run(task, parts);
        }
    }

    /** See {@link DenseKernels#forward}. */
    public static void denseForward(float[] x, int n, int in, float[] p, int w, int b, int out,
            float[] z) {
        int t = split((long) n * in * out, n);
        if (t <= 1) {
            DENSE.forward(x, 0, n, in, p, w, b, out, z);
            return;
        }
        synchronized (LOCK) {
            FORWARD.set(x, n, in, p, w, b, out, z);
            pool.run(FORWARD, t);
        }
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
        int t = split((long) n * in * out, in);
        if (t <= 1) {
            DENSE.gradWeights(x, n, in, g, out, gp, w, b, 0, in);
            return;
        }
        synchronized (LOCK) {
            GRAD_WEIGHTS.set(x, n, in, g, out, gp, w, b);
            pool.run(GRAD_WEIGHTS, t);
        }
    }

    /** See {@link DenseKernels#gradInput}. */
    public static void denseGradInput(float[] g, int n, int out, float[] p, int w, int in,
            float[] gx) {
        int t = split((long) n * in * out, n);
        if (t <= 1) {
            DENSE.gradInput(g, 0, n, out, p, w, in, gx);
            return;
        }
        synchronized (LOCK) {
            GRAD_INPUT.set(g, n, out, p, w, in, gx);
            pool.run(GRAD_INPUT, t);
        }
    }

    /** Rows of Z split across threads. */
    private static final class Forward implements WorkerPool.Task {
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
    private static final class GradWeights implements WorkerPool.Task {
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
    private static final class GradInput implements WorkerPool.Task {
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
