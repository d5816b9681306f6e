package dev.nnc.compiler.ops;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import java.util.Arrays;

/**
 * The standalone class's form of a recurrent layer's inference: the products (the input
 * products of every step at once, bias included, and each step's recurrent products h₋·U)
 * emitted as loops over W's and U's rows, {@link #PASS} rows of k a loop, in one array with the
 * row of their sums after them ({@code CellReference.rowsAndSums} of {@code DenseReference.rows}:
 * the class's constant, made when the class loads, and the instance's own copy), and
 * {@code CellReference}'s rows for the cell's step; the lstm's and the gru's steps their
 * inference forms, {@code lstmStep} or {@code gruStep} on the step's recurrent products. For an
 * lstm of 4 units (U [4, 16], one pass) the step over the n samples of one time step reads
 * <pre>
 * final float[] pa = lstm1RS48;
 * for (int i = 0; i &lt; n; i++) {
 *   if (s == 0) {
 *     Arrays.fill(scratch1, 0, 16, 0f);
 *   } else {
 *     final int px = (r0 + i) * 4;
 *     {
 *       final float pv0 = hT0[px + 0];
 *       ...
 *       for (int pj = 0; pj &lt; 16; pj++) {
 *         pa[pj + 64] = Math.fma(pv3, pa[pj + 48], Math.fma(pv2, pa[pj + 32],
 *             Math.fma(pv1, pa[pj + 16], Math.fma(pv0, pa[pj], 0f))));
 *       }
 *     }
 *     System.arraycopy(pa, 64, scratch1, 0, 16);
 *   }
 *   lstmStep(zx0, (r0 + i) * 16, 4, cT0, hT0, (r0 + i) * 4, (ns * n + i) * 4, LSTM1_KINDS0,
 *       scratch0, scratch1, scratch2, scratch3);
 * }
 * </pre>
 * Each output is summed from its bias (or 0) by fused multiply-adds in ascending k, as
 * {@code DenseReference.dense} and {@code CellReference.recurrent} sum it: the bits of the
 * model class (the standalone deploy and equivalence tests hold the class to it).
 *
 * <p>NOTE: why the rows and the sums are one array: JDK 17's JIT runs a loop's first values
 * one at a time until one of its arrays (here the rows, read most) is at a 64-byte line, then
 * 16 floats a step (512 bits on an AVX-512 host); an array apart from it (the sums' row, as it
 * was) lies against the lines as the heap placed it, which differs from JVM to JVM, and its
 * 64-byte loads and stores then mostly straddle two lines. In one array at offsets that are
 * multiples of 16 floats, every access of the loop lies as the rows do, wherever the heap put
 * it. fmnist_lstm's standalone batch-1 latency with the sums in the rows' array: 0.88 to 0.95
 * times as long as with them in the instance's scratch row, median 0.905 (ten fresh JVMs, in each
 * both classes and the model class alternating, 15 rounds; the standalone / model ratio 1.61 to
 * 1.97, median 1.65, instead of 1.78 to 2.15, median 1.83, the high ones in the two JVMs where
 * the model class ran in a faster mode, 18 µs instead of 21; load average 9 to 15 on the 2-core
 * Zen 5 host); fmnist_gru's 0.89 to 0.95 (six JVMs); run with -XX:ObjectAlignmentInBytes=64
 * (all arrays alike against the lines) the class before took 0.9 times as long as without
 * (separate JVMs, the model class's latency alike), with -XX:MaxVectorSize=32 about as long.
 * The price: each instance holds a copy of W and U (what the class holds once besides).
 *
 * <p>NOTE: why the products are emitted rather than calls of {@code dense} and
 * {@code recurrent}: JDK 17's JIT vectorizes a pass over j of up to six rows of W in separate
 * arrays (seven arrays with the sums'; a seventh row and it runs one value at a time), but of up
 * to fifteen rows held in one array, read at offsets that are literals, with a literal bound
 * (offsets or a bound held in variables, as a reference's must be, and it runs one value at a
 * time too). fmnist_lstm's standalone batch-1 latency with passes of twelve rows: 0.91 times as
 * long as with {@code dense} and {@code recurrent}'s passes of six (one JVM, 25 alternating
 * rounds, load average 10 on the 2-core Zen 5 host); twelve rows a pass in methods of their own
 * 0.87 to 0.89, eight rows 0.90, fifteen 1.28.
 *
 * <p>NOTE: where the time of fmnist_lstm's standalone class went at batch 1 with {@code dense}'s
 * and {@code recurrent}'s passes of six rows (28 steps of 28 inputs,
 * 64 units; each part left out in turn, alternating with the whole in one JVM, JDK 17 on the 2-core
 * Zen 5 host): the input products about 17 %, the recurrent products 48 %, the cell's rows 27 %,
 * the rest 8 %. Each loop of the products and the rows costs some 10 to 20 ns besides its values
 * (the JIT's scalar pre- and post-loops around the vectorized one), so fewer, longer loops win: the
 * recurrent product in two halves of U's columns, their order alternating from step to step so that
 * one half is still in the L1 cache (as the Vector API product walks its groups), took 1.15 times
 * as long as the whole rows, twice the loops outweighing the L2 traffic saved; U's rows padded so
 * that all start at one offset modulo 64 bytes changed nothing.
 *
 * <p>NOTE: the lstm's step is {@code recurrent} and {@code lstmStep}, not {@code dense} and
 * {@code lstmRow}: the products made in the step's scratch row (no row of zeros first, no copy
 * into hu and back), the first pass of σ and tanh one loop over the four gates instead of two,
 * no gate values written back into zx. fmnist_lstm's standalone batch-1 latency measured 0.94
 * times as long (six pairs of fresh JVMs alternating, 0.77 to 0.99); lstmStep alone 0.98 and
 * 1.02 in two such runs (the 28 steps alone in a loop 0.93 times). Measured and left (same
 * host): the state's loops (c, tanh c) over 4·h values instead of h, so that more of them fall
 * in the JIT's vector loop, took the steps 1.27 times as long; products over two rows of x a
 * pass (three k each) took as long as one row's passes of six k; passes of eight k, of two rows
 * of four, or of U as one flat array read at k·out + j are not vectorized by JDK 17 (3.7 to 4.4
 * times as long). Left out in turn in the class (one JVM): the last pass of σ and tanh over the
 * gates about 7.5 % of the latency, the two scalar loops of 2ⁿ ({@code floatToRawIntBits},
 * which JDK 17 does not vectorize) 7.4 %, tanh's last pass on c (64 values) 6 %.
 *
 * <p>NOTE: the gru's step is likewise {@code recurrent} and {@code gruStep}, not {@code dense}
 * and {@code gruRow}: fmnist_gru's standalone batch-1 latency 0.93 to 0.96 times as long (three
 * fresh JVMs, each 15 alternating rounds with main's class; load average 17 to 21 on the 2-core
 * host). In the class (one JVM, each part left out in turn): the recurrent products about 45 %
 * of the latency, the input products 19 %. Measured and left (same host): tanh's last pass on
 * the new gate fused with the state's loop, 1.16 times as long (the loop's body too large for
 * the JIT to unroll, so not vectorized); σ's and tanh's last passes of the lstm split in two
 * loops without the kinds, 1.08; tanh c's last pass split from h = o·tanh c, 1.04; the last
 * pass of four k of the products fused with the first pass of σ and tanh, 1.37; the products'
 * rows padded to 200, 208 or 224 columns (so that the JIT's scalar pre- and post-loops would
 * meet at other columns), 0.98 to 1.10; passes of 3, 4 or 5 k instead of 6, 0.99 to 1.02; run
 * with -XX:LoopUnrollLimit=240, no change.
 */
