package dev.nnc.runtime;

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
            return (SequenceKernels) Class.forName("dev.nnc.runtime.VectorSequenceKernels")
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
        java.util.Arrays.fill(gp, w, w + in * out, 0f);
        for (int r0 = 0; r0 < rows; r0 += BLOCK) {
            accumulate(x, r0, Math.min(rows, r0 + BLOCK), in, g, out, gp, w);
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

    /** gp[w + k·out + j] += Σ_{i in [from, to)} x[i·in + k] · g[i·out + j]. */
    protected abstract void accumulate(float[] x, int from, int to, int in, float[] g, int out,
            float[] gp, int w);

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

    static float sigmoid(float x) {
        return 1f / (1f + (float) Math.exp(-(x)));
    }

    static float tanh(float x) {
        return 2f / (1f + (float) Math.exp(-2f * (x))) - 1f;
    }

    /** rnn: h = tanh(zx + hu). */
    public void rnnForward(float[] zx, float[] hu, int z0, int rows, int h, float[] hT,
            int next) {
        for (int i = 0; i < rows; i++) {
            int z = z0 + i * h;
            int hn = next + i * h;
            for (int j = 0; j < h; j++) {
                hT[hn + j] = tanh(zx[z + j] + hu[z + j]);
            }
        }
    }

    /** lstm, gates (i, o, f, c): c = f·c₋ + i·g, h = o·tanh(c). */
    public void lstmForward(float[] zx, float[] hu, int z0, int rows, int h, float[] cT,
            float[] hT, int prev, int next) {
        for (int i = 0; i < rows; i++) {
            lstmForwardRow(zx, hu, z0 + i * 4 * h, h, cT, hT, prev + i * h, next + i * h, 0);
        }
    }

    protected void lstmForwardRow(float[] zx, float[] hu, int z, int h, float[] cT, float[] hT,
            int hp, int hn, int from) {
        for (int j = from; j < h; j++) {
            final float gi = sigmoid(zx[z + j] + hu[z + j]);
            final float go = sigmoid(zx[z + h + j] + hu[z + h + j]);
            final float gf = sigmoid(zx[z + 2 * h + j] + hu[z + 2 * h + j]);
            final float gc = tanh(zx[z + 3 * h + j] + hu[z + 3 * h + j]);
            zx[z + j] = gi;
            zx[z + h + j] = go;
            zx[z + 2 * h + j] = gf;
            zx[z + 3 * h + j] = gc;
            final float cv = gf * cT[hp + j] + gi * gc;
            cT[hn + j] = cv;
            hT[hn + j] = go * (tanh(cv));
        }
    }

    /** gru, gates (z, r, h), reset after the recurrent product; bhn &lt; 0: no bias. */
    public void gruForward(float[] zx, float[] hu, int z0, int rows, int h, float[] p, int bhn,
            float[] hT, int prev, int next) {
        for (int i = 0; i < rows; i++) {
            gruForwardRow(zx, hu, z0 + i * 3 * h, h, p, bhn, hT, prev + i * h, next + i * h, 0);
        }
    }

    protected void gruForwardRow(float[] zx, float[] hu, int z, int h, float[] p, int bhn,
            float[] hT, int hp, int hn, int from) {
        for (int j = from; j < h; j++) {
            final float gz = sigmoid(zx[z + j] + hu[z + j]);
            final float gr = sigmoid(zx[z + h + j] + hu[z + h + j]);
            final float hv = hu[z + 2 * h + j] + (bhn >= 0 ? p[bhn + j] : 0f);
            hu[z + 2 * h + j] = hv;
            final float gh = tanh(zx[z + 2 * h + j] + gr * hv);
            zx[z + j] = gz;
            zx[z + h + j] = gr;
            zx[z + 2 * h + j] = gh;
            hT[hn + j] = (1f - gz) * gh + gz * hT[hp + j];
        }
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
            final float tc = tanh(cT[hn + j]);
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
        protected void accumulate(float[] x, int from, int to, int in, float[] g, int out,
                float[] gp, int w) {
            for (int k = 0; k < in; k++) {
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
