package dev.nnc.runtime.kernels;

/**
 * The im2col copy of a convolution of fixed geometry and its inverse: {@link #gather} lays out
 * the input values each output position sees as the columns of a [C·KH·KW, OH·OW] matrix (zeros
 * where the window passes the padding); {@link #scatter} writes one sample's input positions as
 * the sums of such a matrix's values that came from them (col2im, for dX; at stride 1 with
 * the vector kernels {@link DenseKernels#col2imWide} instead). Used by {@link Conv2d}.
 */
final class Im2col {
    private final int c;
    private final int h;
    private final int w;
    private final int kh;
    private final int kw;
    private final int sh;
    private final int sw;
    private final int pt;
    private final int pl;
    private final int oh;
    private final int ow;
    private final int hw;
    private final int inSize;

    Im2col(int c, int h, int w, int kh, int kw, int sh, int sw, int pt, int pl, int oh, int ow) {
        this.c = c;
        this.h = h;
        this.w = w;
        this.kh = kh;
        this.kw = kw;
        this.sh = sh;
        this.sw = sw;
        this.pt = pt;
        this.pl = pl;
        this.oh = oh;
        this.ow = ow;
        this.hw = oh * ow;
        this.inSize = c * h * w;
    }

    /** col[(c, ky, kx), (oy, ox)] of sample {@code i}. */
    void gather(float[] x, int i, float[] dst) {
        int base = i * inSize;
        for (int ci = 0; ci < c; ci++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    int row = ((ci * kh + ky) * kw + kx) * hw;
                    // the output columns whose input column lies inside: lo <= ox < hi
                    int oxLo = Math.max(0, ceilDiv(pl - kx, sw));
                    int oxHi = Math.min(ow, ceilDiv(w + pl - kx, sw));
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * sh - pt + ky;
                        int d = row + oy * ow;
                        if (iy < 0 || iy >= h || oxLo >= oxHi) {
                            java.util.Arrays.fill(dst, d, d + ow, 0f);
                            continue;
                        }
                        int src = base + (ci * h + iy) * w - pl + kx;
                        for (int ox = 0; ox < oxLo; ox++) {
                            dst[d + ox] = 0f;
                        }
                        if (sw == 1) {
                            System.arraycopy(x, src + oxLo, dst, d + oxLo, oxHi - oxLo);
                        } else {
                            for (int ox = oxLo; ox < oxHi; ox++) {
                                dst[d + ox] = x[src + ox * sw];
                            }
                        }
                        for (int ox = oxHi; ox < ow; ox++) {
                            dst[d + ox] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * Sample {@code i} of gx: each input position the sum of the values of col-shaped
     * {@code src} that came from it.
     */
    void scatter(float[] src, float[] gx, int i) {
        int base = i * inSize;
        java.util.Arrays.fill(gx, base, base + inSize, 0f);
        for (int ci = 0; ci < c; ci++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    int row = ((ci * kh + ky) * kw + kx) * hw;
                    int oxLo = Math.max(0, ceilDiv(pl - kx, sw));
                    int oxHi = Math.min(ow, ceilDiv(w + pl - kx, sw));
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * sh - pt + ky;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int s = row + oy * ow;
                        int d = base + (ci * h + iy) * w - pl + kx;
                        if (sw == 1) { // a loop the JIT vectorizes
                            for (int ox = oxLo; ox < oxHi; ox++) {
                                gx[d + ox] += src[s + ox];
                            }
                        } else {
                            for (int ox = oxLo; ox < oxHi; ox++) {
                                gx[d + ox * sw] += src[s + ox];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The sample at {@code xo} of {@code x} into the padded [C, PH, PW] {@code dst}: only [pt,
     * pt + h) × [pl, pl + w) is written, the rows and columns past the input stay 0.
     */
    void pad(float[] x, int xo, float[] dst) {
        int ph = (oh - 1) * sh + kh;
        int pw = (ow - 1) * sw + kw;
        for (int ci = 0; ci < c; ci++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(x, xo + (ci * h + y) * w, dst, (ci * ph + y + pt) * pw + pl, w);
            }
        }
    }

    /** The inside of the padded {@code src} (see {@link #pad}) into the sample at xo of x. */
    void unpad(float[] src, float[] x, int xo) {
        int ph = (oh - 1) * sh + kh;
        int pw = (ow - 1) * sw + kw;
        for (int ci = 0; ci < c; ci++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(src, (ci * ph + y + pt) * pw + pl, x, xo + (ci * h + y) * w, w);
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
