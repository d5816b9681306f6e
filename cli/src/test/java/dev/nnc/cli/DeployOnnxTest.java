package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.nnc.compiler.gen.OnnxExporter;
import dev.nnc.compiler.ir.LayerIR;
import dev.nnc.compiler.ir.ModelIR;
import dev.nnc.compiler.onnx.OnnxExportException;
import dev.nnc.compiler.ops.Args;
import dev.nnc.compiler.ops.EmitSite;
import dev.nnc.compiler.ops.LayerKind;
import dev.nnc.compiler.ops.Shape;
import dev.nnc.runtime.data.Preprocessing;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code nnc export --onnx}: ONNX Runtime loads the export of every example model and its outputs
 * agree with {@code nnc predict} (the {@link dev.nnc.runtime.predict.Predictor}) on every input,
 * within 1e-5 relative to the larger of the value, 1 and the labels' de-normalization scale (the unit
 * the network computes in). The export is checked by running it, not by reading its graph.
 */
class DeployOnnxTest {
    static final double TOLERANCE = 1e-5;

    @TempDir
    static Path dir;

    static Stream<DeployExamples.Trained> examples() {
        return DeployExamples.trained().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void onnxRuntimeAgreesWithPredict(DeployExamples.Trained e) throws OrtException {
        Path onnx = dir.resolve(e.name().replace('/', '_') + ".onnx");
        DeployExamples.Run r = DeployExamples.nnc("export", e.file().toString(), "--weights",
                e.weights().toString(), "--onnx", onnx.toString());
        assertEquals(0, r.code(), r.all());
        assertEquals(onnx.toString(), r.out().strip(), r.all());
        assertTrue(Files.isRegularFile(onnx));

        double[][] rows = e.inputs();
        assertTrue(rows.length >= 100, e.name() + ": " + rows.length + " inputs");
        double[][] expected = e.predictor().predict(rows);
        float[][] got = run(onnx, rows, e.predictor().inputShape());
        assertEquals(rows.length, got.length);
        // The network computes in its normalized units: float rounding there is relative to 1,
        // and de-normalizing multiplies it by the labels' scale (sunspots: about 200).
        var labels = e.predictor().preprocessing().labels();
        double unit = labels.isIdentity() ? 1
                : java.util.Arrays.stream(labels.scale()).map(Math::abs).max().orElse(1);
        double worst = 0;
        for (int i = 0; i < rows.length; i++) {
            assertEquals(expected[i].length, got[i].length);
            for (int j = 0; j < got[i].length; j++) {
                double diff = Math.abs(got[i][j] - expected[i][j]);
                double ref = Math.max(Math.max(1, unit), Math.abs(expected[i][j]));
                double allowed = TOLERANCE * ref;
                worst = Math.max(worst, diff / ref);
                if (!(diff <= allowed)) {
                    fail(e.name() + ": input " + i + " " + java.util.Arrays.toString(rows[i])
                            + " output " + j + ": ONNX Runtime " + got[i][j] + ", nnc predict "
                            + expected[i][j]);
                }
            }
        }
        System.out.printf("%s: %d inputs, largest difference %.2e%n", e.name(), rows.length,
                worst);
    }

    /** Runs the ONNX model on {@code rows} with ONNX Runtime (one batch). */
    static float[][] run(Path onnx, double[][] rows, int[] inputShape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int in = rows[0].length;
        float[] flat = new float[rows.length * in];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < in; j++) {
                flat[i * in + j] = (float) rows[i][j];
            }
        }
        long[] shape = new long[inputShape.length + 1];
        shape[0] = rows.length;
        for (int d = 0; d < inputShape.length; d++) {
            shape[d + 1] = inputShape[d];
        }
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
                OrtSession s = env.createSession(onnx.toString(), opts);
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(flat), shape);
                OrtSession.Result result = s.run(Map.of(OnnxExporter.INPUT, x))) {
            Object out = result.get(OnnxExporter.OUTPUT).orElseThrow().getValue();
            Object[] samples = (Object[]) out;
            float[][] flat2 = new float[samples.length][];
            for (int i = 0; i < samples.length; i++) {
                List<Float> values = new ArrayList<>();
                flatten(samples[i], values);
                flat2[i] = new float[values.size()];
                for (int j = 0; j < values.size(); j++) {
                    flat2[i][j] = values.get(j);
                }
            }
            return flat2;
        }
    }

    /** The values of a sample of any rank ([K], or [T,K] for a sequence output), row-major. */
    private static void flatten(Object a, List<Float> into) {
        if (a instanceof float[] f) {
            for (float v : f) {
                into.add(v);
            }
        } else {
            for (Object o : (Object[]) a) {
                flatten(o, into);
            }
        }
    }

    @Test
    void theExportCarriesTheClassLabelsAndNormalizersAsMetadata() throws OrtException {
        DeployExamples.Trained e = DeployExamples.trained().stream()
                .filter(t -> t.name().endsWith("softmax.nn")).findFirst().orElseThrow();
        Path onnx = dir.resolve("meta.onnx");
        DeployExamples.Run r = DeployExamples.nnc("export", e.file().toString(), "-w",
                e.weights().toString(), "--onnx", onnx.toString());
        assertEquals(0, r.code(), r.all());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(onnx.toString(), new OrtSession.SessionOptions())) {
            Map<String, String> meta = s.getMetadata().getCustomMetadata();
            assertEquals("1,2,3", meta.get(Preprocessing.CLASSES), meta.toString());
            assertTrue(meta.get(Preprocessing.FEATURES).startsWith("minmax;"), meta.toString());
            assertEquals("nnc", s.getMetadata().getProducerName());
        }
    }

    @Test
    void aLayerKindWithoutAnOnnxMappingIsAnErrorNamingIt() {
        DeployExamples.Trained e = DeployExamples.trained().get(0);
        ModelIR m = e.compilation().model();
        LayerKind noMapping = new LayerKind() {
            @Override
            public String name() {
                return "mystery";
            }

            @Override
            public String description() {
                return "a layer kind without an ONNX mapping";
            }

            @Override
            public List<dev.nnc.compiler.ops.ArgSpec> args() {
                return List.of();
            }

            @Override
            public Shape outputShape(Shape in, Args args, ShapeErrors errors) {
                return in;
            }

            @Override
            public long flops(Shape in, Shape out, Args args) {
                return 0;
            }

            @Override
            public void emitForward(EmitSite s) {
            }

            @Override
            public void emitBackward(EmitSite s) {
            }
        };
        List<LayerIR> layers = new ArrayList<>(m.layers());
        LayerIR l0 = layers.get(0);
        layers.set(0, new LayerIR(l0.index(), "mystery1", noMapping, l0.args(), l0.in(), l0.out(),
                l0.params(), l0.flops(), l0.span()));
        ModelIR bad = new ModelIR(m.name(), m.javaPackage(), m.className(), m.input(), layers,
                m.paramCount(), m.loss(), m.spec(), m.archHash(), m.architecture(), m.source());
        OnnxExportException ex = org.junit.jupiter.api.Assertions.assertThrows(
                OnnxExportException.class, () -> OnnxExporter.export(bad,
                        e.predictor().model().params(), e.predictor().preprocessing(), "test"));
        assertTrue(ex.getMessage().contains("layer mystery1"), ex.getMessage());
        assertTrue(ex.getMessage().contains("'mystery'"), ex.getMessage());
        assertTrue(ex.getMessage().contains(l0.span().toString()), ex.getMessage());
    }

    @Test
    void exportWithoutWeightsIsAClearError(@TempDir Path tmp) {
        Path file = DeployExamples.files().get(0);
        DeployExamples.Run r = DeployExamples.nnc("export", file.toString(), "-w",
                tmp.resolve("none.safetensors").toString(), "--onnx",
                tmp.resolve("x.onnx").toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("no such weights file"), r.all());
        assertTrue(Files.notExists(tmp.resolve("x.onnx")));
    }

    @Test
    void exportNeedsTheOnnxOption() {
        DeployExamples.Run r = DeployExamples.nnc("export", DeployExamples.files().get(0)
                .toString());
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("--output"), r.all());
    }
}
