package dev.nnc.runtime.kernels;

import static jdk.incubator.vector.FloatVector.fromArray;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SequenceKernels} on the JDK's incubating Vector API: a block of 2 rows of dW by 32
 * columns stays in registers across the rows of one block of X and G. Loaded by
 * {@link SequenceKernels} only when the module is present.
 */
final class VectorSequenceKernels extends SequenceKernels {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = VectorWidth.LANES;
    /** Vectors are stored through this class's cast (see {@link VectorWidth#VECTOR}). */
    private static final Class<? extends FloatVector> V = VectorWidth.VECTOR;

    /** Packs B once into the panels {@link VectorGemm} reads, for every step's product. */
    @Override
    void prepare(float[] b, int off, int k, int n, Prepared into) {
        VectorGemm.prepare(b, off, n, k, n, into);
    }

    @Override
    void product(float[] a, int from, int to, int k, float[] b, int off, int n, float[] c,
            Prepared pb) {
        if (pb == null) {
            super.product(a, from, to, k, b, off, n, c, null);
            return;
        }
        VectorGemm.product(to - from, n, k, a, from * k, k, 1, pb, c, from * n, n,
                VectorGemm.FROM_ZERO, null, 0);
    }

    @Override
    protected void accumulate(float[] x, int from, int to, int in, int kFrom, int kTo,
            float[] g, int out, float[] gp, int w) {
        int k = kFrom;
        for (; k + 1 < kTo; k += 2) {
            int j = 0;
            for (; j + 4 * L <= out; j += 4 * L) {
                block2(x, from, to, in, k, g, out, gp, w, j);
            }
            for (; j < out; j++) {
                rest(x, from, to, in, k, g, out, gp, w, j);
                rest(x, from, to, in, k + 1, g, out, gp, w, j);
            }
        }
        if (k < kTo) {
            for (int j = 0; j < out; j++) {
                rest(x, from, to, in, k, g, out, gp, w, j);
            }
        }
    }

    private static void block2(float[] x, int from, int to, int in, int k, float[] g, int out,
            float[] gp, int w, int j) {
        int wa = w + k * out + j;
        int wb = wa + out;
        FloatVector a0 = fromArray(S, gp, wa);
        FloatVector a1 = fromArray(S, gp, wa + L);
        FloatVector a2 = fromArray(S, gp, wa + 2 * L);
        FloatVector a3 = fromArray(S, gp, wa + 3 * L);
        FloatVector b0 = fromArray(S, gp, wb);
        FloatVector b1 = fromArray(S, gp, wb + L);
        FloatVector b2 = fromArray(S, gp, wb + 2 * L);
        FloatVector b3 = fromArray(S, gp, wb + 3 * L);
        for (int i = from; i < to; i++) {
            int go = i * out + j;
            FloatVector g0 = fromArray(S, g, go);
            FloatVector g1 = fromArray(S, g, go + L);
            FloatVector g2 = fromArray(S, g, go + 2 * L);
            FloatVector g3 = fromArray(S, g, go + 3 * L);
            FloatVector va = FloatVector.broadcast(S, x[i * in + k]);
            FloatVector vb = FloatVector.broadcast(S, x[i * in + k + 1]);
            a0 = g0.fma(va, a0);
            a1 = g1.fma(va, a1);
            a2 = g2.fma(va, a2);
            a3 = g3.fma(va, a3);
            b0 = g0.fma(vb, b0);
            b1 = g1.fma(vb, b1);
            b2 = g2.fma(vb, b2);
            b3 = g3.fma(vb, b3);
        }
        V.cast(a0).intoArray(gp, wa);
        V.cast(a1).intoArray(gp, wa + L);
        V.cast(a2).intoArray(gp, wa + 2 * L);
        V.cast(a3).intoArray(gp, wa + 3 * L);
        V.cast(b0).intoArray(gp, wb);
        V.cast(b1).intoArray(gp, wb + L);
        V.cast(b2).intoArray(gp, wb + 2 * L);
        V.cast(b3).intoArray(gp, wb + 3 * L);
    }

    private static void rest(float[] x, int from, int to, int in, int k, float[] g, int out,
            float[] gp, int w, int j) {
        float s = gp[w + k * out + j];
        for (int i = from; i < to; i++) {
            s = Math.fma(x[i * in + k], g[i * out + j], s);
        }
        gp[w + k * out + j] = s;
    }

