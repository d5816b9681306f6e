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

    /**
     * The first of {@code n} rows of part {@code part} of {@code parts}, at a multiple of the
     * kernels' row block (the last part ends at {@code n}).
     */
    private static int lo(int n, int part, int parts) {
        return KernelContext.lo(n, part, parts, DENSE.rowBlock());
    }

    /** Blocks of the kernels' rows that {@code n} rows make. */
    private static int blocks(int n) {
        int r = DENSE.rowBlock();
        return (n + r - 1) / r;
    }

    /** Parameters below which one thread runs an optimizer step. */
    static final int OPTIMIZER_PARALLEL_MIN = 1 << 14;
    /** The parameters of an optimizer step are split at multiples of this (whole vectors). */
    static final int OPTIMIZER_BLOCK = 1024;

    /** See {@link DenseKernels#forward}. */
    public static void denseForward(float[] x, int n, int in, float[] p, int w, int b, int out,
            float[] z) {
        KernelContext c = KernelContext.current();
        int t = c.split((long) n * in * out, blocks(n), PARALLEL_MIN_MACS);
        if (t <= 1) {
            DENSE.forward(x, 0, n, in, p, w, b, out, z);
            return;
        }
        c.denseForward.set(x, n, in, p, w, b, out, z);
        c.run(c.denseForward, t, (long) n * in * out);
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

    /**
     * See {@link DenseKernels#reluBackward}: the same bits whichever kernels are in use, split
     * across the calling thread's {@link KernelContext} when there are enough values (each value
     * is computed alone, so the bits do not depend on the split).
     */
    public static void reluBackward(float[] z, float[] g, float[] gx, int size) {
        relu(null, z, g, gx, size);
    }

    /**
     * See {@link DenseKernels#maxPoolArg}: the same bits whichever kernels are in use, the
     * samples split across the calling thread's {@link KernelContext} when there are enough
     * outputs (each sample's outputs and indices are its own).
     */
    public static void maxPoolArg(float[] x, int n, int c, int h, int w, int kh, int kw, int sh,
            int sw, int oh, int ow, float[] y, int[] arg) {
        KernelContext k = KernelContext.current();
        int size = c * oh * ow;
        int t = k.split((long) n * size, n, ELEMENTWISE_PARALLEL_MIN);
        if (t <= 1) {
            maxPoolArg(x, 0, n, c, h, w, kh, kw, sh, sw, oh, ow, y, arg);
            return;
        }
        k.maxPoolArg.set(x, n, c, h, w, kh, kw, sh, sw, oh, ow, y, arg);
        k.run(k.maxPoolArg, t, (long) n * size);
        k.maxPoolArg.set(null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null);
    }

    /**
     * The backward pass of max pooling: dX of {@code n} samples of {@code inSize} values, each
     * the sum of the dY of the outputs whose maximum it was ({@code arg}, from {@link
     * #maxPoolArg}), added in output order from 0; the samples split across the calling
     * thread's {@link KernelContext} as {@link #maxPoolArg}'s are (each sample's maxima lie in
     * its own input), the same bits for any split.
     */
    public static void maxPoolBackward(float[] gy, int[] arg, int n, int inSize, int outSize,
            float[] gx) {
        KernelContext k = KernelContext.current();
        int t = k.split((long) n * inSize, n, ELEMENTWISE_PARALLEL_MIN);
        if (t <= 1) {
            maxPoolBackward(gy, arg, 0, n, inSize, outSize, gx);
            return;
        }
        k.maxPoolBackward.set(gy, arg, n, inSize, outSize, gx);
        k.run(k.maxPoolBackward, t, (long) n * inSize);
        k.maxPoolBackward.set(null, null, 0, 0, 0, null);
    }

    private static void maxPoolBackward(float[] gy, int[] arg, int from, int to, int inSize,
            int outSize, float[] gx) {
        java.util.Arrays.fill(gx, from * inSize, to * inSize, 0f);
        for (int t = from * outSize, e = to * outSize; t < e; t++) {
            gx[arg[t]] += gy[t];
        }
    }

    /** Samples of max pooling's backward pass split across threads. */
    static final class MaxPoolBackward implements WorkerPool.Task {
        private float[] gy;
        private int[] arg;
        private float[] gx;
        private int n;
        private int inSize;
        private int outSize;

        void set(float[] gy, int[] arg, int n, int inSize, int outSize, float[] gx) {
            this.gy = gy;
            this.arg = arg;
            this.n = n;
            this.inSize = inSize;
            this.outSize = outSize;
            this.gx = gx;
        }

        @Override
        public void part(int index, int parts) {
            maxPoolBackward(gy, arg, KernelContext.lo(n, index, parts),
                    KernelContext.lo(n, index + 1, parts), inSize, outSize, gx);
        }
    }

    /** The samples [from, to) of {@link #maxPoolArg}, a few at a time (see {@link #relu}). */
    static void maxPoolArg(float[] x, int from, int to, int c, int h, int w, int kh, int kw,
            int sh, int sw, int oh, int ow, float[] y, int[] arg) {
        int step = Math.max(1, ELEMENTWISE_BLOCK / (c * oh * ow));
        for (int i = from; i < to; i += step) {
            DENSE.maxPoolArgSamples(x, i, Math.min(to, i + step), c, h, w, kh, kw, sh, sw, oh, ow,
                    y, arg);
        }
    }

    /**
     * See {@link DenseKernels#relu}: the same bits whichever kernels are in use, split across
     * the calling thread's {@link KernelContext} as {@link #reluBackward} is.
     */
    public static void relu(float[] x, float[] y, int size) {
        relu(x, null, null, y, size);
    }

    /** relu of x into y (x not null), or its backward pass from z and g into y. */
    private static void relu(float[] x, float[] z, float[] g, float[] y, int size) {
        KernelContext k = KernelContext.current();
        int t = k.split(size, (size + ELEMENTWISE_BLOCK - 1) / ELEMENTWISE_BLOCK,
                ELEMENTWISE_PARALLEL_MIN);
        if (t <= 1) {
            relu(x, z, g, y, 0, size);
            return;
        }
        k.relu.set(x, z, g, y, size);
        k.run(k.relu, t, size);
        k.relu.set(null, null, null, null, 0);
    }

    /**
     * NOTE: the kernels are called on blocks of {@link #RELU_CALL} values, as the optimizer's
     * are (see {@link #adam}): called once per step on a whole batch, the vector
     * relu ran the first hundreds of a training run's steps unoptimized, its vectors boxed. The
     * forward and backward blocks are separate loops: in one loop that chose between them on
     * each block, C2 hoisted a check above the loop on the word of the profile, which had seen
     * both kernels (a profile predicate, -XX:+LogCompilation), the calls of the other kernel
     * failed it, and the method was deoptimized and compiled again while training.
     */
    private static void relu(float[] x, float[] z, float[] g, float[] y, int from, int to) {
        if (x != null) {
            reluBlocks(x, y, from, to);
        } else {
            reluBackwardBlocks(z, g, y, from, to);
        }
    }

    /** relu of x into y over [from, to), a call of the kernel at a time. */
    private static void reluBlocks(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i += RELU_CALL) {
            DENSE.relu(x, y, i, Math.min(to, i + RELU_CALL));
        }
    }

    /** relu's backward pass from z and g into y over [from, to), a call at a time. */
    private static void reluBackwardBlocks(float[] z, float[] g, float[] y, int from, int to) {
        for (int i = from; i < to; i += RELU_CALL) {
            DENSE.reluBackward(z, g, y, i, Math.min(to, i + RELU_CALL));
        }
    }

    /**
     * Values of one call of the relu kernels (a multiple of every vector's lanes). NOTE: at
     * {@link #ELEMENTWISE_BLOCK} values a call, fmnist_mlp's relu layers (64 × 128 and 64 × 64
     * values a step) made two calls a step and one: the kernels ran boxed for the first 300 to
     * 500 steps of a run (the first layer's relu 40 to 500 µs a step before, 1 after); at 512,
     * 16 and 8 calls a step.
     */
    static final int RELU_CALL = 512;

    /** Values below which one thread runs an elementwise kernel (relu, pooling). */
    static final int ELEMENTWISE_PARALLEL_MIN = 1 << 15;
    /** Elementwise kernels are split at multiples of this many values (whole vectors). */
    static final int ELEMENTWISE_BLOCK = 4096;

    /** Blocks of relu or of its backward pass split across threads. */
    static final class Relu implements WorkerPool.Task {
        private float[] x;
        private float[] z;
        private float[] g;
        private float[] y;
        private int size;

        void set(float[] x, float[] z, float[] g, float[] y, int size) {
            this.x = x;
            this.z = z;
            this.g = g;
            this.y = y;
            this.size = size;
        }

        @Override
        public void part(int index, int parts) {
            relu(x, z, g, y, KernelContext.lo(size, index, parts, ELEMENTWISE_BLOCK),
                    KernelContext.lo(size, index + 1, parts, ELEMENTWISE_BLOCK));
        }
    }

    /** Samples of max pooling (with the maxima's indices) split across threads. */
    static final class MaxPoolArg implements WorkerPool.Task {
        private float[] x;
        private float[] y;
        private int[] arg;
        private final int[] geometry = new int[10];

        void set(float[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int oh,
                int ow, float[] y, int[] arg) {
            this.x = x;
            this.y = y;
            this.arg = arg;
            int[] q = geometry;
            q[0] = n;
            q[1] = c;
            q[2] = h;
            q[3] = w;
            q[4] = kh;
            q[5] = kw;
            q[6] = sh;
            q[7] = sw;
            q[8] = oh;
            q[9] = ow;
        }

        @Override
        public void part(int index, int parts) {
            int[] q = geometry;
            maxPoolArg(x, KernelContext.lo(q[0], index, parts),
                    KernelContext.lo(q[0], index + 1, parts), q[1], q[2], q[3], q[4], q[5], q[6],
                    q[7], q[8], q[9], y, arg);
        }
    }

    /** See {@link DenseKernels#gradWeights}. */
    public static void denseGradWeights(float[] x, int n, int in, float[] g, int out, float[] gp,
            int w, int b) {
        KernelContext c = KernelContext.current();
        int t = c.split((long) n * in * out, blocks(in), PARALLEL_MIN_MACS);
        if (t <= 1) {
            DENSE.gradWeights(x, n, in, g, out, gp, w, b, 0, in);
            return;
        }
        c.denseGradWeights.set(x, n, in, g, out, gp, w, b);
        c.run(c.denseGradWeights, t, (long) n * in * out);
        c.denseGradWeights.set(null, 0, 0, null, 0, null, 0, 0);
    }

    /** See {@link DenseKernels#roundedGrad}: the same bits whichever kernels are in use. */
    public static void denseRoundedGrad(float[] x, int n, int in, float[] g, int out, float[] p,
            int w, int b, float[] gp, float[] gx) {
        DENSE.roundedGrad(x, n, in, g, out, p, w, b, gp, gx);
    }

    /** See {@link DenseKernels#roundedForward}: the same bits whichever kernels are in use. */
    public static void denseRoundedForward(float[] x, int n, int in, float[] p, int w, int b,
            int out, float[] z) {
        DENSE.roundedForward(x, n, in, p, w, b, out, z);
    }

    /** See {@link DenseKernels#gradInput}. */
    public static void denseGradInput(float[] g, int n, int out, float[] p, int w, int in,
            float[] gx) {
        KernelContext c = KernelContext.current();
        int t = c.split((long) n * in * out, blocks(n), PARALLEL_MIN_MACS);
        if (t <= 1) {
            DENSE.gradInput(g, 0, n, out, p, w, in, gx);
            return;
        }
        c.denseGradInput.set(g, n, out, p, w, in, gx);
        c.run(c.denseGradInput, t, (long) n * in * out);
        c.denseGradInput.set(null, 0, 0, null, 0, 0, null);
    }

    /**
     * See {@link DenseKernels#adam}, over all parameters: split across the calling thread's
     * {@link KernelContext} when there are enough of them (each element's operations are the
     * same on any thread, so the bits do not depend on the split).
     */
    public static void adam(float[] p, float[] g, float[] m, float[] v, float b1, float b2,
            float step, float e, float shrink) {
        int size = p.length;
        if (g.length != size || m.length != size || v.length != size) {
            throw new IllegalArgumentException("adam: " + size + " parameters, " + g.length
                    + " gradients, state of " + m.length + " and " + v.length);
        }
        KernelContext c = KernelContext.current();
        int t = c.split(size, (size + OPTIMIZER_BLOCK - 1) / OPTIMIZER_BLOCK,
                OPTIMIZER_PARALLEL_MIN);
        if (t <= 1) {
            adam(p, g, m, v, 0, size, b1, b2, step, e, shrink);
            return;
        }
        c.adam.set(p, g, m, v, b1, b2, step, e, shrink);
        c.run(c.adam, t, size);
        c.adam.set(null, null, null, null, 0f, 0f, 0f, 0f, 1f);
    }

    /**
     * See {@link DenseKernels#settleAdam}: a warm-up's call, on its own thread, before the run's
     * first step; true once nothing is left to decide.
     */
    public static boolean settleAdam(int blocks) {
        return DENSE.settleAdam(blocks);
    }

    /**
     * NOTE: the kernel is called on blocks of {@link #OPTIMIZER_BLOCK} parameters, not on the
     * whole range at once. The optimizing JIT compiles a method once it has been called often
     * enough (a few hundred times); the launcher's {@code -XX:Tier4BackEdgeThreshold} keeps it from
     * compiling a long loop where it runs. Called once a step on 109k parameters, the vector
     * kernel ran its first several hundred steps unoptimized, its vectors boxed, far slower than
     * the plain loop; called per block, it is compiled within the first steps.
     */
    private static void adam(float[] p, float[] g, float[] m, float[] v, int from, int to,
            float b1, float b2, float step, float e, float shrink) {
        for (int i = from; i < to; i += OPTIMIZER_BLOCK) {
            DENSE.adam(p, g, m, v, i, Math.min(to, i + OPTIMIZER_BLOCK), b1, b2, step, e, shrink);
        }
    }

    /** Ranges of the parameters of an Adam step split across threads. */
    static final class Adam implements WorkerPool.Task {
        private float[] p;
        private float[] g;
        private float[] m;
        private float[] v;
        private float b1;
        private float b2;
        private float step;
        private float e;
        private float shrink;

        void set(float[] p, float[] g, float[] m, float[] v, float b1, float b2, float step,
                float e, float shrink) {
            this.p = p;
            this.g = g;
            this.m = m;
            this.v = v;
            this.b1 = b1;
            this.b2 = b2;
            this.step = step;
            this.e = e;
            this.shrink = shrink;
        }

        @Override
        public void part(int index, int parts) {
            int n = p.length;
            adam(p, g, m, v, KernelContext.lo(n, index, parts, OPTIMIZER_BLOCK),
                    KernelContext.lo(n, index + 1, parts, OPTIMIZER_BLOCK), b1, b2, step, e,
                    shrink);
        }
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
