package dev.nnc.compiler.ops;

import java.util.List;

/**
 * {@code globalavgpool}: the mean of each channel of an image [C,H,W] over its H·W positions, a
 * vector [C]. Backward spreads dY[c] / (H·W) over the channel's positions.
 *
 * <p>ONNX: {@code GlobalAveragePool} (which keeps [N, C, 1, 1]) followed by {@code Flatten}.
 */
public final class GlobalAvgPool implements LayerKind {

    @Override
    public String name() {
        return "globalavgpool";
    }

    @Override
    public String description() {
        return "the mean of each channel: [C,H,W] → [C]";
    }

    @Override
    public List<ArgSpec> args() {
        return List.of();
    }

    @Override
    public Shape outputShape(Shape in, Args args, ShapeErrors errors) {
        if (in.kind() != Shape.Kind.IMAGE) {
            errors.report("globalavgpool needs an image [C,H,W] input, but its input has shape "
                    + "%s %s", in, in.kind().pattern());
            return null;
        }
        return Shape.vector(in.dim(0));
    }

    @Override
    public long flops(Shape in, Shape out, Args args) {
        return in.size();
    }

    @Override
    public void emitForward(EmitSite s) {
        int positions = s.inSize() / s.outSize();
        var c = s.code();
        c.beginControlFlow("for (int t = 0, e = n * $L; t < e; t++)", s.outSize());
        c.addStatement("final int o = t * $L", positions);
        c.addStatement("float sum = 0f");
        c.beginControlFlow("for (int q = o; q < o + $L; q++)", positions);
        c.addStatement("sum += $L[q]", s.in());
        c.endControlFlow();
        c.addStatement("$L[t] = sum * $L", s.out(), EmitSite.f(1.0 / positions));
        c.endControlFlow();
    }

    @Override
    public void emitBackward(EmitSite s) {
        if (s.gradIn() == null) {
            return;
        }
        int positions = s.inSize() / s.outSize();
        var c = s.code();
        c.beginControlFlow("for (int t = 0, e = n * $L; t < e; t++)", s.outSize());
        c.addStatement("final int o = t * $L", positions);
        c.addStatement("final float g = $L[t] * $L", s.gradOut(), EmitSite.f(1.0 / positions));
        c.addStatement("$T.fill($L, o, o + $L, g)", java.util.Arrays.class, s.gradIn(),
                positions);
        c.endControlFlow();
    }

    @Override
    public void exportOnnx(ExportSite s) {
        String pooled = s.graph().fresh(s.layer() + ".pooled");
        s.graph().node("GlobalAveragePool", List.of(s.in()), pooled);
        s.graph().node("Flatten", List.of(pooled), s.out(),
                dev.nnc.compiler.onnx.OnnxGraph.Attr.i("axis", 1));
    }
}
