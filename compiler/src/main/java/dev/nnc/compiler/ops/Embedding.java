package dev.nnc.compiler.ops;

import dev.nnc.compiler.onnx.OnnxGraph;
import java.util.Arrays;
import java.util.List;

/**
 * {@code embedding(vocab, dim)}: a sequence of symbol codes [T] as the sequence [T, dim] of their
 * vectors, for the recurrent layers. Each value of the input is a code: 0 is padding (the steps
 * after a sequence's end), 1 … vocab − 1 the symbols (a symbol reader gives 1 to symbols it has
 * not seen in training). Arguments: {@code vocab}, the number of codes padding included;
 * {@code dim}; {@code init} (without it, E starts at N(0, 1), PyTorch's, whatever the model's
 * {@code init} setting).
 *
 * <p>Forward, per sample and step t with code k_t: out_t = E[k_t, :] for k_t ≥ 1, and out_t = 0
 * for padding (k_t = 0), whatever E's row 0 holds; so padded steps are all-zero, which is how a
 * recurrent layer with {@code mask: true} recognizes them. A value that is not a whole number in
 * [0, vocab) stops the forward pass with an {@link IllegalArgumentException} naming it.
 *
 * <p>Backward: dLoss/dE[k, :] = Σ over samples and steps with k_t = k ≥ 1 of dLoss/dOut_t; row 0
 * gets none. Codes are not differentiable: dLoss/dIn is 0.
 *
 * <p>Parameter {@code E} [vocab, dim], row-major. ONNX: {@code Gather} of the codes (cast to
 * int64) from E with its row 0 written as zeros, giving [N, T, dim].
 */
public final class Embedding implements LayerKind {

    @Override
    public String name() {
        return "embedding";
    }

    @Override
    public String description() {
        return "symbol codes [T] as vectors [T,dim] (code 0: padding, all zeros)";
    }

    @Override
    public List<ArgSpec> args() {
        return List.of(ArgSpec.positiveInt("vocab"), ArgSpec.positiveInt("dim"),
                ArgSpec.init("init"));
    }

    @Override
    public Shape outputShape(Shape in, Args args, ShapeErrors errors) {
        if (in.kind() != Shape.Kind.VECTOR) {
            errors.report("embedding needs a sequence of symbol codes [T] as its input, but its "
                    + "input has shape %s %s", in, in.kind().pattern());
            return null;
        }
        if (args.integer("vocab") < 2) {
            errors.report("embedding needs vocab >= 2 (code 0 is padding), got %d",
                    args.integer("vocab"));
            return null;
        }
        return Shape.of(in.dim(0), args.integer("dim"));
    }

    @Override
    public List<TensorDef> params(Shape in, Shape out, Args args) {
        int v = args.integer("vocab");
        int d = args.integer("dim");
        return List.of(TensorDef.preferring("E", new int[] {v, d}, false, v, d,
                new InitSpec("normal", 1.0)));
    }

    @Override
    public long flops(Shape in, Shape out, Args args) {
        return 0;
    }

    @Override
    public void emitForward(EmitSite s) {
        var c = s.code();
        int v = s.args().integer("vocab");
        int d = s.args().integer("dim");
        c.beginControlFlow("for (int r = 0, e = n * $L; r < e; r++)", s.inSize());
        c.addStatement("final float code = $L[r]", s.in());
        c.addStatement("final int k = (int) code");
        c.beginControlFlow("if (k != code || k < 0 || k >= $L)", v);
        c.addStatement("throw new $T($S$W+ code$W+ $S)", IllegalArgumentException.class,
                "embedding: symbol code ", " is not a whole number in [0, " + v + ")");
        c.endControlFlow();
        c.beginControlFlow("if (k == 0)");
        c.addStatement("$T.fill($L, r * $L, (r + 1) * $L, 0f)", Arrays.class, s.out(), d, d);
        c.nextControlFlow("else");
        c.addStatement("$T.arraycopy(p, $L + k * $L, $L, r * $L, $L)", System.class,
                s.offset(0), d, s.out(), d, d);
        c.endControlFlow();
        c.endControlFlow();
    }

    @Override
    public void emitBackward(EmitSite s) {
        var c = s.code();
        int v = s.args().integer("vocab");
        int d = s.args().integer("dim");
        int e = s.offset(0);
        c.addStatement("$T.fill(gp, $L, $L, 0f)", Arrays.class, e, e + v * d);
        c.beginControlFlow("for (int r = 0, e = n * $L; r < e; r++)", s.inSize());
        c.addStatement("final int k = (int) $L[r]", s.in());
        c.beginControlFlow("if (k > 0)");
        c.addStatement("final int go = r * $L", d);
        c.addStatement("final int q = $L + k * $L", e, d);
        c.beginControlFlow("for (int j = 0; j < $L; j++)", d);
        c.addStatement("gp[q + j] += $L[go + j]", s.gradOut());
        c.endControlFlow();
        c.endControlFlow();
        c.endControlFlow();
        if (s.gradIn() != null) {
            c.addStatement("$T.fill($L, 0, n * $L, 0f)", Arrays.class, s.gradIn(), s.inSize());
        }
    }

    @Override
    public void exportOnnx(ExportSite s) {
        int v = s.args().integer("vocab");
        int d = s.args().integer("dim");
        float[] e = s.param(0).clone();
        Arrays.fill(e, 0, d, 0f);
        OnnxGraph g = s.graph();
        String codes = g.fresh(s.layer() + ".codes");
        g.node("Cast", List.of(s.in()), codes, OnnxGraph.Attr.i("to", 7));
        g.node("Gather", List.of(s.constant("E", new int[] {v, d}, e), codes), s.out(),
                OnnxGraph.Attr.i("axis", 0));
    }
}
