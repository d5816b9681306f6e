package dev.nnc.runtime.kernels;

/**
 * Kernels of the recurrent layers' back-propagation through time, chosen once per JVM like
 * {@link Kernels}: the Vector API implementation when the JVM has the module, plain Java
 * otherwise.
 *
 * <p>{@link #gradWeights} is dW = Xᵀ·G over many rows (all n·T rows of a sequence batch at once):
 * unlike {@link DenseKernels#gradWeights}, which streams all of G once per row of W and is made
 * for a batch of a few dozen rows, it walks the rows in blocks small enough for the cache and
 * accumulates each block into W's gradient. Every output is summed in the same order whatever the
 * machine's thread count.
 */
public abstract class SequenceKernels {
    /** Rows per block of {@link #gradWeights}. */
    protected static final int BLOCK = 64;

    private static final SequenceKernels SCALAR = new Scalar();
    private static final SequenceKernels CHOSEN = choose();

    private static SequenceKernels choose() {
        if ("0".equals(System.getenv("NNC_VECTOR"))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return SCALAR;
        }
        try {
            return (SequenceKernels) Class.forName("dev.nnc.runtime.kernels.VectorSequenceKernels")
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return SCALAR;
        }
    }

    /** The kernels in use. */
    public static SequenceKernels get() {
        return CHOSEN;
    }

    /** The plain-Java kernels. */
    public static SequenceKernels scalar() {
        return SCALAR;
    }

    /**
     * Writes dW = Xᵀ·G into {@code gp} at {@code w} ([in, out] row-major) and, with
     * {@code b >= 0}, dB = Σ_rows G at {@code b}: X is {@code rows × in}, G {@code rows × out}.
     */
    public void gradWeights(float[] x, int rows, int in, float[] g, int out, float[] gp, int w,
            int b) {
        KernelContext c = KernelContext.current();
        int t = c.parts((long) rows * in * out, in, PARALLEL_MIN_MACS);
        if (t > 1) {
            c.sequenceGrad.set(this, x, rows, in, g, out, gp, w);
            c.run(c.sequenceGrad, t, (long) rows * in * out);
            c.sequenceGrad.set(null, null, 0, 0, null, 0, null, 0);
        } else {
            gradWeights(x, rows, in, g, out, gp, w, 0, in);
        }
        if (b >= 0) {
            java.util.Arrays.fill(gp, b, b + out, 0f);
            for (int i = 0; i < rows; i++) {
                int go = i * out;
                for (int j = 0; j < out; j++) {
                    gp[b + j] += g[go + j];
                }
            }
        }
    }

    /** dW for the rows k in [kFrom, kTo) of W, block by block of X's rows. */
    void gradWeights(float[] x, int rows, int in, float[] g, int out, float[] gp, int w,
            int kFrom, int kTo) {
        java.util.Arrays.fill(gp, w + kFrom * out, w + kTo * out, 0f);
        for (int r0 = 0; r0 < rows; r0 += BLOCK) {
            accumulate(x, r0, Math.min(rows, r0 + BLOCK), in, kFrom, kTo, g, out, gp, w);
        }
    }

    /**
     * gp[w + k·out + j] += Σ_{i in [from, to)} x[i·in + k] · g[i·out + j] for k in
     * [kFrom, kTo).
     */
    protected abstract void accumulate(float[] x, int from, int to, int in, int kFrom, int kTo,
            float[] g, int out, float[] gp, int w);

    // ---- threads: a product or a step is split across the calling thread's KernelContext when
    // large enough; every output is computed by one thread in the same order whatever the split, so
    // results do not depend on the thread count.

    /** Multiply-adds below which one thread is faster than waking others. */
    private static final long PARALLEL_MIN_MACS = 1 << 18;

    /** The cells, each with its number of gate blocks (G·h columns of the products). */
    public enum Cell {
        /** h_t = tanh(z): one block. */
        RNN(1),
        /** Gates i, o, f and the candidate c. */
        LSTM(4),
        /** Gates z, r and the candidate h. */
        GRU(3);

