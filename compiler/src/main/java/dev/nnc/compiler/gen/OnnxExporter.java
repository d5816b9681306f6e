package dev.nnc.compiler.gen;

import dev.nnc.compiler.ir.LayerIR;
import dev.nnc.compiler.ir.ModelIR;
import dev.nnc.compiler.ir.TensorIR;
import dev.nnc.compiler.onnx.OnnxExportException;
import dev.nnc.compiler.onnx.OnnxGraph;
import dev.nnc.compiler.onnx.proto.Onnx.ModelProto;
import dev.nnc.compiler.onnx.proto.Onnx.OperatorSetIdProto;
import dev.nnc.compiler.onnx.proto.Onnx.StringStringEntryProto;
import dev.nnc.compiler.onnx.proto.Onnx.TensorProto;
import dev.nnc.compiler.onnx.proto.Onnx.TensorShapeProto;
import dev.nnc.compiler.onnx.proto.Onnx.TypeProto;
import dev.nnc.compiler.onnx.proto.Onnx.ValueInfoProto;
import dev.nnc.compiler.ops.ExportSite;
import dev.nnc.compiler.ops.Shape;
import dev.nnc.runtime.data.Normalizer;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.io.Weights;
import dev.nnc.runtime.model.Difference;
import dev.nnc.runtime.model.Ensemble;
import dev.nnc.runtime.model.Model;
import dev.nnc.runtime.model.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes a trained model as an ONNX model that takes the same raw input as {@code nnc predict}
 * and gives the same outputs: the model's {@link Preprocessing} stage (input scale, feature
 * normalization) in front, every layer's own mapping
 * ({@link dev.nnc.compiler.ops.LayerKind#exportOnnx}) with the trained parameters as constants,
 * and, for regression, the label de-normalization.
 *
 * <p>For the model {@code HousePrice} (2 → dense 1, mse, min-max features and labels) the graph
 * is
 * <pre>
 * input [N,2] float → Cast(double) → Sub(min) → Div(range) → Cast(float)
 *     → Gemm(dense1.W, dense1.B) → Cast(double) → Mul(range) → Add(min) → Cast(float) → output [N,1]
 * </pre>
 * and a model with {@code data { scale: 16 }} starts with {@code Cast(double) → Div(16) →
 * Cast(float)}. Each step is computed in double precision and rounded to float once, in the
 * order of {@link Preprocessing#input} and {@link Normalizer}, so it gives the runtime's values
 * bit for bit. A model of a differenced series takes raw windows: their differences come first
 * and the forecasts' bases are added last ({@link OnnxDifference}).
 *
 * <p>The file is a {@code ModelProto} of IR version 8 importing the default opset
 * {@value #OPSET}; its metadata holds the model's name, architecture hash, scale, normalizers and
 * class labels under the keys of the weights file, and the stage in words under
 * {@value #PREPROCESSING}.
 */
public final class OnnxExporter {
    /** The version of the default (ai.onnx) operator set the graphs use. */
    public static final int OPSET = 17;
    /** The IR version written; opset 17 needs at least 8. */
    static final int IR_VERSION = 8;
    /** Name of the graph's input value. */
    public static final String INPUT = "input";
    /** Name of the graph's output value. */
    public static final String OUTPUT = "output";
    /** Metadata key of the preprocessing stage's description, for people reading the file. */
    public static final String PREPROCESSING = "nnc.preprocessing";

    private OnnxExporter() {
    }

    /**
     * The ONNX model of {@code model} with the parameters {@code params} (laid out as the
     * generated class keeps them) and the preprocessing saved with them.
     *
     * @param producerVersion the nnc version, written as the producer's
     * @throws OnnxExportException when a layer kind has no ONNX mapping
     */
    public static ModelProto export(ModelIR model, float[] params, Preprocessing prep,
            String producerVersion) {
        return export(model, params, new float[0], prep, producerVersion);
    }

    /**
     * The ONNX model of {@code model} with the parameters {@code params} and the buffers
     * {@code buffers} (batch norm's running statistics), laid out as the generated class keeps
     * them, and the preprocessing saved with them.
     *
     * @param producerVersion the nnc version, written as the producer's
     * @throws OnnxExportException when a layer kind has no ONNX mapping
     */
    public static ModelProto export(ModelIR model, float[] params, float[] buffers,
            Preprocessing prep, String producerVersion) {
        ModelSpec.EnsembleSpec ensemble = model.spec().ensemble();
        int members = ensemble == null ? 1 : ensemble.members();
        if (params.length != model.paramCount() * members) {
            throw new IllegalArgumentException(params.length + " parameters for model "
                    + model.name() + ", which has " + model.paramCount() * members);
        }
        if (buffers.length != model.bufferCount() * members) {
            throw new IllegalArgumentException(buffers.length + " buffer values for model "
                    + model.name() + ", which has " + model.bufferCount() * members);
        }
        OnnxGraph g = new OnnxGraph(model.name());
        g.reserve(INPUT);
        g.reserve(OUTPUT);
        if (prep.features().cols() != model.input().size()
                || prep.labels().cols() != model.output().size()) {
            throw new IllegalArgumentException("preprocessing for " + prep.features().cols()
                    + " inputs and " + prep.labels().cols() + " outputs, model " + model.name()
                    + " has " + model.input().size() + " and " + model.output().size());
        }
        ModelSpec.Window diff = Difference.of(model.spec());
        String flat = diff == null ? null : OnnxDifference.flat(g, INPUT, diff);
        String x = preprocess(g, diff == null ? INPUT
                : OnnxDifference.differences(g, flat, diff, model.input()), model.input(), prep);
        boolean denormalize = prep.denormalizes(model.spec().loss());
        // a differenced series: the network's answer is a difference, the base added after
        String last = diff == null ? OUTPUT : g.fresh("difference.forecast");
        String y;
        if (ensemble == null) {
            y = layers(g, model, x, params, buffers, "", denormalize ? null : last);
        } else {
            List<String> outs = new ArrayList<>();
            int p = model.paramCount();
            int b = model.bufferCount();
            for (int i = 0; i < members; i++) {
                outs.add(layers(g, model, x, Arrays.copyOfRange(params, i * p, (i + 1) * p),
                        Arrays.copyOfRange(buffers, i * b, (i + 1) * b),
                        Ensemble.PREFIX + i + ".", null));
            }
            int[] dims = model.output().dims();
            y = OnnxVote.vote(g, ensemble.vote(), model.spec().loss(), outs,
                    dims[dims.length - 1], denormalize ? null : last);
        }
        if (denormalize) {
            denormalizeLabels(g, y, model.output(), prep.labels(), last);
        }
        if (diff != null) {
            OnnxDifference.invert(g, last, flat, diff, model.output(), OUTPUT);
        }
        g.proto().addInput(value(INPUT, diff == null ? model.input()
                : Shape.of(Difference.rawShape(model.input().dims(), diff))));
        g.proto().addOutput(value(OUTPUT, model.output()));
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("nnc")
                .setProducerVersion(producerVersion)
                .setDocString("Model " + model.name() + " from " + model.source().displayName()
                        + ", exported by nnc.")
                .setGraph(g.proto());
        metadata(m, Weights.MODEL, model.name());
        metadata(m, Weights.ARCH, ensemble == null ? model.archHash()
                : Ensemble.architectureHash(model.archHash(), members));
        for (Map.Entry<String, String> e : prep.toMetadata().entrySet()) {
            metadata(m, e.getKey(), e.getValue());
        }
        metadata(m, PREPROCESSING, prep.describe(model.spec().loss()));
        return m.build();
    }

    /**
     * The layers of one network (of an ensemble: of one member, its tensors named with
     * {@code prefix}) on {@code x}; returns the name of the last layer's output, which is
     * {@code out} when not {@code null}.
     */
    private static String layers(OnnxGraph g, ModelIR model, String x, float[] params,
            float[] buffers, String prefix, String out) {
        List<LayerIR> layers = model.layers();
        for (LayerIR l : layers) {
            boolean last = l.index() == layers.size() - 1;
            String y = last && out != null ? out : g.fresh(prefix + l.name());
            List<float[]> values = new ArrayList<>();
            for (TensorIR t : l.params()) {
                values.add(Arrays.copyOfRange(params, t.offset(), t.offset() + t.def().size()));
            }
            List<float[]> state = new ArrayList<>();
            for (TensorIR t : l.buffers()) {
                state.add(Arrays.copyOfRange(buffers, t.offset(), t.offset() + t.def().size()));
            }
            try {
                l.kind().exportOnnx(new ExportSite(g, prefix + l.name(), x, y, l.in(), l.out(),
                        l.args(), values, state));
            } catch (OnnxExportException e) {
                throw new OnnxExportException("cannot export model " + model.name()
                        + " to ONNX: layer " + l.name() + " (" + l.span() + "): "
                        + e.getMessage());
            }
            x = y;
        }
        return x;
    }

    /**
     * The input side of the stage, as {@link Preprocessing#input} computes it: {@code x / scale}
     * in double rounded to float, a missing input (NaN) replaced by its fill value, then
     * {@code (x − shift) / range} in double rounded to float; nothing for steps that do nothing.
     */
    private static String preprocess(OnnxGraph g, String x, Shape input, Preprocessing prep) {
        if (prep.scale() != 1) {
            String wide = cast(g, x, "input.double", TensorProto.DataType.DOUBLE);
            String scale = g.doubles("input.scale", new int[0], new double[] {prep.scale()});
            String scaled = g.fresh("input.scaled");
            g.node("Div", List.of(wide, scale), scaled);
            x = cast(g, scaled, "input.float", TensorProto.DataType.FLOAT);
        }
        if (prep.fill() != null) {
            // A missing input (NaN) takes its fill value; NaN where the input has none.
            String missing = g.fresh("input.missing");
            g.node("IsNaN", List.of(x), missing);
            String fill = g.floats("input.fill", input.dims(), prep.fill().values());
            String filled = g.fresh("input.filled");
            g.node("Where", List.of(missing, fill, x), filled);
            x = filled;
        }
        return normalizeFeatures(g, x, input, prep.features());
    }

    /** {@code x' = (x − shift) / scale} in double, rounded to float; none for the identity. */
    private static String normalizeFeatures(OnnxGraph g, String x, Shape input, Normalizer n) {
        if (n.isIdentity()) {
            return x;
        }
        int[] dims = input.dims();
        String wide = cast(g, x, "features.double", TensorProto.DataType.DOUBLE);
        String shift = g.doubles("features.shift", dims, n.shift());
        String scale = g.doubles("features.scale", dims, n.scale());
        String centred = g.fresh("features.centred");
        g.node("Sub", List.of(wide, shift), centred);
        String scaled = g.fresh("features.scaled");
        g.node("Div", List.of(centred, scale), scaled);
        return cast(g, scaled, "features.normalized", TensorProto.DataType.FLOAT);
    }

    /** {@code y = y' · scale + shift} in double, rounded to float, into {@code out}. */
    private static void denormalizeLabels(OnnxGraph g, String y, Shape output, Normalizer n,
            String out) {
        int[] dims = output.dims();
        String wide = cast(g, y, "labels.double", TensorProto.DataType.DOUBLE);
        String scale = g.doubles("labels.scale", dims, n.scale());
        String shift = g.doubles("labels.shift", dims, n.shift());
        String scaled = g.fresh("labels.scaled");
        g.node("Mul", List.of(wide, scale), scaled);
        String shifted = g.fresh("labels.shifted");
        g.node("Add", List.of(scaled, shift), shifted);
        g.node("Cast", List.of(shifted), out,
                OnnxGraph.Attr.i("to", TensorProto.DataType.FLOAT.getNumber()));
    }

    private static String cast(OnnxGraph g, String in, String hint, TensorProto.DataType to) {
        String out = g.fresh(hint);
        g.node("Cast", List.of(in), out, OnnxGraph.Attr.i("to", to.getNumber()));
        return out;
    }

    /** A float32 tensor value of shape {@code [N, ...shape]}, N symbolic (the batch). */
    private static ValueInfoProto value(String name, Shape shape) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (int d : shape.dims()) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(s)))
                .build();
    }

    private static void metadata(ModelProto.Builder m, String key, String value) {
        m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
    }
}
