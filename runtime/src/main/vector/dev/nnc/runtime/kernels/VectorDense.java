package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The dense layer's products on the Vector API: Z = X·W + B (training and inference forms),
 * dW = Xᵀ·dZ with dB, and dX = dZ·Wᵀ; see {@link DenseKernels}.
 */
final class VectorDense {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = VectorWidth.LANES;
    /** Vectors are stored through this class's cast (see {@link VectorWidth#VECTOR}). */
    private static final Class<? extends FloatVector> V = VectorWidth.VECTOR;

    private VectorDense() {
    }

    /** Z = X·W + B: the bias, then fused multiply-adds in ascending k (the reference's bits). */
    static void forward(float[] x, int from, int to, int in, float[] p, int w, int b, int out,
            float[] z) {
        VectorGemm.product(to - from, out, in, x, from * in, in, 1, p, w, out, 1, z, from * out,
                out, b < 0 ? VectorGemm.FROM_ZERO : VectorGemm.FROM_BIAS, p, b);
    }

    /**
     * The bias of the columns from j, or zeros when there is none (b &lt; 0). NOTE: returned
     * through the cast of {@link VectorWidth#VECTOR}: the two branches' vectors merge, and the
     * sums that start from it are then used as vectors of the species' class without a guess
     * from the profile.
     */
    static FloatVector bias(float[] p, int b, int j) {
        return V.cast(b < 0 ? FloatVector.zero(S) : FloatVector.fromArray(S, p, b + j));
    }

    /**
     * NOTE: a single sample's product is bound by the latency of the additions into one
     * accumulator, so a block of eight vectors (64 outputs at 8 lanes, 128 at 16) is summed at
     * once: eight independent chains keep both vector units busy; the columns left go in one
     * block of one, two, four or eight vectors ({@link #inferRows}; the MLP's 64 outputs are
     * four vectors at 16 lanes, LeNet's 120 eight, the last overlapping). Each product is added
     * with one rounding (a fused multiply-add), as {@code Math.fma} in the plain loops, so the
     * bits equal theirs. Four rows or more (a sequence's input products, a batch) go four at a
     * time ({@link #fourRows}).
     */
    static void infer(float[] x, int from, int to, int in, float[] p, int w, int b, int out,
            float[] z) {
        int i = from;
        int cols = out - out % (4 * L);
        if (cols > 0) {
            for (; i + 4 <= to; i += 4) {
                for (int j = 0; j < cols; j += 4 * L) {
                    fourRows(x, i, in, p, w, b, out, z, j);
                }
                inferRows(x, i, i + 4, in, p, w, b, out, z, cols);
            }
        }
        inferRows(x, i, to, in, p, w, b, out, z, 0);
    }