        private final int gates;

        Cell(int gates) {
            this.gates = gates;
        }

        /** The gate blocks: rnn 1, lstm 4, gru 3. */
        public int gates() {
            return gates;
        }
    }

    /**
     * One direction's buffers for its backward steps, each time-major (row t·n + i), made once
     * per backward pass; {@code null} where the cell has none.
     *
     * @param cell the cell
     * @param h the units
     * @param zx the gate values of every step (the forward pass's)
     * @param hu the recurrent products (gru)
     * @param hT the states h, slot t holding h before step t
     * @param cT the cell states c (lstm)
     * @param dhp dLoss/d(previous state) of every step
     * @param dc dLoss/dc carried to the step before (lstm), one row per sample
     * @param dz dLoss/d(gate inputs)
     * @param dzh dLoss/d(recurrent products) (gru)
     * @param dhd the direct term of dLoss/d(previous state) (gru)
     * @param ut U transposed, [h, G·h]
     */
    public record Backward(Cell cell, int h, float[] zx, float[] hu, float[] hT, float[] cT,
            float[] dhp, float[] dc, float[] dz, float[] dzh, float[] dhd, float[] ut) {

        /**
         * The buffers of one direction's backward pass, as {@code new Backward(...)}; where a
         * context is bound, the record it gave for the very same arrays before (a training step
         * then makes none: a model's buffers stay the same from batch to batch).
         */
        public static Backward of(Cell cell, int h, float[] zx, float[] hu, float[] hT,
                float[] cT, float[] dhp, float[] dc, float[] dz, float[] dzh, float[] dhd,
                float[] ut) {
            KernelContext c = KernelContext.bound();
            return c != null ? c.backward(cell, h, zx, hu, hT, cT, dhp, dc, dz, dzh, dhd, ut)
                    : new Backward(cell, h, zx, hu, hT, cT, dhp, dc, dz, dzh, dhd, ut);
        }
    }

    /**
     * One forward step over the n rows of step rows r0 … r0 + n: the recurrent product
     * hu = h₋·U (zero on the first step) and the cell's element-wise step, the rows split
     * across threads.
     */
    public void forwardStep(Cell cell, float[] hT, int r0, int n, int h, float[] p, int u,
            int bhn, float[] hu, float[] zx, float[] cT, int next, boolean first) {
        int gh = cell.gates() * h;
        KernelContext c = KernelContext.current();
        Prepared pu = recurrent(first, p, u, h, gh);
        int t = c.parts((long) n * h * gh, n, PARALLEL_MIN_MACS);
        if (t > 1) {
            c.sequenceStep.forward(this, cell, hT, r0, n, h, p, u, bhn, hu, zx, cT, next, first,
                    pu);
            c.run(c.sequenceStep, t, (long) n * h * gh);
        } else {
            forwardRows(cell, hT, r0, 0, n, h, p, u, bhn, hu, zx, cT, next, first, pu);
        }
    }

    void forwardRows(Cell cell, float[] hT, int r0, int from, int to, int h, float[] p, int u,
            int bhn, float[] hu, float[] zx, float[] cT, int next, boolean first, Prepared pu) {
        int gh = cell.gates() * h;
        if (first) {
            java.util.Arrays.fill(hu, (r0 + from) * gh, (r0 + to) * gh, 0f);
        } else {
            product(hT, r0 + from, r0 + to, h, p, u, gh, hu, pu);
        }
        int rows = to - from;
        int z0 = (r0 + from) * gh;
        int prev = (r0 + from) * h;
        int nx = next + from * h;
        switch (cell) {
            case RNN -> rnnForward(zx, hu, z0, rows, h, hT, nx);
            case LSTM -> lstmForward(zx, hu, z0, rows, h, cT, hT, prev, nx);
            case GRU -> gruForward(zx, hu, z0, rows, h, p, bhn, hT, prev, nx);
            default -> throw new AssertionError(cell);
        }
    }