    /**
     * The lstm's steps of four vectors of units where U fits in the L1 cache whole: U read in
     * place ({@link VectorLstmInfer}); the other cells and sizes through U packed.
     */
    @Override
    public void inferStep(Cell cell, float[] hT, int r0, int n, int h, float[] p, int u,
            int bhn, float[] hu, float[] zx, float[] cT, int next, boolean first, float[] up) {
        if (cell != Cell.LSTM || !VectorLstmInfer.serves(h)) {
            super.inferStep(cell, hT, r0, n, h, p, u, bhn, hu, zx, cT, next, first, up);
            return;
        }
        int z0 = r0 * 4 * h;
        if (first) {
            java.util.Arrays.fill(hu, z0, z0 + n * 4 * h, 0f);
        } else {
            VectorLstmInfer.product(hT, r0, n, h, p, u, hu);
        }
        lstmForward(zx, hu, z0, n, h, cT, hT, r0 * h, next);
    }

    @Override
    protected void packRecurrent(float[] p, int u, int h, int gh, float[] up) {
        pack(p, u, h, gh, up);
    }

    @Override
    protected void recurrentProduct(float[] hT, int r0, int n, int h, float[] p, int u, int gh,
            float[] hu, float[] up, boolean odd) {
        product(hT, r0, n, h, p, u, gh, hu, up, odd);
    }

    // ---- the recurrent product of an inference step (inferStep), hu = h₋·U --------------------
    //
    // NOTE: U ([h, G·h] row-major in the parameters) is read whole at every step. Read in place, a
    // group of columns takes a few cache lines from each row, one row (G·h floats, a multiple of
    // 1 KiB for 64 units) apart: they all fall into a quarter of the L1 cache's sets, more lines
    // per set than it has ways, so every step streamed U from L2 again (64 KiB per step of an lstm
    // of 64 units). Packed, each group of columns is contiguous and spreads over every set, and
    // walking the groups in the other order on every other step starts each step on the groups
    // the step before read last, still in L1 (with 512-bit vectors, the product of an lstm of 64
    // units measured 13.5 µs per sequence packed, 18 in place, 12.3 with U wholly in L1). Each
    // output is still summed from zero by fused multiply-adds in ascending k: the bits of
    // DenseKernels.infer.
    //
    // NOTE: groups of eight vectors up to 64 KiB, more than the L1 cache holds: on the Zen 5 host
    // (512-bit vectors, 48 KiB L1) the 28 inference steps of an lstm of 64 units took 0.83 times
    // as long as with the four gates' sixteen vectors read in place (VectorLstmInfer, which also
    // copies nothing), and of 128 units 0.8 times as long as with groups of four vectors (0.9
    // with 256-bit vectors), minima of alternating runs, the first step's copy of U included:
    // eight independent sums keep both fused multiply-add units busy where four leave them half
    // idle, and that outweighs the groups the other order finds still in L1.
    //
    // NOTE: the packed copy sits where the JVM put up, whose contents are aligned to 8 bytes only,
    // and a 512-bit load that is not 64-byte aligned spans two cache lines. On the Zen 5 host the
    // 28 steps of an lstm of 64 units took 0.8 times as long with up's copy 64-byte aligned as
    // at the other offsets (a GRU's 0.75; forced with -XX:ObjectAlignmentInBytes=64 and an
    // offset into up), so which case a JVM gets is chance: fmnist_lstm's batch-1 latency over 16
    // fresh JVMs measured 17.6 / 20.5 / 26.2 µs (min / median / max), against 23.1 / 24.1 / 25.7
    // with U read in place (VectorLstmInfer), which L2 bounds whatever its placement. A copy
    // off the heap, aligned (ByteBuffer.allocateDirect(…).alignedSlice(64)), would not depend on
    // chance, but on JDK 17 FloatVector.fromByteBuffer measured twice as long as fromArray in
    // this product (27 steps 20 µs against 10, aligned or not, the buffer in a static final
    // field or not).

    /** The bytes of U a group of eight vectors of columns spans at most. */
    private static final int GROUP_BYTES = 64 << 10;

    /**
     * Vectors per group of columns: 8 (eight independent sums keep both fused multiply-add units
     * busy) where the group's h rows fit in {@link #GROUP_BYTES}, else 4.
     */
    private static int vectors(int h) {
        return 8L * L * h * Float.BYTES <= GROUP_BYTES ? 8 : 4;
    }

