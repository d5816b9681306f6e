package dev.nnc.compiler.ops;

import dev.nnc.compiler.onnx.OnnxGraph;
import java.util.List;

/**
 * {@code batchnorm(momentum: 0.9, eps: 1e-5)}: batch normalization of each feature (textbook
 * 15.6), with a trained scale γ and shift β.
 *
 * <p>Forward in a training step, over the m rows of the batch and for each feature j:
 * <pre>
 * μ_j  = Σ_i x_ij / m
 * σ²_j = Σ_i (x_ij − μ_j)² / m                  (biased: divided by m)
 * x̂_ij = (x_ij − μ_j) / √(σ²_j + eps)
 * y_ij = γ_j · x̂_ij + β_j
 * </pre>
 * and the running statistics, which inference uses instead of μ and σ², move towards the batch's:
 * {@code running = momentum · running + (1 − momentum) · batch}. This is the textbook's
 * convention, where {@code momentum} is the weight of the past (0.9 by default); PyTorch's
 * {@code momentum} is the weight of the new batch, so its default 0.1 is the same rule as 0.9 here.
 * (PyTorch also keeps the unbiased variance, m/(m − 1)·σ², as its running variance; nnc, like the
 * textbook, keeps σ².) Inference: y = γ · (x − running_mean) / √(running_var + eps) + β.
 *
 * <p>Backward, with dY the gradient of the mean loss (the 1/m of the mean is already inside dY,
 * and the formula for dX is linear in dY, so it is not applied again):
 * <pre>
 * dβ_j  = Σ_i dY_ij
 * dγ_j  = Σ_i dY_ij · x̂_ij
 * dX_ij = γ_j / √(σ²_j + eps) · (dY_ij − Σ_k dY_kj / m − x̂_ij · Σ_k dY_kj x̂_kj / m)
 * </pre>
 * The last line is the whole derivative through μ and σ² (both depend on every row).
 *
 * <p>NOTE: eps keeps 1/√(σ² + eps) finite when a feature does not vary in the batch (σ² = 0, as in
 * a batch of one sample, or a dead relu unit): x̂ is then 0 and the output is β. It is added to the
 * variance in float, like ONNX and PyTorch do.
 *
 * <p>γ starts at 1 and β at 0 whatever the initializer; the running mean starts at 0 and the
 * running variance at 1. Both running statistics are buffers, not parameters: saved with the
 * weights ({@code batchnorm1.running_mean}, {@code batchnorm1.running_var}) but never touched by the
 * optimizer, weight decay or penalties.
 *
 * <p>On vectors [N] each of the N features is a channel; on images [C,H,W] each of the C
 * channels is normalized with statistics over the batch and its H·W positions
 * ({@code m = n · H · W} values), as in PyTorch's BatchNorm2d.
 *
 * <p>ONNX: {@code BatchNormalization} in inference form (scale γ, B β, input_mean, input_var,
 * epsilon); its {@code momentum} attribute only matters in training mode and is left out.
 */
public final class BatchNorm implements LayerKind {

    @Override
    public String name() {
        return "batchnorm";
    }

    @Override
    public String description() {
        return "batch normalization: Y = γ (X − μ) / √(σ² + eps) + β per feature";
    }

    @Override
    public List<ArgSpec> args() {
        return List.of(ArgSpec.range("momentum", 0.9, 0, 1), ArgSpec.positive("eps", 1e-5));
    }

    @Override
    public Shape outputShape(Shape in, Args args, ShapeErrors errors) {
        if (in.kind() == Shape.Kind.SEQUENCE) {
            errors.report("batchnorm needs a vector [N] or an image [C,H,W] input, but its "
                    + "input has shape %s %s", in, in.kind().pattern());
            return null;
        }
        return in;
    }

    /** The number of normalized channels: the features of a vector. */
    static int channels(Shape s) {
        return s.kind() == Shape.Kind.IMAGE ? s.dim(0) : s.size();
    }

    /** The values of one channel in one sample: 1 for a vector, H·W for an image. */
    static int positions(Shape s) {
        return s.size() / channels(s);
    }

    @Override
    public List<TensorDef> params(Shape in, Shape out, Args args) {
        int c = channels(in);
        return List.of(TensorDef.constant("gamma", new int[] {c}, 1),
                new TensorDef("beta", new int[] {c}, true, c, c));
    }

    @Override
    public List<TensorDef> buffers(Shape in, Shape out, Args args) {
        int c = channels(in);
        return List.of(TensorDef.constant("running_mean", new int[] {c}, 0),
                TensorDef.constant("running_var", new int[] {c}, 1));
    }

    @Override
    public List<WorkBuffer> workBuffers(Shape in, Shape out, Args args) {
        return List.of(WorkBuffer.perSample("x̂, the normalized input", in.size()),
                WorkBuffer.fixed("1/√(σ² + eps) per channel", channels(in)));
    }

    @Override
    public long flops(Shape in, Shape out, Args args) {
        return 4L * in.size();
    }

    /**
     * Opens the loops over the values of channel {@code c} in the batch, with {@code t} the index
     * of each; {@link #closeLoop} closes them.
     */
    private static void openLoop(EmitSite s) {
        int channels = channels(s.inShape());
        int positions = positions(s.inShape());
        var c = s.code();
        c.beginControlFlow("for (int i = 0; i < n; i++)");
        if (positions == 1) {
            c.addStatement("final int t = i * $L + c", channels);
        } else {
            c.addStatement("final int o = (i * $L + c) * $L", channels, positions);
            c.beginControlFlow("for (int t = o; t < o + $L; t++)", positions);
        }
    }

