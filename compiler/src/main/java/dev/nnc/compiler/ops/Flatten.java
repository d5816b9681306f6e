package dev.nnc.compiler.ops;

import dev.nnc.compiler.onnx.OnnxGraph;
import java.util.List;

/**
 * {@code flatten}: an image [C,H,W] (or a sequence [T,F]) as the vector [C·H·W] of its values in
 * the same order (row-major, channels first), so that dense layers can follow. The values do not
 * move: forward and backward copy them unchanged.
 *
 * <p>ONNX: {@code Flatten} with axis 1 (the batch stays the first dimension).
 */
public final class Flatten implements LayerKind {

    @Override
    public String name() {
        return "flatten";
    }

    @Override
    public String description() {
        return "the values of an image [C,H,W] as a vector [C·H·W]";
    }

    @Override
    public List<ArgSpec> args() {
        return List.of();
    }

    @Override
    public Shape outputShape(Shape in, Args args, ShapeErrors errors) {
        return Shape.vector(in.size());
    }

    @Override
    public long flops(Shape in, Shape out, Args args) {
        return 0;
    }

    @Override
    public void emitForward(EmitSite s) {
        s.code().addStatement("$T.arraycopy($L, 0, $L, 0, n * $L)", System.class, s.in(),
                s.out(), s.inSize());
    }

    @Override
    public void emitBackward(EmitSite s) {
        if (s.gradIn() != null) {
            s.code().addStatement("$T.arraycopy($L, 0, $L, 0, n * $L)", System.class,
                    s.gradOut(), s.gradIn(), s.inSize());
        }
    }

    @Override
    public void exportOnnx(ExportSite s) {
        s.unary("Flatten", OnnxGraph.Attr.i("axis", 1));
    }
}