    /**
     * Copies U into {@code up}: the columns in groups of {@link #vectors} vectors, then (after
     * groups of eight) one group of four where four vectors are left, then groups of one vector;
     * the group of columns [j, j + w) holds its rows one after another from {@code up[j·h]}.
     * Columns past the last whole vector are read from {@code p}.
     */
    private static void pack(float[] p, int u, int h, int gh, float[] up) {
        int w = vectors(h) * L;
        int full = gh / w * w;
        int fours = fourEnd(h, gh, full);
        for (int j = 0; j < full; j += w) {
            copy(p, u, h, gh, j, w, up);
        }
        if (fours > full) {
            copy(p, u, h, gh, full, 4 * L, up);
        }
        for (int j = fours; j + L <= gh; j += L) {
            copy(p, u, h, gh, j, L, up);
        }
    }

    /**
     * The end of the group of four vectors after the groups of eight that end at {@code full}
     * ({@code full} itself where there is none): the four sums keep the multiply-add units
     * busier than four groups of one (the GRU's 3·h columns leave four vectors after its eights).
     */
    private static int fourEnd(int h, int gh, int full) {
        return vectors(h) == 8 && gh - full >= 4 * L ? full + 4 * L : full;
    }

    private static void copy(float[] p, int u, int h, int gh, int j, int w, float[] up) {
        for (int k = 0; k < h; k++) {
            System.arraycopy(p, u + k * gh + j, up, j * h + k * w, w);
        }
    }

    /** hu = h₋·U for the n rows of step rows r0 …, the groups in reverse when {@code odd}. */
    private static void product(float[] hT, int r0, int n, int h, float[] p, int u, int gh,
            float[] hu, float[] up, boolean odd) {
        int v = vectors(h);
        int w = v * L;
        int full = gh / w * w;
        int fours = fourEnd(h, gh, full);
        int vec = fours + (gh - fours) / L * L;
        for (int i = r0; i < r0 + n; i++) {
            int xa = i * h;
            int za = i * gh;
            if (odd) {
                for (int j = vec - L; j >= fours; j -= L) {
                    one(hT, xa, h, up, j * h, hu, za + j);
                }
                if (fours > full) {
                    four(hT, xa, h, up, full * h, hu, za + full);
                }
                for (int j = full - w; j >= 0; j -= w) {
                    group(v, hT, xa, h, up, j * h, hu, za + j);
                }
            } else {
                for (int j = 0; j < full; j += w) {
                    group(v, hT, xa, h, up, j * h, hu, za + j);
                }
                if (fours > full) {
                    four(hT, xa, h, up, full * h, hu, za + full);
                }
                for (int j = fours; j < vec; j += L) {
                    one(hT, xa, h, up, j * h, hu, za + j);
                }
            }
            for (int j = vec; j < gh; j++) {
                float s = 0f;
                for (int k = 0; k < h; k++) {
                    s = Math.fma(hT[xa + k], p[u + k * gh + j], s);
                }
                hu[za + j] = s;
            }
        }
    }

    private static void group(int v, float[] x, int xa, int h, float[] up, int g, float[] z,
            int za) {
        if (v == 8) {
            eight(x, xa, h, up, g, z, za);
        } else {
            four(x, xa, h, up, g, z, za);
        }
    }

