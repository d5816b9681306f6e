package dev.nnc.compiler.gen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.nnc.compiler.ir.LayerIR;
import java.util.Collection;

/**
 * The training step of a small model in few methods: the training forward pass of every layer in
 * one method ({@code forwardTrain}) and the backward pass of every layer in one
 * ({@code backward}), each layer's code in a block of its own that names its input and output as
 * its layer method does, instead of a method per layer and direction.
 *
 * <p>The JIT then has two methods to compile for a training step instead of one per layer (each
 * of which it would compile on its own first, then again inlined into the step): a small model,
 * whose whole run lasts a fraction of a second, reaches compiled code sooner. The arithmetic is
 * the layer methods' own, in the same order: the results are the same bits. Models whose layer
 * code is longer than {@link #MAX_CHARS} keep a method per layer, so that no method grows
 * towards the JVM's limit for compiled methods (8000 bytes of bytecode).
 */
final class InlinedStep {
    /** The most characters of layer code the two methods take. */
    static final int MAX_CHARS = 6000;

    private InlinedStep() {
    }

    /** True when the training forward and backward code of the layers is short enough. */
    static boolean fits(Collection<CodeBlock> code) {
        long chars = 0;
        for (CodeBlock c : code) {
            chars += c.toString().length();
        }
        return chars <= MAX_CHARS;
    }

    /** Appends layer {@code l}'s training forward code, reading {@code in}, writing {@code out}. */
    static void forward(MethodSpec.Builder b, LayerIR l, String in, String out, CodeBlock code) {
        b.addCode("// $L\n{\n$>", l.name());
        b.addStatement("final float[] in = $L", in);
        b.addStatement("final float[] out = $L", out);
        b.addCode(code).addCode("$<}\n");
    }

    /** Appends layer {@code l}'s backward code with its input, output and gradients. */
    static void backward(MethodSpec.Builder b, LayerIR l, String in, String out, String gin,
            String gout, CodeBlock code) {
        b.addCode("// backward of $L\n{\n$>", l.name());
        b.addStatement("final float[] in = $L", in);
        b.addStatement("final float[] out = $L", out);
        b.addStatement("final float[] gin = $L", gin);
        b.addStatement("final float[] gout = $L", gout);
        b.addCode(code).addCode("$<}\n");
    }
}