    /**
     * Four rows by four vectors of columns from j at once: each weight vector loaded once for the
     * four rows (a row at a time, a product is bound by its loads and the instructions around
     * them: the input products of a sequence's 28 steps, 28 rows, took 1.55 times as long).
     */
    private static void fourRows(float[] x, int i, int in, float[] p, int w, int b, int out,
            float[] z, int j) {
        int xa = i * in;
        FloatVector a0 = bias(p, b, j);
        FloatVector a1 = bias(p, b, j + L);
        FloatVector a2 = bias(p, b, j + 2 * L);
        FloatVector a3 = bias(p, b, j + 3 * L);
        FloatVector c0 = a0;
        FloatVector c1 = a1;
        FloatVector c2 = a2;
        FloatVector c3 = a3;
        FloatVector d0 = a0;
        FloatVector d1 = a1;
        FloatVector d2 = a2;
        FloatVector d3 = a3;
        FloatVector e0 = a0;
        FloatVector e1 = a1;
        FloatVector e2 = a2;
        FloatVector e3 = a3;
        for (int k = 0; k < in; k++) {
            int wo = w + k * out + j;
            FloatVector w0 = FloatVector.fromArray(S, p, wo);
            FloatVector w1 = FloatVector.fromArray(S, p, wo + L);
            FloatVector w2 = FloatVector.fromArray(S, p, wo + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, p, wo + 3 * L);
            FloatVector v = FloatVector.broadcast(S, x[xa + k]);
            a0 = w0.fma(v, a0);
            a1 = w1.fma(v, a1);
            a2 = w2.fma(v, a2);
            a3 = w3.fma(v, a3);
            v = FloatVector.broadcast(S, x[xa + in + k]);
            c0 = w0.fma(v, c0);
            c1 = w1.fma(v, c1);
            c2 = w2.fma(v, c2);
            c3 = w3.fma(v, c3);
            v = FloatVector.broadcast(S, x[xa + 2 * in + k]);
            d0 = w0.fma(v, d0);
            d1 = w1.fma(v, d1);
            d2 = w2.fma(v, d2);
            d3 = w3.fma(v, d3);
            v = FloatVector.broadcast(S, x[xa + 3 * in + k]);
            e0 = w0.fma(v, e0);
            e1 = w1.fma(v, e1);
            e2 = w2.fma(v, e2);
            e3 = w3.fma(v, e3);
        }
        int za = i * out + j;
        V.cast(a0).intoArray(z, za);
        V.cast(a1).intoArray(z, za + L);
        V.cast(a2).intoArray(z, za + 2 * L);
        V.cast(a3).intoArray(z, za + 3 * L);
        za += out;
        V.cast(c0).intoArray(z, za);
        V.cast(c1).intoArray(z, za + L);
        V.cast(c2).intoArray(z, za + 2 * L);
        V.cast(c3).intoArray(z, za + 3 * L);
        za += out;
        V.cast(d0).intoArray(z, za);
        V.cast(d1).intoArray(z, za + L);
        V.cast(d2).intoArray(z, za + 2 * L);
        V.cast(d3).intoArray(z, za + 3 * L);
        za += out;
        V.cast(e0).intoArray(z, za);
        V.cast(e1).intoArray(z, za + L);
        V.cast(e2).intoArray(z, za + 2 * L);
        V.cast(e3).intoArray(z, za + 3 * L);
    }

    /**
     * {@link #infer} of the rows [from, to), the columns from j0 on, a row at a time: blocks of
     * eight vectors, then one block of one, two, four or eight vectors for the columns left,
     * its last vector ending at the last column (the vectors past the columns left overlap
     * columns already summed, recomputed to the same bits and stored again). Fewer columns than
     * a vector: the plain loop.
     *
     * <p>NOTE: each block is a method of its own. As one method of all the blocks (1200 bytes of
     * bytecode) C2 stopped inlining at its node limit before the last block's bias: that block's
     * sums were boxed vectors, one allocation per input (a 400→120 layer at 8 lanes took twice
     * as long). And the columns left after the vectors (8 of 120 at 16 lanes) ran one plain
     * chain of 400 fused multiply-adds each, bound by their latency; the overlapping vector sums
     * them with the others.
     */
    private static void inferRows(float[] x, int from, int to, int in, float[] p, int w, int b,
            int out, float[] z, int j0) {
        if (out < L) {
            for (int i = from; i < to; i++) {
                plainColumns(x, i * in, in, p, w, b, out, z, i * out, j0);
            }
            return;
        }
        int last = out - L;
        for (int i = from; i < to; i++) {
            int xa = i * in;
            int za = i * out;
            int j = j0;
            for (; j + 8 * L <= out; j += 8 * L) {
                block8(x, xa, in, p, w, b, out, z, za, j, j + 7 * L);
            }
            int vectors = (out - j + L - 1) / L;
            if (vectors > 4) {
                block8(x, xa, in, p, w, b, out, z, za, j, last);
            } else if (vectors > 2) {
                block4(x, xa, in, p, w, b, out, z, za, j, last);
            } else if (vectors == 2) {
                block2(x, xa, in, p, w, b, out, z, za, j, last);
            } else if (vectors == 1) {
                block1(x, xa, in, p, w, b, out, z, za, last);
            }
        }
    }

    /** The columns from j of one row (fewer than a vector), one plain chain each. */
    private static void plainColumns(float[] x, int xa, int in, float[] p, int w, int b, int out,
            float[] z, int za, int j) {
        for (; j < out; j++) {
            float s = b < 0 ? 0f : p[b + j];
            for (int k = 0; k < in; k++) {
                s = Math.fma(x[xa + k], p[w + k * out + j], s);
            }
            z[za + j] = s;
        }
    }

