package dev.nnc.compiler.ir;

import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.compiler.ops.Loss;
import dev.nnc.compiler.ops.Shape;
import dev.nnc.runtime.model.ModelSpec;
import java.util.List;

/**
 * A checked model, ready for the generators: every shape inferred, every default resolved, every
 * parameter placed in one flat array. Generators see only this, never the syntax tree.
 *
 * @param name the model's name in the {@code .nn} file
 * @param javaPackage the package of the generated class ("" for none)
 * @param className a legal, non-reserved Java class name derived from {@code name}
 * @param architecture the canonical text the architecture hash is taken of
 */
public record ModelIR(String name, String javaPackage, String className, Shape input,
        List<LayerIR> layers, int paramCount, Loss loss, ModelSpec spec, String archHash,
        String architecture, SourceFile source) {
    public ModelIR {
        layers = List.copyOf(layers);
    }

    /** The output shape of the last layer. */
    public Shape output() {
        return layers.get(layers.size() - 1).out();
    }

    /** Number of buffer floats (see {@link dev.nnc.runtime.model.Model#buffers()}). */
    public int bufferCount() {
        return layers.stream().mapToInt(LayerIR::bufferCount).sum();
    }

    /** Total forward FLOPs per sample. */
    public long flops() {
        return layers.stream().mapToLong(LayerIR::flops).sum();
    }
}