    /**
     * One step of the model class's inference over the n rows of step rows r0 …: the recurrent
     * product hu = h₋·U (zero on the first step), each output summed as
     * {@link DenseKernels#infer} sums it (from zero, fused multiply-adds in ascending k), then the
     * cell's element-wise step: the bits of the standalone class's step, on one thread.
     *
     * <p>{@code up} is a scratch of at least h·G·h floats: the vector kernels copy U into it on the
     * first step in the order they read it, so that each step streams U from contiguous memory,
     * and read it on the others; U must not change between the steps of one sequence.
     */
    public void inferStep(Cell cell, float[] hT, int r0, int n, int h, float[] p, int u,
            int bhn, float[] hu, float[] zx, float[] cT, int next, boolean first, float[] up) {
        int gh = cell.gates() * h;
        int z0 = r0 * gh;
        if (first) {
            java.util.Arrays.fill(hu, z0, z0 + n * gh, 0f);
            packRecurrent(p, u, h, gh, up);
        } else {
            recurrentProduct(hT, r0, n, h, p, u, gh, hu, up, (r0 / n & 1) != 0);
        }
        switch (cell) {
            case RNN -> rnnForward(zx, hu, z0, n, h, hT, next);
            case LSTM -> lstmForward(zx, hu, z0, n, h, cT, hT, r0 * h, next);
            case GRU -> gruForward(zx, hu, z0, n, h, p, bhn, hT, r0 * h, next);
            default -> throw new AssertionError(cell);
        }
    }

    /** Copies U ([h, gh] at {@code p[u]}) into {@code up} as {@link #recurrentProduct} reads it. */
    protected void packRecurrent(float[] p, int u, int h, int gh, float[] up) {
    }

    /**
     * hu[r, :] = h₋[r, :]·U for the n rows r of step rows r0 …, each output from zero by fused
     * multiply-adds in ascending k; {@code up} as {@link #packRecurrent} left it. {@code odd}
     * alternates from step to step: an implementation may walk the outputs in the other order
     * on odd steps, so that a step starts on the part of U the step before read last.
     */
    protected void recurrentProduct(float[] hT, int r0, int n, int h, float[] p, int u, int gh,
            float[] hu, float[] up, boolean odd) {
        Kernels.dense().infer(hT, r0, r0 + n, h, p, u, -1, gh, hu);
    }

    /**
     * One backward step over the n rows of step rows r0 … of direction {@code b}: the cell's
     * element-wise backward, then (unless the previous state is the initial zero, {@code last})
     * dLoss/d(previous state) = dZh·Uᵀ, plus the GRU's direct term; the rows split across
     * threads.
     *
     * @param next the offset in {@code hT} of the state after this step
     * @param nr0 the first row of the step read after this one, whose dLoss/d(previous state)
     *     is this step's
     * @param first true for the first step of the backward sweep (nothing comes after it)
     * @param gout dLoss/dOut of the layer, read at {@code go} with a stride of {@code gs} per
     *     sample when {@code withOut}
     */
    public void backwardStep(Backward b, int r0, int n, int next, int nr0, boolean first,
            float[] gout, int go, int gs, boolean withOut, boolean last) {
        int gh = b.cell().gates() * b.h();
        KernelContext c = KernelContext.current();
        Prepared put = recurrent(first, b.ut(), 0, gh, b.h());
        int t = c.parts((long) n * b.h() * gh, n, PARALLEL_MIN_MACS);
        if (t > 1) {
            c.sequenceStep.backward(this, b, r0, n, next, nr0, first, gout, go, gs, withOut,
                    last, put);
            c.run(c.sequenceStep, t, (long) n * b.h() * gh);
        } else {
            backwardRows(b, r0, 0, n, next, nr0, first, gout, go, gs, withOut, last, put);
        }
    }