final class RecurrentStandalone {
    private RecurrentStandalone() {
    }

    /** Rows of k a pass (a loop) of the emitted products at most (see the class comment). */
    static final int PASS = 12;

    /**
     * z[r, :] = (b or 0) + x[r, :]·W for rows r in [from, to), W [in, out] at p[w], summed as the
     * reference's dense product sums it (the order of the model class's
     * {@code Kernels.dense().infer}), in the emitted passes of {@link #passes}.
     */
    static void product(EmitSite s, String x, Object from, Object to, int in, int w, int b,
            int out, String z) {
        StandaloneMembers c = s.members();
        c.use(ReferenceSource.DENSE);
        c.use(ReferenceSource.CELLS);
        String all = rowsAndSums(s, w, in, out);
        String bias = b < 0 ? null : c.constant("B" + b, ArrayTypeName.of(TypeName.FLOAT),
                CodeBlock.of("bias($L, $L, $L)", c.params(), b, out));
        var code = s.code();
        code.add("{\n$>");
        code.addStatement("final float[] pa = $L", all);
        code.beginControlFlow("for (int pr = $L; pr < $L; pr++)", from, to);
        passes(code, x, CodeBlock.of("pr * $L", in), in, out, bias);
        code.addStatement("$T.arraycopy(pa, $L, $L, pr * $L, $L)", System.class, in * out, z,
                out, out);
        code.endControlFlow();
        code.add("$<}\n");
    }

