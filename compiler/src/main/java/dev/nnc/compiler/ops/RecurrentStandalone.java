package dev.nnc.compiler.ops;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;

/**
 * The standalone class's form of a recurrent layer's inference: calls of the runtime references
 * the class carries, {@code DenseReference.dense} for the products (W made into rows by
 * {@code DenseReference.rows} when the class loads) and {@code CellReference}'s rows for the
 * cell's step. For an lstm of 4 units the step over the n samples of one time step reads
 * <pre>
 * for (int i = 0; i &lt; n; i++) {
 *   lstmRow(zx0, hu0, (r0 + i) * 16, 4, cT0, hT0, (r0 + i) * 4, (ns * n + i) * 4, scratch0,
 *       scratch1, scratch2, scratch3);
 * }
 * </pre>
 *
 * <p>NOTE: where the time of fmnist_lstm's standalone class goes at batch 1 (28 steps of 28 inputs,
 * 64 units; each part left out in turn, alternating with the whole in one JVM, JDK 17 on the 2-core
 * Zen 5 host): the input products about 17 %, the recurrent products 48 %, the cell's rows 27 %,
 * the rest 8 %. Each loop of the products and the rows costs some 10 to 20 ns besides its values
 * (the JIT's scalar pre- and post-loops around the vectorized one), so fewer, longer loops win: the
 * recurrent product in two halves of U's columns, their order alternating from step to step so that
 * one half is still in the L1 cache (as the Vector API product walks its groups), took 1.15 times
 * as long as the whole rows, twice the loops outweighing the L2 traffic saved; U's rows padded so
 * that all start at one offset modulo 64 bytes changed nothing.
 */
final class RecurrentStandalone {
    private RecurrentStandalone() {
    }

    /**
     * z[r, :] = (b or 0) + x[r, :]·W for rows r in [from, to), W [in, out] at p[w], by the
     * reference's dense product (the order of the model class's {@code Kernels.dense().infer}).
     */
    static void product(EmitSite s, String x, Object from, Object to, int in, int w, int b,
            int out, String z) {
        StandaloneMembers c = s.members();
        c.use(ReferenceSource.DENSE);
        c.use(ReferenceSource.CELLS);
        String rows = c.constant("W" + w, ArrayTypeName.of(ArrayTypeName.of(TypeName.FLOAT)),
                CodeBlock.of("rows($L, $L, $L, $L)", c.params(), w, in, out));
        String bias = b < 0 ? "null" : c.constant("B" + b, ArrayTypeName.of(TypeName.FLOAT),
                CodeBlock.of("bias($L, $L, $L)", c.params(), b, out));
        s.code().addStatement("dense($L)", Recurrent.args(x, from, to, in, rows, bias, out,
                z, c.scratch(0, out)));
    }

    /**
     * The cell's step over the n samples of the step at rows r0 …: gate values into {@code zx},
     * the new state at slot {@code ns} of {@code hT} (and {@code cT}).
     *
     * @param bhn the offset of the GRU's Bhn in p, or -1
     */
    static void step(EmitSite s, Recurrent.Cell cell, int h, int gh, String zx, String hu,
            String hT, String cT, int bhn) {
        s.members().use(ReferenceSource.CELLS);
        var c = s.code();
        String g = s.members().scratch(0, 5 * h);
        String t = s.members().scratch(1, 5 * h);
        CodeBlock z = CodeBlock.of("(r0 + i) * $L", gh);
        CodeBlock hp = CodeBlock.of("(r0 + i) * $L", h);
        CodeBlock hn = CodeBlock.of("(ns * n + i) * $L", h);
        c.beginControlFlow("for (int i = 0; i < n; i++)");
        switch (cell) {
            case RNN -> c.addStatement("rnnRow($L)", Recurrent.args(zx, hu, z, h, hT, hn, g, t));
            case LSTM -> c.addStatement("lstmRow($L)", Recurrent.args(zx, hu, z, h, cT, hT, hp,
                    hn, g, t, s.members().scratch(2, 4 * h), s.members().scratch(3, h)));
            case GRU -> c.addStatement("gruRow($L)", Recurrent.args(zx, hu, z, h, "p", bhn, hT,
                    hp, hn, g, t, s.members().scratch(2, h), s.members().scratch(3, h)));
            default -> throw new AssertionError(cell);
        }
        c.endControlFlow();
    }
}
