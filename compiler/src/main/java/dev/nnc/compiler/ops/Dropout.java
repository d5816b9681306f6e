package dev.nnc.compiler.ops;

import java.util.List;

/**
 * {@code dropout(rate)}: inverted dropout, active in training steps only.
 *
 * <p>Forward in training: M_i = 1/(1 − rate) with probability 1 − rate, else 0 (drawn from the
 * model's seeded generator); A = X ⊙ M. In inference A = X, which the scaling by 1/(1 − rate)
 * makes right on average. (The textbook's DropoutLayer scales at inference instead; the two agree
 * in expectation, and the inverted form leaves inference untouched.)
 *
 * <p>Backward: dX = dA ⊙ M, with the mask of the forward pass.
 *
 * <p>ONNX: removed from the inference graph (an Identity node).
 */
public final class Dropout implements LayerKind {

    @Override
    public String name() {
        return "dropout";
    }

    @Override
    public String description() {
        return "inverted dropout: A = X * M / (1 - rate) in training, A = X in inference";
    }

    @Override
    public List<ArgSpec> args() {
        return List.of(ArgSpec.range("rate", null, 0, 1));
    }

    @Override
    public Shape outputShape(Shape in, Args args, ShapeErrors errors) {
        return in;
    }

    @Override
    public long flops(Shape in, Shape out, Args args) {
        return in.size();
    }

    @Override
    public List<WorkBuffer> workBuffers(Shape in, Shape out, Args args) {
        return List.of(WorkBuffer.perSample("mask", out.size()));
    }

    @Override
    public boolean usesRng() {
        return true;
    }

    @Override
    public void emitForward(EmitSite s) {
        var c = s.code();
        if (s.training()) {
            double rate = s.args().number("rate");
            c.addStatement("final float[] mask = $L", s.work(0));
            c.beginControlFlow("for (int t = 0, e = n * $L; t < e; t++)", s.inSize());
            // NOTE: the comparison is made in double, so the keep probability is exactly 1 - rate.
            c.addStatement("final float m = $L.nextDouble() >= $L ? $L : 0f", s.rng(),
                    Double.toString(rate), EmitSite.f(1 / (1 - rate)));
            c.addStatement("mask[t] = m");
            c.addStatement("$L[t] = $L[t] * m", s.out(), s.in());
            c.endControlFlow();
            return;
        }
        c.addStatement("$T.arraycopy($L, 0, $L, 0, n * $L)", System.class, s.in(), s.out(),
                s.inSize());
    }

    @Override
    public void emitBackward(EmitSite s) {
        if (s.gradIn() == null) {
            return;
        }
        var c = s.code();
        c.addStatement("final float[] mask = $L", s.work(0));
        c.beginControlFlow("for (int t = 0, e = n * $L; t < e; t++)", s.inSize());
        c.addStatement("$L[t] = $L[t] * mask[t]", s.gradIn(), s.gradOut());
        c.endControlFlow();
    }

    @Override
    public void exportOnnx(ExportSite s) {
        s.unary("Identity");
    }
}