    private static void eight(float[] x, int xa, int h, float[] up, int g, float[] z, int za) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        for (int k = 0; k < h; k++) {
            int o = g + k * 8 * L;
            FloatVector v = FloatVector.broadcast(S, x[xa + k]);
            a0 = fromArray(S, up, o).fma(v, a0);
            a1 = fromArray(S, up, o + L).fma(v, a1);
            a2 = fromArray(S, up, o + 2 * L).fma(v, a2);
            a3 = fromArray(S, up, o + 3 * L).fma(v, a3);
            a4 = fromArray(S, up, o + 4 * L).fma(v, a4);
            a5 = fromArray(S, up, o + 5 * L).fma(v, a5);
            a6 = fromArray(S, up, o + 6 * L).fma(v, a6);
            a7 = fromArray(S, up, o + 7 * L).fma(v, a7);
        }
        V.cast(a0).intoArray(z, za);
        V.cast(a1).intoArray(z, za + L);
        V.cast(a2).intoArray(z, za + 2 * L);
        V.cast(a3).intoArray(z, za + 3 * L);
        V.cast(a4).intoArray(z, za + 4 * L);
        V.cast(a5).intoArray(z, za + 5 * L);
        V.cast(a6).intoArray(z, za + 6 * L);
        V.cast(a7).intoArray(z, za + 7 * L);
    }

    private static void four(float[] x, int xa, int h, float[] up, int g, float[] z, int za) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int k = 0; k < h; k++) {
            int o = g + k * 4 * L;
            FloatVector v = FloatVector.broadcast(S, x[xa + k]);
            a0 = fromArray(S, up, o).fma(v, a0);
            a1 = fromArray(S, up, o + L).fma(v, a1);
            a2 = fromArray(S, up, o + 2 * L).fma(v, a2);
            a3 = fromArray(S, up, o + 3 * L).fma(v, a3);
        }
        V.cast(a0).intoArray(z, za);
        V.cast(a1).intoArray(z, za + L);
        V.cast(a2).intoArray(z, za + 2 * L);
        V.cast(a3).intoArray(z, za + 3 * L);
    }

    private static void one(float[] x, int xa, int h, float[] up, int g, float[] z, int za) {
        FloatVector a = FloatVector.zero(S);
        for (int k = 0; k < h; k++) {
            a = fromArray(S, up, g + k * L).fma(FloatVector.broadcast(S, x[xa + k]),
                    a);
        }
        V.cast(a).intoArray(z, za);
    }

    // ---- the cells' element-wise step: σ and tanh on whole vectors --------------------------

    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector TWO = FloatVector.broadcast(S, 2f);
    /** Rows of +0 and of −0 that the backward steps read in place of an absent term. */
    private static final Row ZEROS = new Row(0f);
    private static final Row MINUS_ZEROS = new Row(-0f);

    /**
     * A row of one value, at least as long as asked: made anew only when a longer one is asked
     * for (a model's units stay the same), read and never written, shared by every thread.
     */
    private static final class Row {
        private final float value;
        private volatile float[] row = new float[0];

        Row(float value) {
            this.value = value;
        }

        float[] at(int length) {
            float[] r = row;
            if (r.length < length) {
                r = new float[length];
                java.util.Arrays.fill(r, value);
                row = r;
            }
            return r;
        }
    }

    // The element-wise steps run as passes over whole gate blocks.

    /** a[o + j] += b[ob + j] for j &lt; len. */
    private static void addTo(float[] a, int o, float[] b, int ob, int len) {
        int j = 0;
        for (; j + L <= len; j += L) {
            fromArray(S, a, o + j).add(fromArray(S, b, ob + j))
                    .intoArray(a, o + j);
        }
        for (; j < len; j++) {
            a[o + j] += b[ob + j];
        }
    }

    /** a[o + j] = σ(a[o + j]) for j &lt; len. */
    private static void sigmoidInPlace(float[] a, int o, int len) {
        activate(a, o, a, o, len, false);
    }

    /** d[od + j] = tanh(a[o + j]) for j &lt; len. */
    private static void tanhTo(float[] a, int o, float[] d, int od, int len) {
        activate(a, o, d, od, len, true);
    }

    /**
     * d[od + j] = σ(a[o + j]) or tanh(a[o + j]) for j &lt; len, lane by lane with the
     * operations of {@link Activations#sigmoid(float)} and {@link Activations#tanh} in the same
     * order, so each lane has their bits. e^x is written out in the loop, which then calls
     * nothing: the JIT does not inline a method as large at every call site, and a vector that
     * crosses a call goes through the heap, several times slower.
     *
     * <p>NOTE: not {@code lanewise(EXP)}: the JIT computes that with its own vector library
     * while the interpreter and C1 fall back to another algorithm, so its last bits depend on
     * when a method gets compiled, and training would not repeat. The operations here round the
     * same in every mode.
     *
     * <p>NOTE: one loop for both, σ or tanh chosen by the flag at each vector: written as two
     * loops without that choice (in this method, or in one method each), C2 compiled the loops
     * with their vectors on the heap in most JVMs (the LSTM's and GRU's steps then allocated tens
     * of megabytes a call at 512 bits, VectorKernelAllocationTest), where this form allocates
     * nothing.
     */
    private static void activate(float[] a, int o, float[] d, int od, int len, boolean tanh) {
        int j = 0;
        for (; j + L <= len; j += L) {
            FloatVector v = fromArray(S, a, o + j);
            // e^x as Activations.exp computes it, operation for operation
            // V.cast: the vector chosen by the flag is used as a vector of the species' class
            // without a guess from the profile (see VectorWidth.VECTOR)
            FloatVector x = V.cast(tanh ? v.mul(-2f) : v.neg())
                    .max(Activations.EXP_MIN).min(Activations.EXP_MAX);
            FloatVector t = x.mul(Activations.LOG2E).add(Activations.ROUND);
            FloatVector n = t.sub(Activations.ROUND);
            FloatVector r = x.sub(n.mul(Activations.LN2_HI)).sub(n.mul(Activations.LN2_LO));
            FloatVector p = r.mul(Activations.P0).add(Activations.P1);
            p = p.mul(r).add(Activations.P2);
            p = p.mul(r).add(Activations.P3);
            p = p.mul(r).add(Activations.P4);
            p = p.mul(r).add(Activations.P5);
            p = p.mul(r.mul(r)).add(r).add(ONE);
            // 2^n: n + 127 in the exponent bits; t's low bits hold n + 0x400000 (ROUND's offset)
            IntVector bits = t.reinterpretAsInts().sub(Activations.BIAS).lanewise(
                    VectorOperators.LSHL, 23);
            FloatVector e1 = p.mul(bits.reinterpretAsFloats()).add(ONE);
            V.cast(tanh ? TWO.div(e1).sub(ONE) : ONE.div(e1)).intoArray(d, od + j);
        }
        for (; j < len; j++) {
            d[od + j] = tanh ? Activations.tanh(a[o + j]) : Activations.sigmoid(a[o + j]);
        }
    }

    @Override
    protected void lstmForwardRow(float[] zx, float[] hu, int z, int h, float[] cT, float[] hT,
            int hp, int hn, int from) {
        addTo(zx, z, hu, z, 4 * h);
        sigmoidInPlace(zx, z, 3 * h);
        tanhTo(zx, z + 3 * h, zx, z + 3 * h, h);
        int j = 0;
        for (; j + L <= h; j += L) {
            fromArray(S, zx, z + 2 * h + j).mul(fromArray(S, cT, hp + j))
                    .add(fromArray(S, zx, z + j).mul(fromArray(S, zx, z + 3 * h + j)))
                    .intoArray(cT, hn + j);
        }
        for (; j < h; j++) {
            cT[hn + j] = zx[z + 2 * h + j] * cT[hp + j] + zx[z + j] * zx[z + 3 * h + j];
        }
        tanhTo(cT, hn, hT, hn, h);
        j = 0;
        for (; j + L <= h; j += L) {
            fromArray(S, zx, z + h + j).mul(fromArray(S, hT, hn + j)).intoArray(hT, hn + j);
        }
        for (; j < h; j++) {
            hT[hn + j] = zx[z + h + j] * hT[hn + j];
        }
    }

    @Override
    protected void gruForwardRow(float[] zx, float[] hu, int z, int h, float[] p, int bhn,
            float[] hT, int hp, int hn, int from) {
        addTo(zx, z, hu, z, 2 * h);
        sigmoidInPlace(zx, z, 2 * h);
        int oh = z + 2 * h;
        if (bhn >= 0) {
            addTo(hu, oh, p, bhn, h);
        }
        int j = 0;
        for (; j + L <= h; j += L) {
            fromArray(S, zx, oh + j).add(fromArray(S, zx, z + h + j).mul(fromArray(S, hu, oh + j)))
                    .intoArray(zx, oh + j);
        }
        for (; j < h; j++) {
            zx[oh + j] = zx[oh + j] + zx[z + h + j] * hu[oh + j];
        }
        tanhTo(zx, oh, zx, oh, h);
        j = 0;
        for (; j + L <= h; j += L) {
            FloatVector gz = fromArray(S, zx, z + j);
            ONE.sub(gz).mul(fromArray(S, zx, oh + j)).add(gz.mul(fromArray(S, hT, hp + j)))
                    .intoArray(hT, hn + j);
        }
        for (; j < h; j++) {
            float gz = zx[z + j];
            hT[hn + j] = (1f - gz) * zx[oh + j] + gz * hT[hp + j];
        }
    }

    @Override
    protected void lstmBackwardRow(float[] zx, int z, int h, float[] cT, int hp, int hn,
            float[] dhp, int nx, boolean first, float[] gout, int go, boolean withOut,
            float[] dc, int co, float[] dz, int from) {
        int end = h - h % L;
        // tanh(c) first, into dz's block of the c gate, which each j reads before it writes it
        tanhTo(cT, hn, dz, z + 3 * h, end);
        // dh = (first ? 0 : dhp) + (withOut ? gout : −0), d + (first ? 0 : dc): the sums of
        // the plain loop (−0 adds nothing, not even to −0), from arrays chosen before the loop
        float[] dhs = first ? ZEROS.at(h) : dhp;
        int dho = first ? 0 : nx;
        float[] outs = withOut ? gout : MINUS_ZEROS.at(h);
        int outo = withOut ? go : 0;
        float[] dcs = first ? ZEROS.at(h) : dc;
        int dco = first ? 0 : co;
        for (int j = 0; j < end; j += L) {
            FloatVector dh = fromArray(S, dhs, dho + j)
                    .add(fromArray(S, outs, outo + j));
            FloatVector gi = fromArray(S, zx, z + j);
            FloatVector go2 = fromArray(S, zx, z + h + j);
            FloatVector gf = fromArray(S, zx, z + 2 * h + j);
            FloatVector gc = fromArray(S, zx, z + 3 * h + j);
            FloatVector tc = fromArray(S, dz, z + 3 * h + j);
            FloatVector d = dh.mul(go2).mul(ONE.sub(tc.mul(tc)))
                    .add(fromArray(S, dcs, dco + j));
            d.mul(gc).mul(gi).mul(ONE.sub(gi)).intoArray(dz, z + j);
            dh.mul(tc).mul(go2).mul(ONE.sub(go2)).intoArray(dz, z + h + j);
            d.mul(fromArray(S, cT, hp + j)).mul(gf).mul(ONE.sub(gf)).intoArray(dz, z + 2 * h + j);
            d.mul(gi).mul(ONE.sub(gc.mul(gc))).intoArray(dz, z + 3 * h + j);
            d.mul(gf).intoArray(dc, co + j);
        }
        super.lstmBackwardRow(zx, z, h, cT, hp, hn, dhp, nx, first, gout, go, withOut, dc, co,
                dz, end);
    }

    @Override
    protected void gruBackwardRow(float[] zx, float[] hu, int z, int h, float[] hT, int hp,
            float[] dhp, int nx, boolean first, float[] gout, int go, boolean withOut,
            float[] dz, float[] dzh, float[] dhd, int ho, int from) {
        int end = h - h % L;
        // dh = (first ? 0 : dhp) + (withOut ? gout : −0): the plain loop's sum (−0 adds
        // nothing, not even to −0), from arrays chosen before the loop
        float[] dhs = first ? ZEROS.at(h) : dhp;
        int dho = first ? 0 : nx;
        float[] outs = withOut ? gout : MINUS_ZEROS.at(h);
        int outo = withOut ? go : 0;
        for (int j = 0; j < end; j += L) {
            FloatVector dh = fromArray(S, dhs, dho + j)
                    .add(fromArray(S, outs, outo + j));
            FloatVector gz = fromArray(S, zx, z + j);
            FloatVector gr = fromArray(S, zx, z + h + j);
            FloatVector gh = fromArray(S, zx, z + 2 * h + j);
            FloatVector hv = fromArray(S, hu, z + 2 * h + j);
            FloatVector dan = dh.mul(ONE.sub(gz)).mul(ONE.sub(gh.mul(gh)));
            FloatVector daz = dh.mul(fromArray(S, hT, hp + j).sub(gh)).mul(gz).mul(ONE.sub(gz));
            FloatVector dar = dan.mul(hv).mul(gr).mul(ONE.sub(gr));
            V.cast(daz).intoArray(dz, z + j);
            V.cast(dar).intoArray(dz, z + h + j);
            V.cast(dan).intoArray(dz, z + 2 * h + j);
            V.cast(daz).intoArray(dzh, z + j);
            V.cast(dar).intoArray(dzh, z + h + j);
            dan.mul(gr).intoArray(dzh, z + 2 * h + j);
            dh.mul(gz).intoArray(dhd, ho + j);
        }
        super.gruBackwardRow(zx, hu, z, h, hT, hp, dhp, nx, first, gout, go, withOut, dz, dzh,
                dhd, ho, end);
    }
}