    void backwardRows(Backward b, int r0, int from, int to, int next, int nr0, boolean first,
            float[] gout, int go, int gs, boolean withOut, boolean last, Prepared put) {
        Cell cell = b.cell();
        int h = b.h();
        float[] zx = b.zx();
        float[] hu = b.hu();
        float[] hT = b.hT();
        float[] cT = b.cT();
        float[] dhp = b.dhp();
        float[] dc = b.dc();
        float[] dz = b.dz();
        float[] dzh = b.dzh();
        float[] dhd = b.dhd();
        float[] ut = b.ut();
        int gh = cell.gates() * h;
        int rows = to - from;
        int z0 = (r0 + from) * gh;
        int prev = (r0 + from) * h;
        int nx = next + from * h;
        int nxr = (nr0 + from) * h;
        int g0 = go + from * gs;
        switch (cell) {
            case RNN -> rnnBackward(z0, rows, h, hT, nx, dhp, nxr, first, gout, g0, gs,
                    withOut, dz);
            case LSTM -> {
                for (int i = 0; i < rows; i++) {
                    lstmBackwardRow(zx, z0 + i * 4 * h, h, cT, prev + i * h, nx + i * h, dhp,
                            nxr + i * h, first, gout, g0 + i * gs, withOut, dc,
                            (from + i) * h, dz, 0);
                }
            }
            case GRU -> {
                for (int i = 0; i < rows; i++) {
                    gruBackwardRow(zx, hu, z0 + i * 3 * h, h, hT, prev + i * h, dhp,
                            nxr + i * h, first, gout, g0 + i * gs, withOut, dz, dzh, dhd,
                            (from + i) * h, 0);
                }
            }
        }
        if (last) {
            return;
        }
        float[] dzr = cell == Cell.GRU ? dzh : dz;
        product(dzr, r0 + from, r0 + to, gh, ut, 0, h, dhp, put);
        if (cell == Cell.GRU) {
            int o = (r0 + from) * h;
            for (int q = from * h; q < to * h; q++) {
                dhp[o - from * h + q] += dhd[q];
            }
        }
    }

    /**
     * The recurrent weights B [k, n] at {@code b[off]} (U forward, Uᵀ backward) as the bound
     * context holds them for the step loop under way: made ready ({@link #prepare}) at the
     * loop's first step, where the weights may have changed since the last loop, and read by
     * every later step's product. Null where there is nothing to hold (no context bound: the
     * single-threaded context is shared by every unbound thread; the plain kernels, which read
     * B in place) or the context holds another matrix; the product then reads B itself.
     */
    private Prepared recurrent(boolean first, float[] b, int off, int k, int n) {
        KernelContext bound = KernelContext.bound();
        if (bound == null) {
            return null;
        }
        Prepared r = bound.recurrent;
        if (first) {
            r.clear();
            prepare(b, off, k, n, r);
        }
        return r.holds(b, off, k, n) ? r : null;
    }

    /**
     * Makes {@code into} ready for products with B [k, n] at {@code b[off]} (row-major), or
     * leaves it cleared where the kernels gain nothing from it (the plain ones).
     */
    void prepare(float[] b, int off, int k, int n, Prepared into) {
    }

    /**
     * C = A·B for the rows [from, to) of A [·, k] and of C [·, n], B [k, n] at {@code b[off]}:
     * the dense forward product without bias ({@link DenseKernels#forward}), with B read from
     * {@code pb} where it is not null (made ready by {@link #prepare} from that B). The bits are
     * the dense forward's either way.
     */
    void product(float[] a, int from, int to, int k, float[] b, int off, int n, float[] c,
            Prepared pb) {
        Kernels.dense().forward(a, from, to, k, b, off, -1, n, c);
    }

    /**
     * Writes the transpose of the [rows, cols] matrix at {@code p[off]} into {@code t} [cols,
     * rows] from 0: {@code t[j·rows + k] = p[off + k·cols + j]}.
     */
    public static void transpose(float[] p, int off, int rows, int cols, float[] t) {
        for (int k = 0; k < rows; k++) {
            int o = off + k * cols;
            for (int j = 0; j < cols; j++) {
                t[j * rows + k] = p[o + j];
            }
        }
    }