    /** {@code m}, the number of values each channel's statistics are taken over. */
    private static void addCount(EmitSite s) {
        int positions = positions(s.inShape());
        if (positions == 1) {
            s.code().addStatement("final int m = n");
        } else {
            s.code().addStatement("final int m = n * $L", positions);
        }
    }

    private static void closeLoop(EmitSite s) {
        if (positions(s.inShape()) != 1) {
            s.code().endControlFlow();
        }
        s.code().endControlFlow();
    }

    @Override
    public void emitForward(EmitSite s) {
        int channels = channels(s.inShape());
        int gamma = s.offset(0);
        int beta = s.offset(1);
        int mean = s.bufferOffset(0);
        int var = s.bufferOffset(1);
        String eps = EmitSite.f(s.args().number("eps"));
        var c = s.code();
        if (s.training()) {
            String momentum = EmitSite.f(s.args().number("momentum"));
            String rest = EmitSite.f(1 - s.args().number("momentum"));
            c.addStatement("final float[] xhat = $L", s.work(0));
            c.addStatement("final float[] inv = $L", s.work(1));
            addCount(s);
            c.beginControlFlow("for (int c = 0; c < $L; c++)", channels);
            c.addStatement("double sum = 0");
            openLoop(s);
            c.addStatement("sum += $L[t]", s.in());
            closeLoop(s);
            c.addStatement("final float mu = (float) (sum / m)");
            c.addStatement("double squares = 0");
            openLoop(s);
            c.addStatement("final float d = $L[t] - mu", s.in());
            c.addStatement("squares += d * d");
            closeLoop(s);
            c.addStatement("final float sigma2 = (float) (squares / m)");
            c.addStatement("final float r = (float) (1.0 / Math.sqrt(sigma2 + $L))", eps);
            c.addStatement("inv[c] = r");
            c.addStatement("final float g = p[$L + c]", gamma);
            c.addStatement("final float b = p[$L + c]", beta);
            openLoop(s);
            c.addStatement("final float h = ($L[t] - mu) * r", s.in());
            c.addStatement("xhat[t] = h");
            c.addStatement("$L[t] = g * h + b", s.out());
            closeLoop(s);
            c.addStatement("buf[$L + c] = $L * buf[$L + c] + $L * mu", mean, momentum, mean, rest);
            c.addStatement("buf[$L + c] = $L * buf[$L + c] + $L * sigma2", var, momentum, var,
                    rest);
            c.endControlFlow();
            return;
        }
        c.beginControlFlow("for (int c = 0; c < $L; c++)", channels);
        c.addStatement("final float mu = buf[$L + c]", mean);
        c.addStatement("final float r = (float) (1.0 / Math.sqrt(buf[$L + c] + $L))", var, eps);
        c.addStatement("final float g = p[$L + c]", gamma);
        c.addStatement("final float b = p[$L + c]", beta);
        openLoop(s);
        c.addStatement("$L[t] = g * (($L[t] - mu) * r) + b", s.out(), s.in());
        closeLoop(s);
        c.endControlFlow();
    }

    @Override
    public void emitBackward(EmitSite s) {
        int channels = channels(s.inShape());
        int gamma = s.offset(0);
        int beta = s.offset(1);
        var c = s.code();
        c.addStatement("final float[] xhat = $L", s.work(0));
        c.addStatement("final float[] inv = $L", s.work(1));
        addCount(s);
        c.beginControlFlow("for (int c = 0; c < $L; c++)", channels);
        c.addStatement("double sumDy = 0");
        c.addStatement("double sumDyX = 0");
        openLoop(s);
        c.addStatement("final float dy = $L[t]", s.gradOut());
        c.addStatement("sumDy += dy");
        c.addStatement("sumDyX += dy * xhat[t]");
        closeLoop(s);
        c.addStatement("gp[$L + c] = (float) sumDy", beta);
        c.addStatement("gp[$L + c] = (float) sumDyX", gamma);
        if (s.gradIn() != null) {
            c.addStatement("final float k = p[$L + c] * inv[c]", gamma);
            c.addStatement("final float meanDy = (float) (sumDy / m)");
            c.addStatement("final float meanDyX = (float) (sumDyX / m)");
            openLoop(s);
            c.addStatement("$L[t] = k * ($L[t] - meanDy - xhat[t] * meanDyX)", s.gradIn(),
                    s.gradOut());
            closeLoop(s);
        }
        c.endControlFlow();
    }

    /** ONNX: {@code BatchNormalization(X, γ, β, running_mean, running_var)}, inference form. */
    @Override
    public void exportOnnx(ExportSite s) {
        int[] dims = {channels(s.inShape())};
        List<String> inputs = List.of(s.in(), s.constant("gamma", dims, s.param(0)),
                s.constant("beta", dims, s.param(1)),
                s.constant("running_mean", dims, s.buffer(0)),
                s.constant("running_var", dims, s.buffer(1)));
        s.graph().node("BatchNormalization", inputs, s.out(),
                OnnxGraph.Attr.f("epsilon", (float) s.args().number("eps")));
    }
}
