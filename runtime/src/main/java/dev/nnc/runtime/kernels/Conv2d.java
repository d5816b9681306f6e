package dev.nnc.runtime.kernels;

/**
 * The training kernels of one convolution layer of fixed geometry (generated code keeps one per
 * layer and model instance): im2col followed by matrix products, over the samples of a batch,
 * split across the kernel threads by samples.
 *
 * <p>Layout: input x [n, C, H, W], output z [n, F, OH, OW] (sample-major NCHW), weights W
 * [F, C, KH, KW] at offset {@code w} of the parameter array and biases [F] at {@code b}
 * ({@code b < 0}: none). For one sample, with col[(c, ky, kx), (oy, ox)] =
 * x[c, oy·SH − PT + ky, ox·SW − PL + kx] (0 in the padding):
 * <pre>
 * Z  = W · col + B                  [F, OH·OW]
 * dW = Σ_samples dZ · colᵀ           (per chunk of samples, then over the chunks in order)
 * dB = Σ_samples Σ_positions dZ
 * dX = col2im(Wᵀ · dZ)
 * </pre>
 * The products are {@link DenseKernels#gemm} of the kernels in use (vectorized when the JVM has
 * the Vector API). Z sums in the order b, then (c, ky, kx) ascending, the order of inference
 * ({@link #infer}, and the direct loops nnc emits); inference fuses each multiply-add, as the
 * vectorized products do, while the plain-Java products round twice, so those differ from it in
 * the last bits.
 *
 * <p>NOTE: at stride 1 with the vectorized kernels nothing is laid out as col: Z is the direct
 * convolution of {@link #infer} (the same sums), and dW is summed over the "wide" rows of dZ and
 * the padded input in one vector of partial sums per weight ({@link DenseKernels#convGradWide},
 * 8 or 16 by the vector width), added in order at the end of each chunk; im2col and the
 * transposes cost more than the products at LeNet's sizes. dX stays col2im(Wᵀ · dZ), the
 * product taken over the same wide rows of dZ (0 in their gaps) and col2im adding each tap's
 * whole wide row at its offset in the padded input ({@link DenseKernels#col2imWide}): the same sums
 * in the same order as over im2col's rows, in runs of the wide rows' length instead of OW.
 *
 * <p>Threads: the samples of a batch are split into parts (as many as the calling thread's
 * {@link KernelContext} has threads, for a batch large enough); every output is computed by one
 * thread. The weight gradient is summed per chunk of {@link #CHUNK} consecutive samples (the
 * chunks depend on the batch size only; a part takes whole chunks), and the chunks' gradients are
 * added in chunk order: the bits depend neither on the thread count nor on the scheduling. The
 * scratch memory (im2col rows per part, partial gradients per chunk) is allocated once, when the
 * part or chunk count first grows, never per step.
 */
public final class Conv2d {
    /**
     * Samples per partial weight gradient: small enough that a batch of 64 splits evenly over
     * 1, 2, 4 or 8 threads (and within one chunk of it over 3), large enough that adding the
     * chunks' gradients costs little next to computing them.
     */
    static final int CHUNK = 8;

    private final int c;
    private final int h;
    private final int w;
    private final int f;
    private final int kh;
    private final int kw;
    private final int sh;
    private final int sw;
    private final int pt;
    private final int pl;
    private final int oh;
    private final int ow;
    private final int hw;
    private final int ck;
    private final int inSize;
    private final int outSize;

    private float[][] col = new float[0][];
    private float[][] colT = new float[0][];
    private float[][] partial = new float[0][];
    /** Wᵀ [C·KH·KW, F], for dX. */
    private final float[] wT;

    // the direct kernels (stride 1): the input padded [C, PH, PW], the offset of each tap in
    // it, the length of the "wide" output rows of one filter ((OH − 1)·PW + OW)
    private final int ph;
    private final int pw;
    private final int span;
    private final int[] taps;
    private final boolean pad;
    /**
     * Where dW is computed from im2col (the plain kernels, or strides above 1): transposed,
     * dWᵀ = col · dZᵀ [C·KH·KW, F], when the filters fill whole vectors, so that only dZ is
     * transposed per sample, not the larger col.
     */
    private final boolean gradT;
    /**
     * At stride 1 with the vectorized kernels, dW as {@link #sums} partial sums per weight over
     * the wide rows of dZ and the padded input ({@link DenseKernels#convGradWide}), added in
     * order per part: no im2col at all. Per part: dZ in wide rows (their gaps stay 0), the sums.
     */
    private final int spanV;
    /** The partial sums per weight of the wide rows' dW: the kernels' lanes. */
    private final int sums;
    private float[][] gWide = new float[0][];
    private float[][] accV = new float[0][];
    /** Per part: the padded input of one sample, the outputs of one sample (wide or transposed). */
    private float[][] padded = new float[0][];
    private float[][] wide = new float[0][];
    /** Per part, for dX at stride 1: Wᵀ · dZ over the wide rows [C·KH·KW, spanV], dX padded. */
    private float[][] colWide = new float[0][];
    private float[][] gxPadded = new float[0][];
    /** The filters in the lanes (F a multiple of the lanes): each output position's offset, Wᵀ. */
    private final boolean lanes;
    private final int[] positions;
    private float[] wTi;