    /** Eight vectors of columns from j, each at most at {@code last}, of the row at xa. */
    private static void block8(float[] x, int xa, int in, float[] p, int w, int b, int out,
            float[] z, int za, int j, int last) {
        int j1 = Math.min(j + L, last);
        int j2 = Math.min(j + 2 * L, last);
        int j3 = Math.min(j + 3 * L, last);
        int j4 = Math.min(j + 4 * L, last);
        int j5 = Math.min(j + 5 * L, last);
        int j6 = Math.min(j + 6 * L, last);
        int j7 = Math.min(j + 7 * L, last);
        FloatVector a0 = bias(p, b, j);
        FloatVector a1 = bias(p, b, j1);
        FloatVector a2 = bias(p, b, j2);
        FloatVector a3 = bias(p, b, j3);
        FloatVector a4 = bias(p, b, j4);
        FloatVector a5 = bias(p, b, j5);
        FloatVector a6 = bias(p, b, j6);
        FloatVector a7 = bias(p, b, j7);
        for (int k = 0; k < in; k++) {
            int wo = w + k * out;
            FloatVector v = FloatVector.broadcast(S, x[xa + k]);
            a0 = FloatVector.fromArray(S, p, wo + j).fma(v, a0);
            a1 = FloatVector.fromArray(S, p, wo + j1).fma(v, a1);
            a2 = FloatVector.fromArray(S, p, wo + j2).fma(v, a2);
            a3 = FloatVector.fromArray(S, p, wo + j3).fma(v, a3);
            a4 = FloatVector.fromArray(S, p, wo + j4).fma(v, a4);
            a5 = FloatVector.fromArray(S, p, wo + j5).fma(v, a5);
            a6 = FloatVector.fromArray(S, p, wo + j6).fma(v, a6);
            a7 = FloatVector.fromArray(S, p, wo + j7).fma(v, a7);
        }
        V.cast(a0).intoArray(z, za + j);
        V.cast(a1).intoArray(z, za + j1);
        V.cast(a2).intoArray(z, za + j2);
        V.cast(a3).intoArray(z, za + j3);
        V.cast(a4).intoArray(z, za + j4);
        V.cast(a5).intoArray(z, za + j5);
        V.cast(a6).intoArray(z, za + j6);
        V.cast(a7).intoArray(z, za + j7);
    }

    /** Four vectors of columns from j, each at most at {@code last}, of the row at xa. */
    private static void block4(float[] x, int xa, int in, float[] p, int w, int b, int out,
            float[] z, int za, int j, int last) {
        int j1 = Math.min(j + L, last);
        int j2 = Math.min(j + 2 * L, last);
        int j3 = Math.min(j + 3 * L, last);
        FloatVector a0 = bias(p, b, j);
        FloatVector a1 = bias(p, b, j1);
        FloatVector a2 = bias(p, b, j2);
        FloatVector a3 = bias(p, b, j3);
        for (int k = 0; k < in; k++) {
            int wo = w + k * out;
            FloatVector v = FloatVector.broadcast(S, x[xa + k]);
            a0 = FloatVector.fromArray(S, p, wo + j).fma(v, a0);
            a1 = FloatVector.fromArray(S, p, wo + j1).fma(v, a1);
            a2 = FloatVector.fromArray(S, p, wo + j2).fma(v, a2);
            a3 = FloatVector.fromArray(S, p, wo + j3).fma(v, a3);
        }
        V.cast(a0).intoArray(z, za + j);
        V.cast(a1).intoArray(z, za + j1);
        V.cast(a2).intoArray(z, za + j2);
        V.cast(a3).intoArray(z, za + j3);
    }

    /** Two vectors of columns, from j and from {@code last}, of the row at xa. */
    private static void block2(float[] x, int xa, int in, float[] p, int w, int b, int out,
            float[] z, int za, int j, int last) {
        FloatVector a0 = bias(p, b, j);
        FloatVector a1 = bias(p, b, last);
        for (int k = 0; k < in; k++) {
            int wo = w + k * out;
            FloatVector v = FloatVector.broadcast(S, x[xa + k]);
            a0 = FloatVector.fromArray(S, p, wo + j).fma(v, a0);
            a1 = FloatVector.fromArray(S, p, wo + last).fma(v, a1);
        }
        V.cast(a0).intoArray(z, za + j);
        V.cast(a1).intoArray(z, za + last);
    }