    // ---- the cells' element-wise step, over the rows of one step ------------------------------
    //
    // Layout, as the generated code of the recurrent layers keeps it: for the rows i in [0, rows)
    // of one step, the gate inputs are zx[z0 + i·G·h ...] (the input products, bias included;
    // overwritten with the gate values), the recurrent products hu[z0 + i·G·h ...], the previous
    // states h and c at hT[prev + i·h ...] and cT[prev + i·h ...], the new ones at [next + i·h].
    // Backward: dh = dhp[nx + i·h + j] (unless first) + gout[go + i·gs + j] (when withOut); the
    // gradients of the gate inputs go to dz (and for the gru to dzh, with dh·z to dhd).

    /** rnn: h = tanh(zx + hu) ({@link CellReference#rnnRow}). */
    public void rnnForward(float[] zx, float[] hu, int z0, int rows, int h, float[] hT,
            int next) {
        Scratch sc = Scratch.current();
        float[] g = sc.floats(Scratch.CELL_G, 5 * h);
        float[] s = sc.floats(Scratch.CELL_S, 5 * h);
        for (int i = 0; i < rows; i++) {
            CellReference.rnnRow(zx, hu, z0 + i * h, h, hT, next + i * h, g, s);
        }
    }

    /** lstm, gates (i, o, f, c): c = f·c₋ + i·g, h = o·tanh(c). */
    public void lstmForward(float[] zx, float[] hu, int z0, int rows, int h, float[] cT,
            float[] hT, int prev, int next) {
        for (int i = 0; i < rows; i++) {
            lstmForwardRow(zx, hu, z0 + i * 4 * h, h, cT, hT, prev + i * h, next + i * h, 0);
        }
    }

    /**
     * One sample's lstm step: {@link CellReference#lstmRow} (the units from {@code from} = 0),
     * or a specialization of it.
     */
    protected void lstmForwardRow(float[] zx, float[] hu, int z, int h, float[] cT, float[] hT,
            int hp, int hn, int from) {
        Scratch sc = Scratch.current();
        CellReference.lstmRow(zx, hu, z, h, cT, hT, hp, hn, sc.floats(Scratch.CELL_G, 5 * h),
                sc.floats(Scratch.CELL_S, 5 * h), sc.floats(Scratch.CELL_K, 4 * h),
                sc.floats(Scratch.CELL_Q, h));
    }

    /** gru, gates (z, r, h), reset after the recurrent product; bhn &lt; 0: no bias. */
    public void gruForward(float[] zx, float[] hu, int z0, int rows, int h, float[] p, int bhn,
            float[] hT, int prev, int next) {
        for (int i = 0; i < rows; i++) {
            gruForwardRow(zx, hu, z0 + i * 3 * h, h, p, bhn, hT, prev + i * h, next + i * h, 0);
        }
    }

    /**
     * One sample's gru step: {@link CellReference#gruRow} (the units from {@code from} = 0), or
     * a specialization of it.
     */
    protected void gruForwardRow(float[] zx, float[] hu, int z, int h, float[] p, int bhn,
            float[] hT, int hp, int hn, int from) {
        Scratch sc = Scratch.current();
        CellReference.gruRow(zx, hu, z, h, p, bhn, hT, hp, hn, sc.floats(Scratch.CELL_G, 5 * h),
                sc.floats(Scratch.CELL_S, 5 * h), sc.floats(Scratch.CELL_K, 4 * h),
                sc.floats(Scratch.CELL_Q, h));
    }

    /** Backward of {@link #rnnForward}. */
    public void rnnBackward(int z0, int rows, int h, float[] hT, int next, float[] dhp, int nx,
            boolean first, float[] gout, int go, int gs, boolean withOut, float[] dz) {
        for (int i = 0; i < rows; i++) {
            int z = z0 + i * h;
            for (int j = 0; j < h; j++) {
                float dh = first ? 0f : dhp[nx + i * h + j];
                if (withOut) {
                    dh += gout[go + i * gs + j];
                }
                final float hv = hT[next + i * h + j];
                dz[z + j] = dh * (1f - hv * hv);
            }
        }
    }

