package dev.nnc.runtime.kernels;

/**
 * The reference of a convolution's inference at stride 1, Z[f] = B[f] + Σ W[f, c, ky, kx] ·
 * X[c, y + ky − PT, x + kx − PL], in plain Java: for each output the bias first (0 without
 * one), then each product added in ascending (c, ky, kx) with one rounding ({@code Math.fma}),
 * a padded position adding a product with 0, as {@link Conv2d#infer} does.
 *
 * <p>The output rows of one filter are computed "wide", PW values a row instead of OW (PW the
 * padded width), so that for every weight the inputs it meets form one contiguous range of
 * (OH − 1)·PW + OW values of the padded image: that range is copied into its own row of
 * {@code cols} (one per (c, ky, kx)), and the sums run over rows that all start at index 0, a
 * loop the JIT vectorizes (see {@link DenseReference}). The PW − OW extra values a row are
 * dropped when the rows are copied out. Each filter's sums have a row of their own, and the
 * loops take six or five taps for every filter before the next ones (then one at a time): those
 * rows of {@code cols} stay in the cache for all the filters (read filter by filter, all
 * c·kh·kw rows, larger than the cache at LeNet's sizes, would be read again for each filter).
 * Six is the most a pass can take that the JIT still vectorizes (as in {@link DenseReference});
 * each pass reads and writes a filter's sums once, so fewer, wider passes do less of that, but a
 * pass of one tap does it for one product: the passes of six are as many as leave a multiple of
 * five taps (150 = 25 · 6, 25 = 5 · 5), else as many as fit.
 *
 * <p>The code between the {@code standalone: begin} and {@code standalone: end} comments is the
 * one source of this operation: the runtime jar carries this file, and the compiler copies that
 * part verbatim into every standalone class with a convolution (as private members); at a
 * stride other than 1 the generated class calls {@link #convStrided} itself.
 * {@link Conv2d#infer} and the Vector API's are specializations of it, held to it bit for bit by
 * {@code KernelContractTest}.
 */
public final class ConvReference {
    private ConvReference() {
    }