    /** One vector of columns from j of the row at xa. */
    private static void block1(float[] x, int xa, int in, float[] p, int w, int b, int out,
            float[] z, int za, int j) {
        FloatVector a = bias(p, b, j);
        for (int k = 0; k < in; k++) {
            a = FloatVector.fromArray(S, p, w + k * out + j)
                    .fma(FloatVector.broadcast(S, x[xa + k]), a);
        }
        V.cast(a).intoArray(z, za + j);
    }

    /**
     * dW = Xᵀ·dZ for the rows [kFrom, kTo) of W, Xᵀ packed from X; each weight sums its products
     * by fused multiply-adds in ascending sample order. dB: the sum of each column of dZ in
     * sample order.
     */
    static void gradWeights(float[] x, int n, int in, float[] g, int out, float[] gp, int w,
            int b, int kFrom, int kTo) {
        VectorGemm.product(kTo - kFrom, out, n, x, kFrom, 1, in, g, 0, out, 1, gp,
                w + kFrom * out, out, VectorGemm.FROM_ZERO, null, 0);
        if (b >= 0) {
            int j = 0;
            for (; j + L <= out; j += L) {
                biasSums(g, n, out, j, gp, b);
            }
            for (; j < out; j++) {
                float s = 0f;
                for (int i = 0; i < n; i++) {
                    s += g[i * out + j];
                }
                gp[b + j] = s;
            }
        }
    }

    /**
     * dB of the vector of columns from j: the sum of each column of dZ in sample order. NOTE: a
     * method of its own, called for each vector of columns, for the reason the rounded
     * products' loops are (see {@link #transposeRows}): in {@link #gradWeights}'s body, called
     * once a step, its vectors stayed boxed for the first hundreds of steps.
     */
    private static void biasSums(float[] g, int n, int out, int j, float[] gp, int b) {
        FloatVector a = FloatVector.zero(S);
        for (int i = 0; i < n; i++) {
            a = V.cast(a).add(FloatVector.fromArray(S, g, i * out + j));
        }
        V.cast(a).intoArray(gp, b + j);
    }

    /**
     * {@link DenseKernels#roundedGrad}: vectors over the inputs k, W and dW transposed in the
     * thread's {@link Scratch} so that a vector's k are contiguous; each lane adds its products
     * in the plain loops' order (dW over the rows, dX over the outputs), each product and sum
     * rounded (a multiply, then an add), so the bits are theirs. The inputs past the last whole
     * vector: the plain loops' sums.
     *
     * <p>NOTE: in the plain loops (the inline ones the compiler emitted for such a layer) each
     * product of dW is added into gp in memory and each dX sums its outputs one by one: a
     * classifier's last layer, 64 → 10 over a batch of 64, spent about 19 µs a step there, the
     * most of any part of the step but the large layers' products, Adam and the batch's gather;
     * here 0.28–0.31 of that time at 16 lanes (median 0.295 of 12 alternating rounds, thread CPU
     * time, AMD EPYC Zen 5).
     */
    static void roundedGrad(float[] x, int n, int in, float[] g, int out, float[] p, int w,
            int b, float[] gp, float[] gx) {
        int kv = in - in % L;
        Scratch s = Scratch.current();
        if (b >= 0) {
            for (int j = 0; j < out; j++) {
                float sum = 0f;
                for (int i = 0; i < n; i++) {
                    sum += g[i * out + j];
                }
                gp[b + j] = sum;
            }
        }
        // dW: dwt[j·in + k] = dW[k, j]; four outputs at a time (four chains of additions)
        float[] dwt = s.floats(Scratch.ROUNDED_GT, out * in);
        for (int k = 0; k < kv; k += L) {
            int j = 0;
            for (; j + 4 <= out; j += 4) {
                roundedGradFour(x, n, in, g, out, k, j, dwt);
            }
            for (; j < out; j++) {
                roundedGradOne(x, n, in, g, out, k, j, dwt);
            }
        }
        for (int k = 0; k < kv; k++) {
            int wo = w + k * out;
            for (int j = 0; j < out; j++) {
                gp[wo + j] = dwt[j * in + k];
            }
        }
        for (int k = kv; k < in; k++) {
            int wo = w + k * out;
            for (int j = 0; j < out; j++) {
                float sum = 0f;
                for (int i = 0; i < n; i++) {
                    sum += x[i * in + k] * g[i * out + j];
                }
                gp[wo + j] = sum;
            }
        }
        if (gx == null) {
            return;
        }
        // dX: wt[j·in + k] = W[k, j]
        float[] wt = s.floats(Scratch.ROUNDED_WT, out * in);
        for (int k = 0; k < in; k++) {
            int wo = w + k * out;
            for (int j = 0; j < out; j++) {
                wt[j * in + k] = p[wo + j];
            }
        }
        for (int i = 0; i < n; i++) {
            int go = i * out;
            int xo = i * in;
            roundedGradInputRow(wt, in, kv, g, go, out, gx, xo);
            for (int k = kv; k < in; k++) {
                float sum = 0f;
                for (int j = 0; j < out; j++) {
                    sum += g[go + j] * wt[j * in + k];
                }
                gx[xo + k] = sum;
            }
        }
    }

