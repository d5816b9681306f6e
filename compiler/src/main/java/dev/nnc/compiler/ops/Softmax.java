package dev.nnc.compiler.ops;

import dev.nnc.compiler.onnx.OnnxGraph;
import java.util.List;

/**
 * {@code softmax}: A_j = e^(Z_j − max Z) / Σ_k e^(Z_k − max Z) over each sample's values.
 *
 * <p>Backward: dZ_j = A_j (dA_j − Σ_k dA_k A_k). With cross-entropy the loss skips this and gives
 * dZ = A − Y directly (see {@link Loss.CrossEntropy}).
 *
 * <p>On a sequence [T,K], each step's K values are normalized on their own.
 *
 * <p>ONNX: {@code Softmax(axis = -1)} (opset 13 and later normalize along that one axis).
 */
public final class Softmax implements LayerKind {

    @Override
    public String name() {
        return "softmax";
    }

    @Override
    public String description() {
        return "A = exp(Z) / sum(exp(Z)) over each sample";
    }

    @Override
    public List<ArgSpec> args() {
        return List.of();
    }

    @Override
    public boolean isActivation() {
        return true;
    }

    @Override
    public Shape outputShape(Shape in, Args args, ShapeErrors errors) {
        if (in.kind() == Shape.Kind.IMAGE) {
            errors.report("softmax needs a vector [N] or a sequence [T,K] input, but its input "
                    + "has shape %s %s", in, in.kind().pattern());
            return null;
        }
        return in;
    }

    @Override
    public long flops(Shape in, Shape out, Args args) {
        return 5L * in.size();
    }

    @Override
    public void emitForward(EmitSite s) {
        int k = width(s.inShape());
        var c = s.code();
        c.beginControlFlow("for (int i = 0, m = $L; i < m; i++)", rows(s.inShape()));
        c.addStatement("final int o = i * $L", k);
        // NOTE: subtracting the row maximum keeps exp from overflowing; the result is unchanged.
        c.addStatement("float max = $L[o]", s.in());
        c.beginControlFlow("for (int j = 1; j < $L; j++)", k);
        c.addStatement("max = Math.max(max, $L[o + j])", s.in());
        c.endControlFlow();
        c.addStatement("float sum = 0f");
        c.beginControlFlow("for (int j = 0; j < $L; j++)", k);
        c.addStatement("final float ez = (float) Math.exp($L[o + j] - max)", s.in());
        c.addStatement("$L[o + j] = ez", s.out());
        c.addStatement("sum += ez");
        c.endControlFlow();
        c.addStatement("final float inv = 1f / sum");
        c.beginControlFlow("for (int j = 0; j < $L; j++)", k);
        c.addStatement("$L[o + j] *= inv", s.out());
        c.endControlFlow();
        c.endControlFlow();
    }

    @Override
    public void emitBackward(EmitSite s) {
        if (s.gradIn() == null) {
            return;
        }
        int k = width(s.inShape());
        var c = s.code();
        c.beginControlFlow("for (int i = 0, m = $L; i < m; i++)", rows(s.inShape()));
        c.addStatement("final int o = i * $L", k);
        c.addStatement("float dot = 0f");
        c.beginControlFlow("for (int j = 0; j < $L; j++)", k);
        c.addStatement("dot += $L[o + j] * $L[o + j]", s.gradOut(), s.out());
        c.endControlFlow();
        c.beginControlFlow("for (int j = 0; j < $L; j++)", k);
        c.addStatement("$L[o + j] = $L[o + j] * ($L[o + j] - dot)", s.gradIn(), s.out(),
                s.gradOut());
        c.endControlFlow();
        c.endControlFlow();
    }

    /** The values normalized together: the last axis. */
    static int width(Shape s) {
        return s.dims()[s.rank() - 1];
    }

    /** The Java expression for the rows normalized one by one: {@code n} or {@code n * T}. */
    static String rows(Shape s) {
        return s.rank() == 1 ? "n" : "n * " + (s.size() / width(s));
    }

    @Override
    public void exportOnnx(ExportSite s) {
        s.unary("Softmax", OnnxGraph.Attr.i("axis", -1));
    }
}