    /**
     * The instance's array of W [in, out] at p[w], its rows and then the row of the sums
     * ({@code CellReference.rowsAndSums} of {@code DenseReference.rows}): the class's constant,
     * made when the class loads, and the instance's own copy of it (the sums are the
     * instance's), one a member in an ensemble (whose members share the layer methods, the
     * constant's name indexed by {@code member}).
     */
    private static String rowsAndSums(EmitSite s, int w, int in, int out) {
        StandaloneMembers c = s.members();
        return c.instanceCopy("RS" + w, ArrayTypeName.of(TypeName.FLOAT),
                CodeBlock.of("rowsAndSums(rows($L, $L, $L, $L))", c.params(), w, in, out));
    }

    /**
     * Emits pa[in·out + j] = (bias[j] or 0) + Σₖ x[xo + k]·W[k, j] for j in [0, out), summed
     * from the bias (or 0) by fused multiply-adds in ascending k, as {@code DenseReference.dense}
     * and {@code CellReference.recurrent} sum it (their bits): W's rows and the sums in the one
     * array {@code pa} ({@code CellReference.rowsAndSums}), one loop over j a pass of up to
     * {@link #PASS} k, the rows and the sums read at literal offsets of it and the loop's bound a
     * literal.
     */
    private static void passes(CodeBlock.Builder c, String x, CodeBlock xo, int in, int out,
            String bias) {
        c.addStatement("final int px = $L", xo);
        int sums = in * out;
        for (int k0 = 0; k0 < in; k0 += PASS) {
            int rows = Math.min(PASS, in - k0);
            c.add("{\n$>");
            for (int q = 0; q < rows; q++) {
                c.addStatement("final float pv$L = $L[px + $L]", q, x, k0 + q);
            }
            CodeBlock sum = k0 > 0 ? CodeBlock.of("pa[pj + $L]", sums)
                    : bias == null ? CodeBlock.of("0f") : CodeBlock.of("$L[pj]", bias);
            for (int q = 0; q < rows; q++) {
                int at = (k0 + q) * out;
                sum = at == 0 ? CodeBlock.of("$T.fma(pv0, pa[pj], $L)", Math.class, sum)
                        : CodeBlock.of("$T.fma(pv$L,$Wpa[pj + $L], $L)", Math.class, q, at,
                                sum);
            }
            c.beginControlFlow("for (int pj = 0; pj < $L; pj++)", out);
            c.addStatement("pa[pj + $L] = $L", sums, sum);
            c.endControlFlow();
            c.add("$<}\n");
        }
    }

    /**
     * The rnn's step over the n samples of the step at rows r0 …: the new state at slot
     * {@code ns} of {@code hT} (the lstm's: {@link #lstmStep}, the gru's: {@link #gruStep}).
     */
    static void step(EmitSite s, int h, String zx, String hu, String hT) {
        s.members().use(ReferenceSource.CELLS);
        var c = s.code();
        String g = s.members().scratch(0, 5 * h);
        String t = s.members().scratch(1, 5 * h);
        c.beginControlFlow("for (int i = 0; i < n; i++)");
        c.addStatement("rnnRow($L)", Recurrent.args(zx, hu, CodeBlock.of("(r0 + i) * $L", h), h,
                hT, CodeBlock.of("(ns * n + i) * $L", h), g, t));
        c.endControlFlow();
    }