    /**
     * {@link DenseKernels#roundedForward}: vectors over the rows, L rows at a time, their inputs
     * transposed in the thread's {@link Scratch} (a gather per input) so that a vector holds one
     * input of L rows; each lane adds its products in the plain loops' order, each product and
     * sum rounded (a multiply, then an add), so the bits are theirs. Four outputs at a time (four
     * chains of additions), then one at a time; the rows past the last whole vector: the plain
     * loops.
     *
     * <p>NOTE: in the inline loops the compiler emitted for such a layer each row's outputs are
     * summed one product at a time; a classifier's last layer, 64 → 10 over a batch of 64, took
     * about 12 µs of a training step there.
     */
    static void roundedForward(float[] x, int n, int in, float[] p, int w, int b, int out,
            float[] z) {
        int i = 0;
        if (n >= L && in > 0 && out > 0) {
            Scratch s = Scratch.current();
            float[] xt = s.floats(Scratch.ROUNDED_XT, in * L);
            float[] zt = s.floats(Scratch.ROUNDED_ZT, out * L);
            int[] index = s.ints(L);
            for (int t = 0; t < L; t++) {
                index[t] = t * in;
            }
            for (; i + L <= n; i += L) {
                transposeRows(x, i * in, in, index, xt);
                int j = 0;
                for (; j + 4 <= out; j += 4) {
                    roundedForwardFour(xt, in, p, w, b, out, j, zt);
                }
                for (; j < out; j++) {
                    roundedForwardOne(xt, in, p, w, b, out, j, zt);
                }
                for (int t = 0; t < L; t++) {
                    int zo = (i + t) * out;
                    for (int q = 0; q < out; q++) {
                        z[zo + q] = zt[q * L + t];
                    }
                }
            }
        }
        for (; i < n; i++) {
            int xo = i * in;
            int zo = i * out;
            for (int j = 0; j < out; j++) {
                float sum = b < 0 ? 0f : p[b + j];
                for (int k = 0; k < in; k++) {
                    sum += x[xo + k] * p[w + k * out + j];
                }
                z[zo + j] = sum;
            }
        }
    }

    /*
     * NOTE: the vector loops of roundedForward and roundedGrad are each in a method of its own,
     * called several times a step, not in the bodies of those two, which a training step calls
     * once: the optimizing JIT compiles a method after some 600 calls (the launcher's
     * -XX:Tier4BackEdgeThreshold keeps it from compiling a loop where it runs), and until then
     * the Vector API's vectors are boxed. Inline in the bodies, fmnist_mlp's last layer (64 × 64
     * → 10) ran its forward product at 60 to 300 µs a step instead of 4 until past step 1000 of a
     * run (the copy's warm-up steps before it are a few dozen), its backward at 10 to 260 instead
     * of 7. The operations and their order are those they replace.
     */

    /** xt[k·L + t] = x[xa + t·in + k]: L rows of x from xa, transposed (one gather a column). */
    private static void transposeRows(float[] x, int xa, int in, int[] index, float[] xt) {
        for (int k = 0; k < in; k++) {
            FloatVector.fromArray(S, x, xa + k, index, 0).intoArray(xt, k * L);
        }
    }

