package dev.nnc.compiler.ops;

import dev.nnc.compiler.onnx.OnnxExportException;
import java.util.List;

/**
 * One kind of layer: everything nnc knows about it, side by side. Its arguments and their
 * defaults, its shape rule, its parameters and FLOPs, the Java it emits for the forward pass and
 * for the backward pass, and its ONNX mapping. Adding a layer kind is one class implementing
 * this, one line in {@link Registry}, one gradient test and one example in docs/language.md.
 */
public interface LayerKind {

    /** The name used in {@code .nn} files. */
    String name();

    /** One line for documentation and help. */
    String description();

    /** The arguments, in positional order. */
    List<ArgSpec> args();

    /**
     * The shape rule: the output shape for {@code in}, or {@code null} after reporting why the
     * input does not fit through {@code errors}.
     */
    Shape outputShape(Shape in, Args args, ShapeErrors errors);

    /** The parameter tensors the layer owns (none by default). */
    default List<TensorDef> params(Shape in, Shape out, Args args) {
        return List.of();
    }

    /**
     * The buffer tensors the layer owns: state saved with the weights but not trained, such as
     * batch norm's running statistics (none by default). The generated code reaches them through
     * the local {@code buf} at {@link EmitSite#bufferOffset}; each starts at its
     * {@link TensorDef#constant()} (zero when that is {@code null}).
     */
    default List<TensorDef> buffers(Shape in, Shape out, Args args) {
        return List.of();
    }

    /**
     * The work buffers the layer keeps between its forward and backward pass in a training step
     * (none by default): dropout's mask, batch norm's normalized input. The generated class
     * allocates them; {@link EmitSite#work} names them in this order.
     */
    default List<WorkBuffer> workBuffers(Shape in, Shape out, Args args) {
        return List.of();
    }

    /**
     * Runtime objects the layer's training code calls, such as a convolution's kernels with their
     * scratch memory (none by default). The generated class keeps one of each per model instance,
     * in a final field; {@link EmitSite#helper} names them in this order. Inference-only code
     * (the standalone class) has none.
     */
    default List<Helper> helpers(Shape in, Shape out, Args args) {
        return List.of();
    }

    /**
     * A runtime helper: the field's type and its initializer, e.g. {@code new Conv2d(1, 28, ...)}.
     */
    record Helper(Class<?> type, com.palantir.javapoet.CodeBlock init) {
    }

    /**
     * True when the forward pass of a training step draws random numbers (dropout) from the
     * model's seeded generator, {@link EmitSite#rng()}.
     */
    default boolean usesRng() {
        return false;
    }

    /**
     * True when the layer's standalone code ({@link EmitSite.Mode#STANDALONE}) calls
     * {@code sigmoid(float)} or {@code tanh(float)}: the standalone class then defines them, as
     * copies of {@link dev.nnc.runtime.kernels.Activations}' (see {@link ActivationFunctions}).
     */
    default boolean usesActivationFunctions() {
        return false;
    }

    /**
     * True when the layer's backward pass multiplies dLoss/dIn by
     * {@link EmitSite#gradInDerivative} where the site gives one: the derivative of the
     * activation before the layer, from its output (the layer's input). False by default.
     */
    default boolean fusesInputDerivative(Shape in, Shape out, Args args) {
        return false;
    }

    /** Floating-point operations per sample in the forward pass (a multiply-add counts 2). */
    long flops(Shape in, Shape out, Args args);

    /**
     * Emits the forward pass for the site's {@link EmitSite#mode()}: reads {@link EmitSite#in()},
     * writes {@link EmitSite#out()}. A layer whose training step differs from its inference
     * (dropout's mask, batch norm's batch statistics, a kernel that keeps what the backward pass
     * needs) emits each for its mode, with no branch of its own: the model class's generator
     * puts the two under {@code if (training)} when they differ.
     */
    void emitForward(EmitSite s);

    /**
     * Emits the backward pass: reads {@link EmitSite#gradOut()} (dLoss/dOut), accumulates the
     * parameter gradients and, when {@link EmitSite#gradIn()} is not {@code null}, writes dLoss/dIn.
     */
    void emitBackward(EmitSite s);

    /**
     * Writes the layer's inference computation as ONNX nodes: from the value
     * {@link ExportSite#in()} to the value {@link ExportSite#out()}, with the trained parameters
     * as constants (training-only behaviour such as dropout left out, batch statistics frozen).
     * A kind without a mapping keeps this default, which refuses with an error naming the kind.
     */
    default void exportOnnx(ExportSite s) {
        throw OnnxExportException.unsupported(name());
    }

    /**
     * Emits the layer's penalty term (L1/L2) into the summed loss of a training step: adds to the
     * local {@code loss} what the penalty contributes for the batch of {@code n} samples. Nothing
     * by default.
     */
    default void emitPenalty(EmitSite s) {
    }

    /** True for element-wise or row-wise activation functions (attachable with {@code ->}). */
    default boolean isActivation() {
        return false;
    }

    /** Reports shape problems of one layer use at its place in the file. */
    interface ShapeErrors {
        void report(String format, Object... args);
    }
}