    // standalone: begin
    /**
     * Z = conv(X, W) + B at stride 1 for the n samples of x [n, c, h, w] into z [n, f, oh, ow];
     * wf[f] holds filter f's c·kh·kw weights (in (c, ky, kx) order), b is null without a bias;
     * padded holds c·(h + pt + pb)·(w + pl + pr) floats whose border stays 0, cols c·kh·kw
     * rows of (oh − 1)·pw + ow floats, sums f rows as long ({@link #cols}, {@link #sums}).
     */
    public static void conv(float[] x, int n, int c, int h, int w, float[][] wf, float[] b,
            int f, int kh, int kw, int pt, int pl, int oh, int ow, float[] z, float[] padded,
            float[][] cols, float[][] sums) {
        final int ph = oh + kh - 1;
        final int pw = ow + kw - 1;
        final int span = (oh - 1) * pw + ow;
        final int taps = c * kh * kw;
        // the passes of six taps: as many as leave a multiple of five taps (none left alone),
        // else as many as fit
        int sixes = taps / 6;
        while (sixes > 0 && (taps - 6 * sixes) % 5 != 0) {
            sixes--;
        }
        if ((taps - 6 * sixes) % 5 != 0) {
            sixes = taps / 6;
        }
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    System.arraycopy(x, ((i * c + ch) * h + y) * w, padded,
                            (ch * ph + y + pt) * pw + pl, w);
                }
            }
            for (int ch = 0; ch < c; ch++) {
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < kw; kx++) {
                        System.arraycopy(padded, (ch * ph + ky) * pw + kx,
                                cols[(ch * kh + ky) * kw + kx], 0, span);
                    }
                }
            }
            for (int fi = 0; fi < f; fi++) {
                final float[] acc = sums[fi];
                final float bv = b == null ? 0f : b[fi];
                for (int t = 0; t < span; t++) {
                    acc[t] = bv;
                }
            }
            // six taps at a time, then five, for every filter while their rows are in the cache
            int q = 0;
            for (; q < sixes * 6; q += 6) {
                final float[] c0 = cols[q];
                final float[] c1 = cols[q + 1];
                final float[] c2 = cols[q + 2];
                final float[] c3 = cols[q + 3];
                final float[] c4 = cols[q + 4];
                final float[] c5 = cols[q + 5];
                for (int fi = 0; fi < f; fi++) {
                    final float[] wv = wf[fi];
                    final float[] acc = sums[fi];
                    final float w0 = wv[q];
                    final float w1 = wv[q + 1];
                    final float w2 = wv[q + 2];
                    final float w3 = wv[q + 3];
                    final float w4 = wv[q + 4];
                    final float w5 = wv[q + 5];
                    for (int t = 0; t < span; t++) {
                        acc[t] = Math.fma(w5, c5[t], Math.fma(w4, c4[t], Math.fma(w3, c3[t],
                                Math.fma(w2, c2[t], Math.fma(w1, c1[t],
                                        Math.fma(w0, c0[t], acc[t]))))));
                    }
                }
            }
            for (; q + 5 <= taps; q += 5) {
                final float[] c0 = cols[q];
                final float[] c1 = cols[q + 1];
                final float[] c2 = cols[q + 2];
                final float[] c3 = cols[q + 3];
                final float[] c4 = cols[q + 4];
                for (int fi = 0; fi < f; fi++) {
                    final float[] wv = wf[fi];
                    final float[] acc = sums[fi];
                    final float w0 = wv[q];
                    final float w1 = wv[q + 1];
                    final float w2 = wv[q + 2];
                    final float w3 = wv[q + 3];
                    final float w4 = wv[q + 4];
                    for (int t = 0; t < span; t++) {
                        acc[t] = Math.fma(w4, c4[t], Math.fma(w3, c3[t], Math.fma(w2, c2[t],
                                Math.fma(w1, c1[t], Math.fma(w0, c0[t], acc[t])))));
                    }
                }
            }
            for (; q < taps; q++) {
                final float[] c0 = cols[q];
                for (int fi = 0; fi < f; fi++) {
                    final float w0 = wf[fi][q];
                    final float[] acc = sums[fi];
                    for (int t = 0; t < span; t++) {
                        acc[t] = Math.fma(w0, c0[t], acc[t]);
                    }
                }
            }
            for (int fi = 0; fi < f; fi++) {
                final int zf = (i * f + fi) * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    System.arraycopy(sums[fi], oy * pw, z, zf + oy * ow, ow);
                }
            }
        }
    }

    /** The rows {@link #conv} copies the input into: c·kh·kw rows of (oh − 1)·pw + ow. */
    public static float[][] cols(int c, int kh, int kw, int oh, int ow) {
        return new float[c * kh * kw][(oh - 1) * (ow + kw - 1) + ow];
    }

    /** The rows of the sums {@link #conv} takes: f rows of (oh − 1)·pw + ow floats. */
    public static float[][] sums(int f, int kw, int oh, int ow) {
        return new float[f][(oh - 1) * (ow + kw - 1) + ow];
    }

    /**
     * Z = conv(X, W) + B at any stride for the n samples of x [n, c, h, w] into z [n, f, oh, ow]:
     * filter fi's c·kh·kw weights at p[wOff + fi·c·kh·kw] (in (c, ky, kx) order), its bias at
     * p[bOff + fi] (none where bOff &lt; 0). Each output is its bias (or 0), then each product
     * with an input inside the image added in ascending (c, ky, kx) with one rounding; a product
     * with a padded position is left out. The inner loop runs over a row of outputs.
     */
    public static void convStrided(float[] x, int n, int c, int h, int w, float[] p, int wOff,
            int bOff, int f, int kh, int kw, int sh, int sw, int pt, int pl, int oh, int ow,
            float[] z) {
        final int taps = c * kh * kw;
        for (int i = 0; i < n; i++) {
            final int xo = i * c * h * w;
            for (int fi = 0; fi < f; fi++) {
                final int zf = (i * f + fi) * oh * ow;
                final float bv = bOff < 0 ? 0f : p[bOff + fi];
                for (int t = 0; t < oh * ow; t++) {
                    z[zf + t] = bv;
                }
                final int wf = wOff + fi * taps;
                for (int ch = 0; ch < c; ch++) {
                    for (int ky = 0; ky < kh; ky++) {
                        // the output rows whose input row lies inside the image
                        final int oyLo = Math.max(0, Math.floorDiv(pt - ky + sh - 1, sh));
                        final int oyHi = Math.min(oh, Math.floorDiv(h + pt - ky + sh - 1, sh));
                        for (int kx = 0; kx < kw; kx++) {
                            final float wv = p[wf + (ch * kh + ky) * kw + kx];
                            final int oxLo = Math.max(0, Math.floorDiv(pl - kx + sw - 1, sw));
                            final int oxHi = Math.min(ow, Math.floorDiv(w + pl - kx + sw - 1, sw));
                            for (int oy = oyLo; oy < oyHi; oy++) {
                                final int xr = xo + (ch * h + oy * sh + ky - pt) * w + kx - pl;
                                final int zr = zf + oy * ow;
                                for (int ox = oxLo; ox < oxHi; ox++) {
                                    z[zr + ox] = Math.fma(wv, x[xr + ox * sw], z[zr + ox]);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    // standalone: end
}