    /** Z of the block of rows in {@code xt} and the output j, into {@code zt}. */
    private static void roundedForwardOne(float[] xt, int in, float[] p, int w, int b, int out,
            int j, float[] zt) {
        FloatVector a = FloatVector.broadcast(S, b < 0 ? 0f : p[b + j]);
        for (int k = 0; k < in; k++) {
            a = V.cast(a).add(FloatVector.fromArray(S, xt, k * L).mul(p[w + k * out + j]));
        }
        V.cast(a).intoArray(zt, j * L);
    }

    /** dW of the vector of inputs from k and the output j, into {@code dwt}. */
    private static void roundedGradOne(float[] x, int n, int in, float[] g, int out, int k,
            int j, float[] dwt) {
        FloatVector a = FloatVector.zero(S);
        for (int i = 0; i < n; i++) {
            a = V.cast(a).add(FloatVector.fromArray(S, x, i * in + k).mul(g[i * out + j]));
        }
        V.cast(a).intoArray(dwt, j * in + k);
    }

    /** dX of one row, the inputs below kv (whole vectors), from {@code wt} = Wᵀ. */
    private static void roundedGradInputRow(float[] wt, int in, int kv, float[] g, int go,
            int out, float[] gx, int xo) {
        for (int k = 0; k < kv; k += L) {
            FloatVector a = FloatVector.zero(S);
            for (int j = 0; j < out; j++) {
                a = V.cast(a).add(FloatVector.fromArray(S, wt, j * in + k).mul(g[go + j]));
            }
            V.cast(a).intoArray(gx, xo + k);
        }
    }

    /** Z of the block of rows in {@code xt} and the four outputs from j, into {@code zt}. */
    private static void roundedForwardFour(float[] xt, int in, float[] p, int w, int b,
            int out, int j, float[] zt) {
        FloatVector a0 = FloatVector.broadcast(S, b < 0 ? 0f : p[b + j]);
        FloatVector a1 = FloatVector.broadcast(S, b < 0 ? 0f : p[b + j + 1]);
        FloatVector a2 = FloatVector.broadcast(S, b < 0 ? 0f : p[b + j + 2]);
        FloatVector a3 = FloatVector.broadcast(S, b < 0 ? 0f : p[b + j + 3]);
        for (int k = 0; k < in; k++) {
            FloatVector v = FloatVector.fromArray(S, xt, k * L);
            int wo = w + k * out + j;
            a0 = V.cast(a0).add(v.mul(p[wo]));
            a1 = V.cast(a1).add(v.mul(p[wo + 1]));
            a2 = V.cast(a2).add(v.mul(p[wo + 2]));
            a3 = V.cast(a3).add(v.mul(p[wo + 3]));
        }
        V.cast(a0).intoArray(zt, j * L);
        V.cast(a1).intoArray(zt, (j + 1) * L);
        V.cast(a2).intoArray(zt, (j + 2) * L);
        V.cast(a3).intoArray(zt, (j + 3) * L);
    }

    /** dW of the vector of inputs from k and the four outputs from j, into {@code dwt}. */
    private static void roundedGradFour(float[] x, int n, int in, float[] g, int out, int k,
            int j, float[] dwt) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int i = 0; i < n; i++) {
            FloatVector v = FloatVector.fromArray(S, x, i * in + k);
            int go = i * out + j;
            a0 = V.cast(a0).add(v.mul(g[go]));
            a1 = V.cast(a1).add(v.mul(g[go + 1]));
            a2 = V.cast(a2).add(v.mul(g[go + 2]));
            a3 = V.cast(a3).add(v.mul(g[go + 3]));
        }
        V.cast(a0).intoArray(dwt, j * in + k);
        V.cast(a1).intoArray(dwt, (j + 1) * in + k);
        V.cast(a2).intoArray(dwt, (j + 2) * in + k);
        V.cast(a3).intoArray(dwt, (j + 3) * in + k);
    }

    /**
     * dX = dZ·Wᵀ for the rows [from, to), Wᵀ packed from W; each element sums its products by
     * fused multiply-adds in ascending j.
     */
    static void gradInput(float[] g, int from, int to, int out, float[] p, int w, int in,
            float[] gx) {
        VectorGemm.product(to - from, in, out, g, from * out, out, 1, p, w, 1, out, gx,
                from * in, in, VectorGemm.FROM_ZERO, null, 0);
    }
}
