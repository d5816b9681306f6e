package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The matrix product C = init + A·B on the Vector API, for every product of the dense layer and
 * the convolution: operands addressed by strides, so that a transposed operand (Wᵀ in dX, Xᵀ in
 * dW) is read as it is stored and rearranged once, when it is packed.
 *
 * <p>The blocking is the usual one of a fast matrix product: B is packed, {@link #KC} rows by
 * {@link #NC} columns at a time, into panels of {@link #NR} columns laid out in the order the
 * micro-kernel reads them (read in place instead when its rows are contiguous and A has at most
 * {@link #MC} rows, or a block of it fits in L1; a transposed B, Wᵀ in dX, by gathers of a vector
 * of columns); A is read in place when its rows are contiguous, or when it is transposed and a
 * block of it spans at most {@link #A_IN_PLACE} floats (Xᵀ in dW: the MR values of a step are
 * contiguous and the block stays in L2), and is packed into panels of {@link #MR} rows otherwise
 * (and for the last, short panel, padded with zeros); the micro-kernel ({@link VectorGemmMicro})
 * keeps an MR × NR block of C in vector registers over KC steps. {@link #MC} rows of A are swept
 * against one packed block of B while it sits in the cache. The starting values (the bias, or C itself) are in C first and every block
 * goes on from C; a product from 0 starts the sums of its first block of steps from a row of
 * zeros ({@link #ZEROS}, the same in L1 for every block) instead of writing zeros into C and
 * reading them back.
 *
 * <p>The panels live in the calling thread's {@link Scratch}, grown to the largest size needed
 * and reused, so a product allocates nothing once its sizes have been seen. A B that serves many
 * products in a row (the recurrent weights, at every step of a sequence) is packed once into a
 * {@link Prepared} ({@link #prepare}) and read from it by each product.
 *
 * <p>Summation order: every element of C starts from its initial value (C itself, 0 or the bias)
 * and adds its products a·b in ascending k, each with one rounding (a fused multiply-add); when
 * the sum over k is split into blocks, the partial sum is stored in C and the next block goes on
 * from it. The result is therefore that of the plain loop {@code c = Math.fma(a[i,q], b[q,j], c)}
 * for q = 0 .. k − 1, whatever the blocking, the vector width or the thread that computes it.
 *
 * <p>The vectors are those of every kernel ({@link VectorWidth}: 16 lanes on AVX-512, 8 on
 * AVX2). The block is 8 rows × 3 vectors where the machine has 32 vector registers (AVX-512),
 * 6 × 2 where it has 16 (AVX2); {@code -Dnnc.gemm.block=6x2|8x3} chooses it (the tests run both
 * blocks).
 */
final class VectorGemm {
    static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = VectorWidth.LANES;
    /** The micro-kernel's block: 8 rows × 3 vectors (24 sums, AVX-512), else 6 × 2 (AVX2). */
    private static final boolean WIDE = System.getProperty("nnc.gemm.block", "").isEmpty()
            ? VectorWidth.REGISTERS >= 32
            : System.getProperty("nnc.gemm.block").trim().equals("8x3");
    /** Rows of C in one micro-kernel block. */
    static final int MR = WIDE ? 8 : 6;
    /** Columns of C in one micro-kernel block. */
    static final int NR = (WIDE ? 3 : 2) * L;
    /** Steps of k per block: a packed panel of B (KC × NR floats) stays in L1. */
    static final int KC = 256;
    /** Columns of B packed at a time: a block of KC × NC floats (about 512 KiB) stays in L2. */
    static final int NC = 131072 / KC / NR * NR;
    /** Rows of A swept against one packed block of B. */
    static final int MC = 24 * MR;

    /**
     * The starting sums of a block whose product starts from zero: NR zeros, read as every row
     * (never written).
     */
    private static final float[] ZEROS = new float[NR];

    /** The most floats a block of KC steps of a transposed A may span to be read in place. */
    static final int A_IN_PLACE = 65536;

    /** Where each element of C starts: its own value, zero, or the bias of its column. */
    static final int FROM_C = 0;
    static final int FROM_ZERO = 1;
    static final int FROM_BIAS = 2;

    private VectorGemm() {
    }

    /** The lanes of the species in use. */
    static int lanes() {
        return L;
    }

    /** {@link DenseKernels#gemm}: row-major A and B with leading dimensions. */
    static void gemm(float[] a, int ai, int lda, float[] b, int bi, int ldb, float[] c, int ci,
            int ldc, int m, int n, int k, boolean accumulate) {
        product(m, n, k, a, ai, lda, 1, b, bi, ldb, 1, c, ci, ldc,
                accumulate ? FROM_C : FROM_ZERO, null, 0);
    }

    /**
     * C[i, j] = init + Σ_q A[i, q]·B[q, j] for i &lt; m, j &lt; n, with A[i, q] = {@code a[ai +
     * i·ars + q·acs]}, B[q, j] = {@code b[bi + q·brs + j·bcs]}, C[i, j] = {@code c[ci + i·ldc +
     * j]}; init is C[i, j] ({@link #FROM_C}), 0 ({@link #FROM_ZERO}) or {@code bias[bo + j]}
     * ({@link #FROM_BIAS}).
     */
    static void product(int m, int n, int k, float[] a, int ai, int ars, int acs, float[] b,
            int bi, int brs, int bcs, float[] c, int ci, int ldc, int init, float[] bias,
            int bo) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0 || init != FROM_ZERO) {
            // the starting values in place; every block then goes on from C
            start(m, n, c, ci, ldc, init, bias, bo);
        }
        if (k > 0) {
            // from zero: the first block of steps starts its sums from zero, not from C
            blocks(m, n, k, a, ai, ars, acs, b, bi, brs, bcs, null, c, ci, ldc,
                    init == FROM_ZERO);
        }
    }

    /**
     * {@link #product} with B [k, n] made ready by {@link #prepare}: its panels are read as they
     * were packed then, not packed again. The bits are those of {@link #product} on the matrix
     * {@code pb} was made from.
     */
    static void product(int m, int n, int k, float[] a, int ai, int ars, int acs, Prepared pb,
            float[] c, int ci, int ldc, int init, float[] bias, int bo) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0 || init != FROM_ZERO) {
            start(m, n, c, ci, ldc, init, bias, bo);
        }
        if (k > 0) {
            blocks(m, n, k, a, ai, ars, acs, null, 0, 0, 0, pb, c, ci, ldc, init == FROM_ZERO);
        }
    }

    /**
     * Packs B [k, n] (element (q, j) at {@code b[bi + q·brs + j]}) into {@code into} as
     * {@link #product} packs it, block by block: the block of columns from jc and of steps from
     * pc at {@code jc·k + pc·roundUp(nc, NR)}, nc the block's columns.
     */
    static void prepare(float[] b, int bi, int brs, int k, int n, Prepared into) {
        float[] d = into.data(k * roundUp(n, NR));
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(b, bi + pc * brs + jc, brs, 1, kc, nc, d,
                        jc * k + pc * roundUp(nc, NR), null);
            }
        }
        into.made(b, bi, k, n);
    }

    /** Writes the starting values of C: zero or the bias ({@link #FROM_C}: nothing). */
    private static void start(int m, int n, float[] c, int ci, int ldc, int init, float[] bias,
            int bo) {
        if (init == FROM_C) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int at = ci + i * ldc;
            if (init == FROM_ZERO) {
                java.util.Arrays.fill(c, at, at + n, 0f);
            } else {
                System.arraycopy(bias, bo, c, at, n);
            }
        }
    }

    /**
     * C += A·B block by block (C = A·B when {@code fromZero}: the first block of steps starts
     * from zero and only writes C), B from {@code b} (packed here when that pays) or, when
     * {@code pb} is not null, from its panels. The panels live in the calling thread's
     * {@link Scratch}.
     */
    private static void blocks(int m, int n, int k, float[] a, int ai, int ars, int acs,
            float[] b, int bi, int brs, int bcs, Prepared pb, float[] c, int ci, int ldc,
            boolean fromZero) {
        Scratch s = Scratch.current();
        int kcMax = Math.min(k, KC);
        int ncMax = Math.min(roundUp(n, NR), NC);
        // B in place when its rows are contiguous and A's rows are swept once against each
        // block of it (m ≤ MC: packing would copy a panel to serve at most MC / MR micro-kernel
        // calls; the MLP's first layer, 64 × 784 by 784 × 128, took 0.72–0.75 of the time with
        // its weights read in place, paired medians, AMD EPYC Zen 5; 32 to 192 rows and other
        // widths 0.67–0.90) or a block of it fits in L1 (32 KiB) as it is
        boolean packB = pb == null && (bcs != 1 || m > MC && (long) kcMax * n > 8192);
        float[] bp = packB ? s.floats(Scratch.GEMM_B, kcMax * ncMax) : null;
        // A in place when its rows are contiguous, or when it is transposed (Xᵀ in dW: the MR
        // values of a step are contiguous) and a block of its steps fits in L2 as it is
        boolean packA = acs != 1 && (ars != 1 || (long) kcMax * acs > A_IN_PLACE);
        float[] ap = s.floats(Scratch.GEMM_A, (packA ? MC : MR) * kcMax);
        float[] tile = s.floats(Scratch.GEMM_TILE, MR * NR);
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean zero = fromZero && pc == 0;
                if (packB) {
                    packB(b, bi + pc * brs + jc * bcs, brs, bcs, kc, nc, bp, 0, s);
                }
                int prepared = pb == null ? 0 : jc * k + pc * roundUp(nc, NR);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    int aBase = ai + ic * ars + pc * acs;
                    if (packA) {
                        packA(a, aBase, ars, acs, mc, kc, ap);
                    }
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int j = jc + jr;
                        float[] bArr;
                        int bOff;
                        int bStride;
                        if (pb != null) {
                            bArr = pb.data;
                            bOff = prepared + jr * kc;
                            bStride = NR;
                        } else if (packB) {
                            bArr = bp;
                            bOff = jr * kc;
                            bStride = NR;
                        } else if (nr % L == 0) {
                            bArr = b;
                            bOff = bi + pc * brs + j;
                            bStride = brs;
                        } else {
                            bArr = s.floats(Scratch.GEMM_TAIL, KC * NR);
                            packTail(b, bi + pc * brs + j, brs, kc, nr, bArr);
                            bOff = 0;
                            bStride = NR;
                        }
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            float[] aArr;
                            int aOff;
                            int aRow;
                            int aStep;
                            if (packA) {
                                aArr = ap;
                                aOff = ir * kc;
                                aRow = 1;
                                aStep = MR;
                            } else if (mr == MR) {
                                aArr = a;
                                aOff = aBase + ir * ars;
                                aRow = ars;
                                aStep = acs;
                            } else {
                                packA(a, aBase + ir * ars, ars, acs, mr, kc, ap);
                                aArr = ap;
                                aOff = 0;
                                aRow = 1;
                                aStep = MR;
                            }
                            int co = ci + (ic + ir) * ldc + j;
                            if (mr == MR && nr % L == 0) {
                                micro(nr / L, kc, aArr, aOff, aRow, aStep, bArr, bOff, bStride, c, co,
                                        ldc, zero ? ZEROS : c, zero ? 0 : co,
                                        zero ? 0 : ldc);
                            } else {
                                // a ragged block in a tile: its sums start from C's mr × nr
                                // (or zero); the tile's other places hold values of no use,
                                // each lane summed on its own and never copied out
                                for (int r = 0; r < mr && !zero; r++) {
                                    System.arraycopy(c, co + r * ldc, tile, r * NR, nr);
                                }
                                micro((nr + L - 1) / L, kc, aArr, aOff, aRow, aStep, bArr, bOff,
                                        bStride, tile, 0, NR, zero ? ZEROS : tile, 0,
                                        zero ? 0 : NR);
                                for (int r = 0; r < mr; r++) {
                                    System.arraycopy(tile, r * NR, c, co + r * ldc, nr);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static int roundUp(int v, int to) {
        return (v + to - 1) / to * to;
    }

    /**
     * Packs kc × nc of B (element (q, j) at {@code b[bo + q·rs + j·cs]}) into panels of NR
     * columns, each kc rows of NR floats; columns past nc are 0.
     */
    private static void packB(float[] b, int bo, int rs, int cs, int kc, int nc, float[] bp,
            int at, Scratch s) {
        int[] index = null;
        if (cs != 1) {
            // a transposed B (Wᵀ in the dense dX, rs == 1): L columns of a step by one gather
            index = s.ints(L);
            for (int t = 0; t < L; t++) {
                index[t] = t * cs;
            }
        }
        int d = at;
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int col = bo + jr * cs;
            if (cs == 1 && nr == NR) {
                for (int q = 0; q < kc; q++) {
                    System.arraycopy(b, col + q * rs, bp, d, NR);
                    d += NR;
                }
            } else if (cs == 1) {
                for (int q = 0; q < kc; q++) {
                    System.arraycopy(b, col + q * rs, bp, d, nr);
                    java.util.Arrays.fill(bp, d + nr, d + NR, 0f);
                    d += NR;
                }
            } else {
                int t = 0;
                for (; t + L <= nr; t += L) {
                    packGathered(b, col + t * cs, rs, kc, index, bp, d + t);
                }
                for (; t < nr; t++) {
                    int from = col + t * cs;
                    for (int q = 0; q < kc; q++) {
                        bp[d + q * NR + t] = b[from + q * rs];
                    }
                }
                for (; t < NR; t++) {
                    for (int q = 0; q < kc; q++) {
                        bp[d + q * NR + t] = 0f;
                    }
                }
                d += kc * NR;
            }
        }
    }

    /**
     * L columns of a transposed B (the columns at {@code index} from {@code from}), kc steps of
     * {@code rs}, into a panel from {@code d}: one gather a step. NOTE: a method of its own,
     * called for each vector of columns, not a loop in {@link #packB}, which a product calls
     * once a block: the optimizing JIT compiles a method after some 600 calls, and until then
     * its vectors are boxed. Inline, the dX of fmnist_mlp's second layer (its Wᵀ, 64 × 128,
     * packed once a step) took 100 to 600 µs a step instead of 15 through the first 900 steps
     * of a run.
     */
    private static void packGathered(float[] b, int from, int rs, int kc, int[] index,
            float[] bp, int d) {
        for (int q = 0; q < kc; q++) {
            FloatVector.fromArray(S, b, from + q * rs, index, 0).intoArray(bp, d + q * NR);
        }
    }

    /** The last, narrow panel of a B read in place, packed into bp and padded with zeros. */
    private static void packTail(float[] b, int bo, int rs, int kc, int nr, float[] bp) {
        for (int q = 0; q < kc; q++) {
            System.arraycopy(b, bo + q * rs, bp, q * NR, nr);
            java.util.Arrays.fill(bp, q * NR + nr, (q + 1) * NR, 0f);
        }
    }

    /**
     * Packs mc × kc of A (element (i, q) at {@code a[ao + i·rs + q·cs]}) into panels of MR rows,
     * each kc steps of MR floats; rows past mc are 0.
     */
    private static void packA(float[] a, int ao, int rs, int cs, int mc, int kc, float[] ap) {
        int d = 0;
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int row = ao + ir * rs;
            if (rs == 1 && mr == MR) {
                // a transposed A (Xᵀ in dW): the MR rows of one step are contiguous
                for (int q = 0; q < kc; q++) {
                    System.arraycopy(a, row + q * cs, ap, d + q * MR, MR);
                }
            } else {
                for (int q = 0; q < kc; q++) {
                    int s = row + q * cs;
                    int o = d + q * MR;
                    for (int r = 0; r < MR; r++) {
                        ap[o + r] = r < mr ? a[s + r * rs] : 0f;
                    }
                }
            }
            d += kc * MR;
        }
    }

    /**
     * The micro-kernel of {@code vectors} vectors of columns: C[0..MR, ·] at {@code c[co + r·ldc]}
     * += Σ_q A[r, q]·B[q, ·] for q &lt; kc, with A[r, q] = {@code a[ao + r·ars + q·acs]} and
     * B[q, ·] at {@code b[bo + q·brs]}, the sums started from {@code s[so + r·lds]} (C itself,
     * or {@link #ZEROS} with {@code lds} 0).
     */
    private static void micro(int vectors, int kc, float[] a, int ao, int ars, int acs,
            float[] b, int bo, int brs, float[] c, int co, int ldc, float[] s, int so, int lds) {
        if (WIDE) {
            if (vectors == 3) {
                VectorGemmMicro.micro83(kc, a, ao, ars, acs, b, bo, brs, c, co, ldc, s, so, lds);
            } else if (vectors == 2) {
                VectorGemmMicro.micro82(kc, a, ao, ars, acs, b, bo, brs, c, co, ldc, s, so, lds);
            } else {
                VectorGemmMicro.micro81(kc, a, ao, ars, acs, b, bo, brs, c, co, ldc, s, so, lds);
            }
        } else if (vectors == 2) {
            VectorGemmMicro.micro62(kc, a, ao, ars, acs, b, bo, brs, c, co, ldc, s, so, lds);
        } else {
            VectorGemmMicro.micro61(kc, a, ao, ars, acs, b, bo, brs, c, co, ldc, s, so, lds);
        }
    }
}
