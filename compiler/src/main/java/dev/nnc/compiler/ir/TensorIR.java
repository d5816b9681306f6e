package dev.nnc.compiler.ir;

import dev.nnc.compiler.ops.InitSpec;
import dev.nnc.compiler.ops.TensorDef;

/**
 * A parameter tensor placed in the model's flat parameter array ({@code dense1.W} at offset 0),
 * or a buffer tensor placed in the flat buffer array.
 */
public record TensorIR(String name, TensorDef def, int offset, InitSpec init) {
}
