package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.InMemoryJavac;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.compiler.gen.OnnxExporter;
import dev.nnc.compiler.gen.StandaloneGenerator;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import java.lang.reflect.Method;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The recurrent layers as deployed, in every cell and output mode, with random weights: the ONNX
 * export (one RNN/LSTM/GRU node; the GRU with linear_before_reset = 1) under ONNX Runtime and the
 * standalone class (the steps inlined) agree with the generated model's predictions within 1e-5.
 */
class RecurrentDeployTest {
    static final double TOLERANCE = 1e-5;

    @TempDir
    static Path dir;

    static Stream<String> layers() {
        return Stream.of("rnn(6)\n dense(3) -> softmax",
                "lstm(9)\n dense(3) -> softmax",
                "gru(9)\n dense(3) -> softmax",
                "lstm(5, sequence: true)\n dense(2) -> sigmoid",
                "gru(4, sequence: true, bidirectional: true)\n dense(3) -> softmax",
                "rnn(3, sequence: true, bidirectional: true)\n lstm(4, bidirectional: true)\n"
                        + " dense(3) -> softmax",
                "gru(3, bias: false)\n dense(3) -> softmax");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void onnxRuntimeAndTheStandaloneClassAgreeWithPredict(String layers) throws Exception {
        String loss = layers.contains("sigmoid") ? "bce" : "cross_entropy";
        Path nn = Files.createTempFile(dir, "rec", ".nn");
        Files.writeString(nn, "model Rec {\n input [7, 4]\n " + layers + "\n loss " + loss
                + "\n optimizer adam(lr: 0.01)\n seed 3\n}\n");
        Compilation c = NnCompiler.compile(nn, NnCompiler.Options.defaults());
        assertTrue(!c.hasErrors(), c.renderDiagnostics());
        TrainableModel m = InMemoryJavac.load(c);
        m.initParams(new Rng(4));
        int n = 20;
        float[] x = new float[n * m.inputSize()];
        Rng rng = new Rng(8);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * rng.nextDouble() - 1);
        }
        float[] expected = new float[n * m.outputSize()];
        m.predict(x, n, expected);
        Preprocessing prep = Preprocessing.identity(m.inputSize(), m.outputSize());

        Path onnx = dir.resolve(nn.getFileName() + ".onnx");
        Files.write(onnx, OnnxExporter.export(c.model(), m.params(), prep, "test").toByteArray());
        compare("ONNX Runtime", expected, onnx(onnx, x, n, m.inputShape()), layers);

        String source = StandaloneGenerator.generate(c.model(), m.params(), prep, "w")
                .toString();
        InMemoryJavac.Result r = InMemoryJavac.compile(c.className(), source);
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
        Class<?> cls = InMemoryJavac.define(c.className(), r.classes());
        Object standalone = cls.getDeclaredConstructor().newInstance();
        Method predict = cls.getMethod("predict", float[].class, int.class, float[].class);
        float[] got = new float[expected.length];
        predict.invoke(standalone, x, n, got);
        compare("the standalone class", expected, got, layers);
    }

    private static void compare(String what, float[] expected, float[] got, String layers) {
        assertEquals(expected.length, got.length, what);
        for (int i = 0; i < got.length; i++) {
            double allowed = TOLERANCE * Math.max(1, Math.abs(expected[i]));
            assertEquals(expected[i], got[i], allowed, what + ", value " + i + " of\n" + layers);
        }
    }

    private static float[] onnx(Path onnx, float[] x, int n, int[] inputShape)
            throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = new long[inputShape.length + 1];
        shape[0] = n;
        for (int d = 0; d < inputShape.length; d++) {
            shape[d + 1] = inputShape[d];
        }
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
                OrtSession s = env.createSession(onnx.toString(), opts);
                OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                OrtSession.Result result = s.run(Map.of(OnnxExporter.INPUT, t))) {
            FloatBuffer b = ((OnnxTensor) result.get(OnnxExporter.OUTPUT).orElseThrow())
                    .getFloatBuffer();
            float[] out = new float[b.remaining()];
            b.get(out);
            return out;
        }
    }
}
