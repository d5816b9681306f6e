package dev.nnc.compiler.ops;

import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Where a layer's generated code goes and the names it may use there. Generated methods have these
 * locals: {@code n} (the batch size), {@code p} (parameters) and {@code gp} (their gradients), and
 * {@code buf} (the model's buffers, see {@link LayerKind#buffers}) in layers that own buffers;
 * buffers are sample-major, {@code n * size} floats.
 *
 * @param code the method body being built
 * @param in the array holding the layer's input
 * @param out the array receiving the layer's output
 * @param gradIn the array receiving dLoss/dIn, or {@code null} when nothing needs it
 * @param gradOut the array holding dLoss/dOut
 * @param inShape the input shape of one sample
 * @param outShape the output shape of one sample
 * @param args the layer's checked arguments
 * @param offsets the offset of each of the layer's parameter tensors in {@code p}, in the order of
 *     {@link LayerKind#params}
 * @param training a boolean expression, true in a training step ({@code "false"} where the code
 *     only ever infers)
 * @param work the names of the layer's work buffers, in the order of
 *     {@link LayerKind#workBuffers} (empty where the code only ever infers)
 * @param rng the model's {@link dev.nnc.runtime.model.Rng} for random masks, or {@code null}
 * @param bufferOffsets the offset of each of the layer's buffer tensors in {@code buf}, in the
 *     order of {@link LayerKind#buffers}
 * @param helpers the names of the fields holding the layer's runtime helpers, in the order of
 *     {@link LayerKind#helpers} (empty where the code only ever infers)
 * @param gradInDerivative {@code null}, or, for a layer that
 *     {@linkplain LayerKind#fusesInputDerivative fuses} it: given the name of a float local
 *     holding one value of the layer's input, the Java expression dLoss/dIn is multiplied by (the
 *     derivative of the activation that produced the input); {@link #gradIn} then receives
 *     dLoss/dZ of that activation
 */
public record EmitSite(CodeBlock.Builder code, String in, String out, String gradIn,
        String gradOut, Shape inShape, Shape outShape, Args args, int[] offsets,
        String training, List<String> work, String rng, int[] bufferOffsets,
        List<String> helpers, UnaryOperator<String> gradInDerivative) {

    public EmitSite {
        offsets = offsets.clone();
        work = List.copyOf(work);
        bufferOffsets = bufferOffsets.clone();
        helpers = List.copyOf(helpers);
    }

    /** A site without a fused input derivative. */
    public EmitSite(CodeBlock.Builder code, String in, String out, String gradIn,
            String gradOut, Shape inShape, Shape outShape, Args args, int[] offsets,
            String training, List<String> work, String rng, int[] bufferOffsets,
            List<String> helpers) {
        this(code, in, out, gradIn, gradOut, inShape, outShape, args, offsets, training, work,
                rng, bufferOffsets, helpers, null);
    }

    /** This site with dLoss/dIn multiplied by {@code derivative} (see the record's doc). */
    public EmitSite withGradInDerivative(UnaryOperator<String> derivative) {
        return new EmitSite(code, in, out, gradIn, gradOut, inShape, outShape, args, offsets,
                training, work, rng, bufferOffsets, helpers, derivative);
    }

    /** A site without runtime helpers. */
    public EmitSite(CodeBlock.Builder code, String in, String out, String gradIn,
            String gradOut, Shape inShape, Shape outShape, Args args, int[] offsets,
            String training, List<String> work, String rng, int[] bufferOffsets) {
        this(code, in, out, gradIn, gradOut, inShape, outShape, args, offsets, training, work,
                rng, bufferOffsets, List.of());
    }

    /** The name of the field holding runtime helper {@code i} of {@link LayerKind#helpers}. */
    public String helper(int i) {
        return helpers.get(i);
    }

    /**
     * A site for inference-only code: {@link #training()} is the literal {@code false} and there
     * are no work buffers or random generator.
     */
    public EmitSite(CodeBlock.Builder code, String in, String out, String gradIn, String gradOut,
            Shape inShape, Shape outShape, Args args, int[] offsets, int[] bufferOffsets) {
        this(code, in, out, gradIn, gradOut, inShape, outShape, args, offsets, "false", List.of(),
                null, bufferOffsets);
    }

    /** An inference-only site of a layer without buffers. */
    public EmitSite(CodeBlock.Builder code, String in, String out, String gradIn, String gradOut,
            Shape inShape, Shape outShape, Args args, int[] offsets) {
        this(code, in, out, gradIn, gradOut, inShape, outShape, args, offsets, new int[0]);
    }

    /** True when the code runs only for inference (a standalone predictor, an export). */
    public boolean inferenceOnly() {
        return training.equals("false");
    }

    public int inSize() {
        return inShape.size();
    }

    public int outSize() {
        return outShape.size();
    }

    public int offset(int tensor) {
        return offsets[tensor];
    }

    @Override
    public int[] offsets() {
        return offsets.clone();
    }

    /** The name of work buffer {@code i} of {@link LayerKind#workBuffers}. */
    public String work(int i) {
        return work.get(i);
    }

    /** The offset of buffer tensor {@code tensor} of {@link LayerKind#buffers} in {@code buf}. */
    public int bufferOffset(int tensor) {
        return bufferOffsets[tensor];
    }

    @Override
    public int[] bufferOffsets() {
        return bufferOffsets.clone();
    }

    /** A float literal for Java source: {@code 0.5f}. */
    public static String f(double v) {
        float x = (float) v;
        if (Float.isNaN(x) || Float.isInfinite(x)) {
            throw new IllegalArgumentException("not a finite float: " + v);
        }
        return Float.toString(x) + "f";
    }
}
