package dev.nnc.compiler.ir;

import dev.nnc.compiler.diag.Span;
import dev.nnc.compiler.ops.Args;
import dev.nnc.compiler.ops.LayerKind;
import dev.nnc.compiler.ops.Shape;
import java.util.List;

/**
 * One layer of a checked model: its kind and arguments, its inferred input and output shapes, its
 * parameter tensors in the flat layout, its buffer tensors (batch norm's running statistics) in
 * the flat buffer layout, and where it was written.
 */
public record LayerIR(int index, String name, LayerKind kind, Args args, Shape in, Shape out,
        List<TensorIR> params, long flops, Span span, List<TensorIR> buffers) {
    public LayerIR {
        params = List.copyOf(params);
        buffers = List.copyOf(buffers);
    }

    /** A layer without buffers. */
    public LayerIR(int index, String name, LayerKind kind, Args args, Shape in, Shape out,
            List<TensorIR> params, long flops, Span span) {
        this(index, name, kind, args, in, out, params, flops, span, List.of());
    }

    /** Number of parameters the layer owns. */
    public int paramCount() {
        return params.stream().mapToInt(t -> t.def().size()).sum();
    }

    /** Number of buffer floats the layer owns. */
    public int bufferCount() {
        return buffers.stream().mapToInt(t -> t.def().size()).sum();
    }
}
