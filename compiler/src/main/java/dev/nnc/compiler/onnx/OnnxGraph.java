package dev.nnc.compiler.onnx;

import com.google.protobuf.ByteString;
import dev.nnc.compiler.onnx.proto.Onnx.AttributeProto;
import dev.nnc.compiler.onnx.proto.Onnx.GraphProto;
import dev.nnc.compiler.onnx.proto.Onnx.NodeProto;
import dev.nnc.compiler.onnx.proto.Onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX graph under construction: the nodes and constant tensors that layer kinds write through
 * {@code ExportSite} (package {@code ops}). Value names are unique in the graph.
 *
 * <p>Example: {@code g.node("Gemm", List.of("input", g.floats("dense1.W", dims, w)), "dense1")}
 * adds the initializer {@code dense1.W} and the node {@code Gemm_1: input, dense1.W → dense1}.
 */
public final class OnnxGraph {
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();
    private final Map<String, Integer> opCounts = new HashMap<>();

    /** An empty graph called {@code name}. */
    public OnnxGraph(String name) {
        graph.setName(name);
    }

    /** One attribute of a node. */
    public static final class Attr {
        private final AttributeProto proto;

        private Attr(AttributeProto proto) {
            this.proto = proto;
        }

        /** A float attribute, e.g. {@code alpha} of LeakyRelu. */
        public static Attr f(String name, float value) {
            return new Attr(AttributeProto.newBuilder().setName(name)
                    .setType(AttributeProto.AttributeType.FLOAT).setF(value).build());
        }

        /** An integer attribute, e.g. {@code axis} of Softmax. */
        public static Attr i(String name, long value) {
            return new Attr(AttributeProto.newBuilder().setName(name)
                    .setType(AttributeProto.AttributeType.INT).setI(value).build());
        }

        /** A string attribute, e.g. {@code direction} of LSTM. */
        public static Attr s(String name, String value) {
            return new Attr(AttributeProto.newBuilder().setName(name)
                    .setType(AttributeProto.AttributeType.STRING)
                    .setS(ByteString.copyFromUtf8(value)).build());
        }

        /** A list-of-integers attribute, e.g. {@code perm} of Transpose. */
        public static Attr ints(String name, long... values) {
            AttributeProto.Builder b = AttributeProto.newBuilder().setName(name)
                    .setType(AttributeProto.AttributeType.INTS);
            for (long v : values) {
                b.addInts(v);
            }
            return new Attr(b.build());
        }
    }

    /** A value name not used yet in the graph: {@code hint}, else {@code hint_1}, .... */
    public String fresh(String hint) {
        String name = hint;
        for (int k = 1; names.contains(name); k++) {
            name = hint + "_" + k;
        }
        names.add(name);
        return name;
    }

    /** Reserves {@code name} (a graph input, or an output named in advance). */
    public void reserve(String name) {
        if (!names.add(name)) {
            throw new IllegalStateException("value name used twice: " + name);
        }
    }

    /** Adds the node {@code opType(inputs) → output} of the default (ai.onnx) domain. */
    public void node(String opType, List<String> inputs, String output, Attr... attrs) {
        int k = opCounts.merge(opType, 1, Integer::sum);
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(opType + "_" + k)
                .addAllInput(inputs).addOutput(output);
        for (Attr a : attrs) {
            n.addAttribute(a.proto);
        }
        graph.addNode(n);
    }

    /**
     * Adds the node {@code opType(inputs) → outputs}; an empty output name leaves that optional
     * output out (LSTM's Y when only Y_h is wanted).
     */
    public void node(String opType, List<String> inputs, List<String> outputs, Attr... attrs) {
        int k = opCounts.merge(opType, 1, Integer::sum);
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(opType + "_" + k)
                .addAllInput(inputs).addAllOutput(outputs);
        for (Attr a : attrs) {
            n.addAttribute(a.proto);
        }
        graph.addNode(n);
    }

    /** Adds an int64 constant named {@code hint} (made unique) and returns its name. */
    public String longs(String hint, int[] dims, long[] values) {
        checkSize(dims, values.length, hint);
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return tensor(hint, dims, TensorProto.DataType.INT64, b.array());
    }

    /** Adds a float32 constant named {@code hint} (made unique) and returns its name. */
    public String floats(String hint, int[] dims, float[] values) {
        checkSize(dims, values.length, hint);
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return tensor(hint, dims, TensorProto.DataType.FLOAT, b.array());
    }

    /** Adds a float64 constant named {@code hint} (made unique) and returns its name. */
    public String doubles(String hint, int[] dims, double[] values) {
        checkSize(dims, values.length, hint);
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return tensor(hint, dims, TensorProto.DataType.DOUBLE, b.array());
    }

    private String tensor(String hint, int[] dims, TensorProto.DataType type, byte[] raw) {
        String name = fresh(hint);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name)
                .setDataType(type.getNumber()).setRawData(ByteString.copyFrom(raw));
        for (int d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    private static void checkSize(int[] dims, int length, String name) {
        long size = 1;
        for (int d : dims) {
            size *= d;
        }
        if (size != length) {
            throw new IllegalArgumentException(name + ": " + length + " values for a tensor of "
                    + size);
        }
    }

    /** The graph as built so far. */
    public GraphProto.Builder proto() {
        return graph;
    }
}
