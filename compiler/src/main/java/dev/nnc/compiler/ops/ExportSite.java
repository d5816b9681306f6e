package dev.nnc.compiler.ops;

import dev.nnc.compiler.onnx.OnnxGraph;
import java.util.List;

/**
 * Where a layer writes its ONNX mapping and what it may use there: the graph, the names of its
 * input and output values (shape {@code [N, ...inShape]} and {@code [N, ...outShape]}, float32),
 * its arguments and the trained values of its parameter tensors.
 *
 * @param graph the graph being built
 * @param layer the layer's name ({@code dense1}), for naming its constants
 * @param in the name of the value holding the layer's input
 * @param out the name the layer's output value must have
 * @param inShape the input shape of one sample
 * @param outShape the output shape of one sample
 * @param args the layer's checked arguments
 * @param params the values of the layer's parameter tensors, in the order of
 *     {@link LayerKind#params}, each laid out as nnc keeps it (e.g. dense W row-major [in, units])
 * @param buffers the values of the layer's buffer tensors (batch norm's running statistics), in
 *     the order of {@link LayerKind#buffers}
 */
public record ExportSite(OnnxGraph graph, String layer, String in, String out, Shape inShape,
        Shape outShape, Args args, List<float[]> params, List<float[]> buffers) {

    public ExportSite {
        params = List.copyOf(params);
        buffers = List.copyOf(buffers);
    }

    /** A site of a layer without buffers. */
    public ExportSite(OnnxGraph graph, String layer, String in, String out, Shape inShape,
            Shape outShape, Args args, List<float[]> params) {
        this(graph, layer, in, out, inShape, outShape, args, params, List.of());
    }

    public int inSize() {
        return inShape.size();
    }

    public int outSize() {
        return outShape.size();
    }

    /** The values of parameter tensor {@code tensor}. */
    public float[] param(int tensor) {
        return params.get(tensor);
    }

    /** The values of buffer tensor {@code tensor}. */
    public float[] buffer(int tensor) {
        return buffers.get(tensor);
    }

    /** Adds a float32 constant {@code <layer>.<suffix>} and returns its value name. */
    public String constant(String suffix, int[] dims, float[] values) {
        return graph.floats(layer + "." + suffix, dims, values);
    }

    /** The whole layer as one node {@code opType(in) → out}: element-wise activations. */
    public void unary(String opType, OnnxGraph.Attr... attrs) {
        graph.node(opType, List.of(in), out, attrs);
    }
}