    private final Im2col im2col;
    private final ForwardTask forwardTask = new ForwardTask();
    private final BackwardTask backwardTask = new BackwardTask();

    /**
     * @param c input channels
     * @param h input height
     * @param w input width
     * @param f filters (output channels)
     * @param kh kernel height
     * @param kw kernel width
     * @param sh vertical stride
     * @param sw horizontal stride
     * @param pt padding at the top (the bottom follows from the output height)
     * @param pl padding at the left
     * @param oh output height
     * @param ow output width
     */
    public Conv2d(int c, int h, int w, int f, int kh, int kw, int sh, int sw, int pt, int pl,
            int oh, int ow) {
        this.c = c;
        this.h = h;
        this.w = w;
        this.f = f;
        this.kh = kh;
        this.kw = kw;
        this.sh = sh;
        this.sw = sw;
        this.pt = pt;
        this.pl = pl;
        this.oh = oh;
        this.ow = ow;
        this.hw = oh * ow;
        this.ck = c * kh * kw;
        this.inSize = c * h * w;
        this.outSize = f * hw;
        this.im2col = new Im2col(c, h, w, kh, kw, sh, sw, pt, pl, oh, ow);
        this.wT = new float[ck * f];
        this.ph = (oh - 1) * sh + kh;
        this.pw = (ow - 1) * sw + kw;
        this.span = (oh - 1) * pw + ow;
        this.taps = new int[ck];
        for (int ci = 0; ci < c; ci++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    taps[(ci * kh + ky) * kw + kx] = (ci * ph + ky) * pw + kx;
                }
            }
        }
        // NOTE: with the filters in the lanes every lane computes an output, whereas the wide
        // rows also compute the PW − OW values past each row's end; the lanes cost a transposed
        // copy of W and of the output, worth it when the rows are short.
        // (the plain-Java kernels vectorize only the wide rows' loops)
        this.lanes = f % Kernels.dense().lanes() == 0 && hw >= 6
                && (long) 4 * f * hw < (long) 3 * f * span && Kernels.dense() != Kernels.scalar();
        this.pad = ph != h || pw != w || pt != 0 || pl != 0;
        this.gradT = f % 8 == 0;
        this.sums = Kernels.dense().lanes();
        this.spanV = (span + sums - 1) / sums * sums;
        this.positions = new int[lanes ? hw : 0];
        for (int t = 0; t < positions.length; t++) {
            positions[t] = t / ow * pw + t % ow;
        }
    }

    private void ensureParts(int parts) {
        if (col.length >= parts) {
            return;
        }
        float[][] a = new float[parts][];
        float[][] b = new float[parts][];
        for (int i = 0; i < parts; i++) {
            a[i] = new float[ck * hw];
            b[i] = new float[Math.max(ck, f) * hw];
        }
        col = a;
        colT = b;
    }

    private void ensureChunks(int chunks) {
        if (partial.length >= chunks) {
            return;
        }
        float[][] q = new float[chunks][];
        for (int i = 0; i < chunks; i++) {
            q[i] = new float[f * ck + f];
        }
        partial = q;
    }

    private int parts(int n) {
        int parts = KernelContext.current().parts((long) n * ck * outSize, n,
                Kernels.PARALLEL_MIN_MACS);
        ensureParts(parts);
        return parts;
    }

    private static int lo(int n, int part, int parts) {
        return (int) ((long) n * part / parts);
    }

    /**
     * Z = conv(X) + B for the {@code n} samples of {@code x}, into {@code z}. At stride 1 with
     * the vectorized kernels, the direct convolution of {@link #infer} (the same sums as the
     * products of im2col, in the same order, without the copy); else im2col and products.
     */
    public void forward(float[] x, int n, float[] p, int wOff, int bOff, float[] z) {
        int parts = parts(n);
        if (direct()) {
            ensureDirect(parts);
            prepareDirect(p, wOff);
        }
        forwardTask.set(x, n, p, wOff, bOff, z);
        KernelContext.current().run(forwardTask, parts, n);
        forwardTask.set(null, 0, null, 0, 0, null);
    }

    private boolean direct() {
        return sh == 1 && sw == 1 && Kernels.dense() != Kernels.scalar();
    }

    /**
     * Z = conv(X) + B for inference, at stride 1 only: each output sums the bias, then each
     * weight times its input in ascending (c, ky, kx), by fused multiply-adds
     * ({@link DenseKernels#convWide}), the same bits whichever kernels are in use and the same
     * as the loops nnc emits for the standalone class. Runs on the calling thread; the scratch
     * memory is allocated on the first call.
     */
    public void infer(float[] x, int n, float[] p, int wOff, int bOff, float[] z) {
        if (sh != 1 || sw != 1) {
            throw new IllegalStateException("Conv2d.infer: stride " + sh + "x" + sw);
        }
        ensureDirect(1);
        prepareDirect(p, wOff);
        for (int i = 0; i < n; i++) {
            directSample(x, i, p, wOff, bOff, z, 0);
        }
    }

    private void ensureDirect(int parts) {
        if (wide.length >= parts) {
            return;
        }
        float[][] a = new float[parts][];
        float[][] b = new float[parts][];
        float[][] gw = new float[parts][];
        float[][] av = new float[parts][];
        for (int i = 0; i < parts; i++) {
            a[i] = new float[f * Math.max(span, hw)];
            // sums floats past the end: the partial sums' last vector reads there (times 0)
            b[i] = new float[c * ph * pw + sums];
            gw[i] = new float[f * spanV];
            av[i] = new float[f * ck * sums];
        }
        wide = a;
        padded = b;
        gWide = gw;
        accV = av;
        if (lanes && wTi == null) {
            wTi = new float[ck * f];
        }
    }

    /** Wᵀ for the filters in the lanes. */
    private void prepareDirect(float[] p, int wOff) {
        if (lanes) {
            for (int j = 0; j < f; j++) {
                for (int q = 0; q < ck; q++) {
                    wTi[q * f + j] = p[wOff + j * ck + q];
                }
            }
        }
    }

    private void directSample(float[] x, int i, float[] p, int wOff, int bOff, float[] z,
            int part) {
        DenseKernels k = Kernels.dense();
        float[] out = wide[part];
        float[] src = x;
        int xo = i * inSize;
        if (pad) {
            src = padded[part];
            im2col.pad(x, xo, src);
            xo = 0;
        }
        int zo = i * outSize;
        if (lanes) {
            k.convLanes(src, xo, taps, positions, wTi, p, bOff, f, out);
            for (int j = 0; j < f; j++) {
                for (int t = 0; t < hw; t++) {
                    z[zo + j * hw + t] = out[t * f + j];
                }
            }
            return;
        }
        k.convWide(src, xo, taps, p, wOff, bOff, f, span, out);
        for (int j = 0; j < f; j++) {
            for (int oy = 0; oy < oh; oy++) {
                System.arraycopy(out, j * span + oy * pw, z, zo + (j * oh + oy) * ow, ow);
            }
        }
    }

    /**
     * Writes dW (and dB) into {@code gp} at {@code wOff} ({@code bOff}) and, when {@code gx} is
     * not {@code null}, dX into {@code gx}, from the layer's input {@code x} and dLoss/dZ
     * {@code gz}.
     */
    public void backward(float[] x, float[] gz, int n, float[] p, int wOff, int bOff, float[] gp,
            float[] gx) {
        int chunks = (n + CHUNK - 1) / CHUNK;
        int parts = Math.min(parts(n), chunks);
        ensureChunks(chunks);
        if (sh == 1 && sw == 1) {
            ensureDirect(parts);
            if (gx != null && gradWide() && colWide.length < parts) {
                float[][] a = new float[parts][];
                float[][] b = new float[parts][];
                for (int i = 0; i < parts; i++) {
                    a[i] = new float[ck * spanV];
                    b[i] = new float[c * ph * pw + sums];
                }
                colWide = a;
                gxPadded = b;
            }
        }
        if (gx != null) {
            for (int j = 0; j < f; j++) {
                for (int k = 0; k < ck; k++) {
                    wT[k * f + j] = p[wOff + j * ck + k];
                }
            }
        }
        backwardTask.set(x, gz, n, p, wOff, gx);
        KernelContext.current().run(backwardTask, parts, n);
        backwardTask.set(null, null, 0, null, 0, null);
        int size = f * ck;
        if (gradT && !gradWide()) {
            for (int j = 0; j < f; j++) {
                for (int k = 0; k < ck; k++) {
                    float s = 0f;
                    for (int q = 0; q < chunks; q++) {
                        s += partial[q][k * f + j];
                    }
                    gp[wOff + j * ck + k] = s;
                }
            }
        } else {
            for (int k = 0; k < size; k++) {
                float s = 0f;
                for (int q = 0; q < chunks; q++) {
                    s += partial[q][k];
                }
                gp[wOff + k] = s;
            }
        }
        if (bOff >= 0) {
            for (int j = 0; j < f; j++) {
                float s = 0f;
                for (int q = 0; q < chunks; q++) {
                    s += partial[q][size + j];
                }
                gp[bOff + j] = s;
            }
        }
    }

    private void forwardSamples(float[] x, int from, int to, float[] p, int wOff, int bOff,
            float[] z, float[] cols) {
        DenseKernels k = Kernels.dense();
        for (int i = from; i < to; i++) {
            im2col.gather(x, i, cols);
            int zo = i * outSize;
            for (int j = 0; j < f; j++) {
                java.util.Arrays.fill(z, zo + j * hw, zo + (j + 1) * hw,
                        bOff < 0 ? 0f : p[bOff + j]);
            }
            k.gemm(p, wOff, ck, cols, 0, hw, z, zo, hw, f, hw, ck, true);
        }
    }

    private void backwardSamples(float[] x, float[] gz, int from, int to, float[] p, int wOff,
            float[] gx, int part, int chunk) {
        DenseKernels kernels = Kernels.dense();
        float[] cols = col[part];
        float[] colsT = colT[part];
        float[] acc = partial[chunk];
        java.util.Arrays.fill(acc, 0f);
        if (gradWide()) {
            java.util.Arrays.fill(accV[part], 0f);
        }
        int size = f * ck;
        for (int i = from; i < to; i++) {
            int go = i * outSize;
            // dB: each filter's sum in position order, four filters at a time (independent
            // chains of additions, not one after another)
            int j = 0;
            for (; j + 4 <= f; j += 4) {
                int g0 = go + j * hw;
                float s0 = 0f;
                float s1 = 0f;
                float s2 = 0f;
                float s3 = 0f;
                for (int t = 0; t < hw; t++) {
                    s0 += gz[g0 + t];
                    s1 += gz[g0 + hw + t];
                    s2 += gz[g0 + 2 * hw + t];
                    s3 += gz[g0 + 3 * hw + t];
                }
                acc[size + j] += s0;
                acc[size + j + 1] += s1;
                acc[size + j + 2] += s2;
                acc[size + j + 3] += s3;
            }
            for (; j + 2 <= f; j += 2) {
                int g0 = go + j * hw;
                float s0 = 0f;
                float s1 = 0f;
                for (int t = 0; t < hw; t++) {
                    s0 += gz[g0 + t];
                    s1 += gz[g0 + hw + t];
                }
                acc[size + j] += s0;
                acc[size + j + 1] += s1;
            }
            for (; j < f; j++) {
                float sb = 0f;
                for (int t = go + j * hw, e = t + hw; t < e; t++) {
                    sb += gz[t];
                }
                acc[size + j] += sb;
            }
            if (gradWide()) {
                float[] src = padded[part];
                if (pad) {
                    im2col.pad(x, i * inSize, src);
                } else {
                    System.arraycopy(x, i * inSize, src, 0, inSize);
                }
                float[] gw = gWide[part];
                for (int jj = 0; jj < f; jj++) {
                    for (int oy = 0; oy < oh; oy++) {
                        System.arraycopy(gz, go + (jj * oh + oy) * ow, gw, jj * spanV + oy * pw,
                                ow);
                    }
                }
                kernels.convGradWide(gw, src, taps, f, spanV, sums, accV[part]);
                if (gx != null) {
                    // dcol = Wᵀ · dZ over the wide rows (0 in their gaps), then each tap's row
                    // added to the input at its offset in one run: the sums of col2im, in its
                    // order (tap by tap), without its short rows
                    float[] dcol = colWide[part];
                    kernels.gemm(wT, 0, f, gw, 0, spanV, dcol, 0, spanV, ck, spanV, f, false);
                    // (over whole vectors, spanV, into a copy with room past its end)
                    float[] gxp = gxPadded[part];
                    kernels.col2imWide(dcol, spanV, taps, spanV, gxp, 0, c * ph * pw);
                    if (pad) {
                        im2col.unpad(gxp, gx, i * inSize);
                    } else {
                        System.arraycopy(gxp, 0, gx, i * inSize, inSize);
                    }
                }
                continue;
            }
            if (sh == 1 && sw == 1 && !gradT) {
                // colᵀ straight from the (padded) input, one window a row
                float[] src = x;
                int xo = i * inSize;
                if (pad) {
                    src = padded[part];
                    im2col.pad(x, xo, src);
                    xo = 0;
                }
                int d = 0;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int base = xo + oy * pw + ox;
                        for (int ci = 0; ci < c; ci++) {
                            for (int ky = 0; ky < kh; ky++) {
                                int r = base + (ci * ph + ky) * pw;
                                for (int kx = 0; kx < kw; kx++) {
                                    colsT[d++] = src[r + kx];
                                }
                            }
                        }
                    }
                }
                kernels.gemm(gz, go, hw, colsT, 0, ck, acc, 0, ck, f, ck, hw, true);
                if (gx != null) {
                    kernels.gemm(wT, 0, f, gz, go, hw, cols, 0, hw, ck, hw, f, false);
                    im2col.scatter(cols, gx, i);
                }
                continue;
            }
            im2col.gather(x, i, cols);
            if (gradT) {
                // dWᵀ += col · dZᵀ: [C·KH·KW, HW] · [HW, F], the same sums in the same order
                for (int t = 0; t < hw; t++) {
                    for (int jj = 0; jj < f; jj++) {
                        colsT[t * f + jj] = gz[go + jj * hw + t];
                    }
                }
                kernels.gemm(cols, 0, hw, colsT, 0, f, acc, 0, f, ck, f, hw, true);
            } else {
                for (int k = 0; k < ck; k++) {
                    for (int t = 0; t < hw; t++) {
                        colsT[t * ck + k] = cols[k * hw + t];
                    }
                }
                // dW += dZ · colᵀ: [F, HW] · [HW, C·KH·KW]
                kernels.gemm(gz, go, hw, colsT, 0, ck, acc, 0, ck, f, ck, hw, true);
            }
            if (gx != null) {
                // dcol = Wᵀ · dZ: [C·KH·KW, F] · [F, HW], into cols (no longer needed)
                kernels.gemm(wT, 0, f, gz, go, hw, cols, 0, hw, ck, hw, f, false);
                im2col.scatter(cols, gx, i);
            }
        }
        if (gradWide()) {
            float[] av = accV[part];
            for (int k = 0; k < f * ck; k++) {
                float sum = 0f;
                for (int l = 0; l < sums; l++) {
                    sum += av[k * sums + l];
                }
                acc[k] = sum;
            }
        }
    }

    private boolean gradWide() {
        return sh == 1 && sw == 1 && Kernels.dense() != Kernels.scalar();
    }

    private final class ForwardTask implements WorkerPool.Task {
        private float[] x;
        private int n;
        private float[] p;
        private int wOff;
        private int bOff;
        private float[] z;

        void set(float[] x, int n, float[] p, int wOff, int bOff, float[] z) {
            this.x = x;
            this.n = n;
            this.p = p;
            this.wOff = wOff;
            this.bOff = bOff;
            this.z = z;
        }

        @Override
        public void part(int index, int parts) {
            if (direct()) {
                for (int i = lo(n, index, parts), e = lo(n, index + 1, parts); i < e; i++) {
                    directSample(x, i, p, wOff, bOff, z, index);
                }
                return;
            }
            forwardSamples(x, lo(n, index, parts), lo(n, index + 1, parts), p, wOff, bOff, z,
                    col[index]);
        }
    }

    private final class BackwardTask implements WorkerPool.Task {
        private float[] x;
        private float[] gz;
        private int n;
        private float[] p;
        private int wOff;
        private float[] gx;

        void set(float[] x, float[] gz, int n, float[] p, int wOff, float[] gx) {
            this.x = x;
            this.gz = gz;
            this.n = n;
            this.p = p;
            this.wOff = wOff;
            this.gx = gx;
        }

        @Override
        public void part(int index, int parts) {
            int chunks = (n + CHUNK - 1) / CHUNK;
            for (int q = lo(chunks, index, parts), e = lo(chunks, index + 1, parts); q < e; q++) {
                backwardSamples(x, gz, q * CHUNK, Math.min(n, (q + 1) * CHUNK), p, wOff, gx,
                        index, q);
            }
        }
    }
}
