package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.nnc.runtime.model.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The convolution kernels against a direct transcription of the definitions (in double), on
 * random inputs, weights and output gradients (some of them zero, as after max pooling), at 1
 * and 2 threads; and the same floats whatever the split at a given thread count.
 */
class Conv2dTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        // c, h, w, f, kh, kw, sh, sw, pt, pl, pb, pr
        "1, 6, 6, 2, 3, 3, 1, 1, 0, 0, 0, 0",
        "2, 6, 7, 3, 3, 3, 1, 1, 1, 1, 1, 1",
        "3, 7, 7, 2, 3, 3, 2, 2, 0, 0, 0, 0",
        "2, 6, 8, 3, 4, 4, 2, 2, 1, 1, 1, 1",
        "2, 5, 6, 4, 2, 3, 1, 1, 1, 1, 1, 1",
        "1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 2, 2",
        "6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0",
        "2, 7, 7, 8, 3, 3, 2, 2, 1, 1, 1, 1",
    })
    @SuppressWarnings("try") // the binding scopes the kernel context
    void matchesTheDefinition(String spec) {
        int[] a = java.util.Arrays.stream(spec.split(", ")).mapToInt(Integer::parseInt).toArray();
        int c = a[0], h = a[1], w = a[2], f = a[3], kh = a[4], kw = a[5], sh = a[6], sw = a[7];
        int pt = a[8], pl = a[9], pb = a[10], pr = a[11];
        int oh = (h + pt + pb - kh) / sh + 1;
        int ow = (w + pl + pr - kw) / sw + 1;
        int n = 7;
        Rng rng = new Rng(5);
        int ck = c * kh * kw;
        float[] p = new float[3 + f * ck + f];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (2 * rng.nextDouble() - 1);
        }
        int wOff = 3;
        int bOff = 3 + f * ck;
        float[] x = new float[n * c * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * rng.nextDouble() - 1);
        }
        float[] gz = new float[n * f * oh * ow];
        for (int i = 0; i < gz.length; i++) {
            gz[i] = rng.nextDouble() < 0.4 ? 0f : (float) (2 * rng.nextDouble() - 1);
        }
        double[] z = new double[gz.length];
        double[] dw = new double[f * ck];
        double[] db = new double[f];
        double[] dx = new double[x.length];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < f; o++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int t = ((i * f + o) * oh + oy) * ow + ox;
                        double s = p[bOff + o];
                        db[o] += gz[t];
                        for (int ci = 0; ci < c; ci++) {
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    int iy = oy * sh - pt + ky;
                                    int ix = ox * sw - pl + kx;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                        continue;
                                    }
                                    int q = ((o * c + ci) * kh + ky) * kw + kx;
                                    int xi = ((i * c + ci) * h + iy) * w + ix;
                                    s += p[wOff + q] * x[xi];
                                    dw[q] += gz[t] * x[xi];
                                    dx[xi] += gz[t] * p[wOff + q];
                                }
                            }
                        }
                        z[t] = s;
                    }
                }
            }
        }
        for (int threads = 1; threads <= 2; threads++) {
            try (KernelContext k = KernelContext.open(threads);
                    KernelContext.Binding b = k.bind()) {
                Conv2d conv = new Conv2d(c, h, w, f, kh, kw, sh, sw, pt, pl, oh, ow);
                float[] out = new float[z.length];
                conv.forward(x, n, p, wOff, bOff, out);
                assertArrayEquals(floats(z), out, 1e-4f, "Z at " + threads + " threads");
                float[] gp = new float[p.length];
                float[] gx = new float[x.length];
                conv.backward(x, gz, n, p, wOff, bOff, gp, gx);
                assertArrayEquals(floats(dw), java.util.Arrays.copyOfRange(gp, wOff, bOff),
                        1e-3f, "dW at " + threads + " threads");
                assertArrayEquals(floats(db), java.util.Arrays.copyOfRange(gp, bOff, p.length),
                        1e-3f, "dB at " + threads + " threads");
                assertArrayEquals(floats(dx), gx, 1e-4f, "dX at " + threads + " threads");
                float[] again = new float[p.length];
                conv.backward(x, gz, n, p, wOff, bOff, again, gx);
                assertArrayEquals(gp, again, "the same floats on a second run");
            }
        }
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