    /** Backward of {@link #lstmForward}; dc carries dLoss/dc from step to step. */
    public void lstmBackward(float[] zx, int z0, int rows, int h, float[] cT, int prev, int next,
            float[] dhp, int nx, boolean first, float[] gout, int go, int gs, boolean withOut,
            float[] dc, float[] dz) {
        for (int i = 0; i < rows; i++) {
            lstmBackwardRow(zx, z0 + i * 4 * h, h, cT, prev + i * h, next + i * h, dhp,
                    nx + i * h, first, gout, go + i * gs, withOut, dc, i * h, dz, 0);
        }
    }

    protected void lstmBackwardRow(float[] zx, int z, int h, float[] cT, int hp, int hn,
            float[] dhp, int nx, boolean first, float[] gout, int go, boolean withOut,
            float[] dc, int co, float[] dz, int from) {
        for (int j = from; j < h; j++) {
            float dh = first ? 0f : dhp[nx + j];
            if (withOut) {
                dh += gout[go + j];
            }
            final float gi = zx[z + j];
            final float go2 = zx[z + h + j];
            final float gf = zx[z + 2 * h + j];
            final float gc = zx[z + 3 * h + j];
            final float tc = Activations.tanh(cT[hn + j]);
            final float d = dh * go2 * (1f - tc * tc) + (first ? 0f : dc[co + j]);
            dz[z + j] = d * gc * gi * (1f - gi);
            dz[z + h + j] = dh * tc * go2 * (1f - go2);
            dz[z + 2 * h + j] = d * cT[hp + j] * gf * (1f - gf);
            dz[z + 3 * h + j] = d * gi * (1f - gc * gc);
            dc[co + j] = d * gf;
        }
    }

    /** Backward of {@link #gruForward}. */
    public void gruBackward(float[] zx, float[] hu, int z0, int rows, int h, float[] hT,
            int prev, float[] dhp, int nx, boolean first, float[] gout, int go, int gs,
            boolean withOut, float[] dz, float[] dzh, float[] dhd) {
        for (int i = 0; i < rows; i++) {
            gruBackwardRow(zx, hu, z0 + i * 3 * h, h, hT, prev + i * h, dhp, nx + i * h, first,
                    gout, go + i * gs, withOut, dz, dzh, dhd, i * h, 0);
        }
    }

    protected void gruBackwardRow(float[] zx, float[] hu, int z, int h, float[] hT, int hp,
            float[] dhp, int nx, boolean first, float[] gout, int go, boolean withOut,
            float[] dz, float[] dzh, float[] dhd, int ho, int from) {
        for (int j = from; j < h; j++) {
            float dh = first ? 0f : dhp[nx + j];
            if (withOut) {
                dh += gout[go + j];
            }
            final float gz = zx[z + j];
            final float gr = zx[z + h + j];
            final float gh = zx[z + 2 * h + j];
            final float hv = hu[z + 2 * h + j];
            final float dan = dh * (1f - gz) * (1f - gh * gh);
            final float daz = dh * (hT[hp + j] - gh) * gz * (1f - gz);
            final float dar = dan * hv * gr * (1f - gr);
            dz[z + j] = daz;
            dz[z + h + j] = dar;
            dz[z + 2 * h + j] = dan;
            dzh[z + j] = daz;
            dzh[z + h + j] = dar;
            dzh[z + 2 * h + j] = dan * gr;
            dhd[ho + j] = dh * gz;
        }
    }

    /** Plain Java. */
    static final class Scalar extends SequenceKernels {
        @Override
        protected void accumulate(float[] x, int from, int to, int in, int kFrom, int kTo,
                float[] g, int out, float[] gp, int w) {
            for (int k = kFrom; k < kTo; k++) {
                int wo = w + k * out;
                for (int i = from; i < to; i++) {
                    float xv = x[i * in + k];
                    int go = i * out;
                    for (int j = 0; j < out; j++) {
                        gp[wo + j] += xv * g[go + j];
                    }
                }
            }
        }
    }
}