    /**
     * The lstm's step over the n samples of the step at rows r0 … (slot ns of {@code hT} and
     * {@code cT} the new state): each sample's recurrent products h₋·U made in the step's
     * scratch row by the emitted passes ({@link #passes}; zero at the first step, whose h₋ is
     * zero), then {@code lstmStep} on them; U at p[u].
     */
    static void lstmStep(EmitSite s, int h, String zx, String hT, String cT, int u) {
        StandaloneMembers m = s.members();
        m.use(ReferenceSource.DENSE);
        m.use(ReferenceSource.CELLS);
        var c = s.code();
        String g = m.scratch(0, 5 * h);
        String t = recurrentProducts(s, h, hT, rowsAndSums(s, u, h, 4 * h), 4 * h);
        c.addStatement("lstmStep($L)", Recurrent.args(zx, CodeBlock.of("(r0 + i) * $L", 4 * h),
                h, cT, hT, CodeBlock.of("(r0 + i) * $L", h), CodeBlock.of("(ns * n + i) * $L", h),
                kinds(s, h, zx), g, t, m.scratch(2, 4 * h), m.scratch(3, h)));
        c.endControlFlow();
    }

    /**
     * The gru's step over the n samples of the step at rows r0 … (slot ns of {@code hT} the new
     * state): each sample's recurrent products h₋·U made in the step's scratch row by the
     * emitted passes ({@link #passes}; zero at the first step), then {@code gruStep} on them; U
     * at p[u], Bhn at p[bhn] (-1: none), made a row of the class when it loads.
     */
    static void gruStep(EmitSite s, int h, String zx, String hT, int u, int bhn) {
        StandaloneMembers m = s.members();
        m.use(ReferenceSource.DENSE);
        m.use(ReferenceSource.CELLS);
        var c = s.code();
        String bias = bhn < 0 ? "null" : m.constant("B" + bhn, ArrayTypeName.of(TypeName.FLOAT),
                CodeBlock.of("bias($L, $L, $L)", m.params(), bhn, h));
        String g = m.scratch(0, 5 * h);
        String t = recurrentProducts(s, h, hT, rowsAndSums(s, u, h, 3 * h), 3 * h);
        c.addStatement("gruStep($L)", Recurrent.args(zx, CodeBlock.of("(r0 + i) * $L", 3 * h),
                h, bias, hT, CodeBlock.of("(r0 + i) * $L", h), CodeBlock.of("(ns * n + i) * $L", h),
                g, t, m.scratch(2, h), m.scratch(3, h)));
        c.endControlFlow();
    }

    /**
     * Opens the loop over the n samples of a step and emits, in it, each sample's recurrent
     * products h₋·U ({@code width} of them, U and their sums in the instance's array {@code all})
     * into the step's scratch row by the emitted passes, zero at the first step (whose h₋ is
     * zero); returns that row's name. The caller emits the cell's step on it and closes the
     * loop.
     */
    private static String recurrentProducts(EmitSite s, int h, String hT, String all,
            int width) {
        var c = s.code();
        String t = s.members().scratch(1, 5 * h);
        c.addStatement("final float[] pa = $L", all);
        c.beginControlFlow("for (int i = 0; i < n; i++)");
        c.beginControlFlow("if (s == 0)");
        c.addStatement("$T.fill($L, 0, $L, 0f)", Arrays.class, t, width);
        c.nextControlFlow("else");
        passes(c, hT, CodeBlock.of("(r0 + i) * $L", h), h, width, null);
        c.addStatement("$T.arraycopy(pa, $L, $L, 0, $L)", System.class, h * width, t, width);
        c.endControlFlow();
        return t;
    }

    /**
     * The class's constant of an lstm's gate kinds ({@code CellReference.lstmKinds}), one a
     * direction (named by its work array {@code zx}: LSTM1_KINDS0 for zx0).
     */
    private static String kinds(EmitSite s, int h, String zx) {
        return s.members().constant("KINDS" + zx.substring(2),
                ArrayTypeName.of(TypeName.FLOAT), CodeBlock.of("lstmKinds($L)", h));
    }
}
