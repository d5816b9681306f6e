package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.InMemoryJavac;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.compiler.gen.OnnxExporter;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.io.Json;
import dev.nnc.runtime.io.Weights;
import dev.nnc.runtime.model.TrainableModel;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model whose data block scales its input ({@code data { scale: 16 }}): a small CNN on 8×8
 * glyphs read from CSV ({@code input [1,8,8]}, 64 pixel columns 0..16 and a label), trained
 * briefly. Given the same raw pixels, the standalone class and {@code nnc serve} answer exactly
 * like {@code nnc predict}, and ONNX Runtime within 1e-5, on every test row: every form applies
 * the scale as part of the model.
 *
 * <p>The data is drawn here, deterministically: ten glyph templates of 14 lit pixels each, and
 * per sample the template with dimmed strokes and speckle noise.
 */
class ScaleStageDeployTest {
    static final double TOLERANCE = 1e-5;
    static final int CLASSES = 10;

    @TempDir
    static Path dir;

    static Path nn;
    static Path weights;
    static Path test;
    /** The test rows, raw (0..16), as the CSV file holds them. */
    static float[][] rows;
    /** {@code nnc predict}'s answer per test row: the class, then the probabilities. */
    static float[][] predicted;
    /** How many test rows {@code nnc predict} classifies right. */
    static int right;

    @BeforeAll
    static void trainAndPredict() throws IOException {
        Random rnd = new Random(15);
        boolean[][] templates = new boolean[CLASSES][64];
        for (boolean[] t : templates) {
            for (int lit = 0; lit < 14; ) {
                int p = rnd.nextInt(64);
                if (!t[p]) {
                    t[p] = true;
                    lit++;
                }
            }
        }
        Files.writeString(dir.resolve("train.csv"), glyphs(templates, 400, rnd));
        String testCsv = glyphs(templates, 120, rnd);
        test = dir.resolve("test.csv");
        Files.writeString(test, testCsv);
        nn = dir.resolve("digits.nn");
        Files.writeString(nn, String.join("\n",
                "model Digits {",
                "    input [1, 8, 8]",
                "    conv2d(4, 3) -> relu",
                "    maxpool(2)",
                "    flatten",
                "    dense(10) -> softmax",
                "    loss cross_entropy",
                "    optimizer sgd(lr: 0.1)",
                "    seed 1",
                "    data {",
                "        train: csv(\"train.csv\", label: \"label\")",
                "        test: csv(\"test.csv\", label: \"label\")",
                "        scale: 16",
                "    }",
                "    train { epochs: 4, batch: 16 }",
                "}", ""));
        weights = dir.resolve("digits.safetensors");
        DeployExamples.Run t = DeployExamples.nnc("train", nn.toString(), "--quiet", "--out",
                weights.toString());
        assertEquals(0, t.code(), t.all());

        List<String> lines = testCsv.lines().skip(1).toList();
        rows = new float[lines.size()][64];
        for (int i = 0; i < rows.length; i++) {
            String[] v = lines.get(i).split(",");
            for (int j = 0; j < 64; j++) {
                rows[i][j] = Float.parseFloat(v[j]);
            }
        }
        DeployExamples.Run p = DeployExamples.nnc("predict", nn.toString(), "-w",
                weights.toString(), "--input", test.toString());
        assertEquals(0, p.code(), p.all());
        List<String> out = p.out().lines().toList();
        assertEquals(rows.length + 1, out.size(), p.all());
        predicted = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            String[] v = out.get(i + 1).split(",");
            predicted[i] = new float[v.length];
            for (int j = 0; j < v.length; j++) {
                predicted[i][j] = Float.parseFloat(v[j]);
            }
        }
        right = 0;
        for (int i = 0; i < rows.length; i++) {
            right += predicted[i][0] == Float.parseFloat(lines.get(i).split(",")[64]) ? 1 : 0;
        }
        // The model has learned something, so that a dropped scale would show in its answers.
        assertTrue(right > rows.length / 2, "nnc predict: " + right + " of " + rows.length);
    }

    /** {@code n} rows of 64 pixels 0..16 and a label, with a header. */
    private static String glyphs(boolean[][] templates, int n, Random rnd) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < 64; j++) {
            sb.append('p').append(j).append(',');
        }
        sb.append("label\n");
        for (int i = 0; i < n; i++) {
            int label = i % CLASSES;
            for (int j = 0; j < 64; j++) {
                int v = templates[label][j] ? 16 - rnd.nextInt(9)
                        : rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(8) : 0;
                sb.append(v).append(',');
            }
            sb.append(label).append('\n');
        }
        return sb.toString();
    }

    @Test
    void standaloneClassTakesRawPixelsAndEqualsPredictBitForBit() throws Exception {
        try (DeployStandaloneTest.Loaded standalone = DeployStandaloneTest.standalone(nn,
                weights, dir, "Digits")) {
            Class<?> cls = standalone.type();
            Object model = cls.getDeclaredConstructor().newInstance();
            Method predict = cls.getMethod("predict", float[][].class);
            Method label = cls.getMethod("predictClass", float[].class);
            float[][] got = (float[][]) predict.invoke(model, (Object) rows);
            for (int i = 0; i < rows.length; i++) {
                assertEquals(predicted[i][0], (double) label.invoke(model, (Object) rows[i]),
                        "class of test row " + i);
                for (int j = 0; j < CLASSES; j++) {
                    sameBits(predicted[i][j + 1], got[i][j], "standalone", i, j);
                }
            }
        }
    }

    @Test
    void onnxRuntimeOnRawPixelsAgreesWithPredict() throws Exception {
        Path onnx = dir.resolve("digits.onnx");
        DeployExamples.Run r = DeployExamples.nnc("export", nn.toString(), "--weights",
                weights.toString(), "--onnx", onnx.toString());
        assertEquals(0, r.code(), r.all());
        double[][] raw = new double[rows.length][64];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < 64; j++) {
                raw[i][j] = rows[i][j];
            }
        }
        float[][] got = DeployOnnxTest.run(onnx, raw, new int[] {1, 8, 8});
        double worst = 0;
        for (int i = 0; i < rows.length; i++) {
            int best = 0;
            for (int j = 0; j < CLASSES; j++) {
                double want = predicted[i][j + 1];
                double diff = Math.abs(got[i][j] - want);
                double ref = Math.max(1, Math.abs(want));
                worst = Math.max(worst, diff / ref);
                if (!(diff <= TOLERANCE * ref)) {
                    fail("test row " + i + " output " + j + ": ONNX Runtime " + got[i][j]
                            + ", nnc predict " + want);
                }
                best = got[i][j] > got[i][best] ? j : best;
            }
            assertEquals(predicted[i][0], best, "class of test row " + i);
        }
        System.out.printf("scale: 16 digits: %d test rows, ONNX Runtime vs nnc predict: largest"
                + " difference %.2e%n", rows.length, worst);
    }

    @Test
    void serveTakesRawPixelsAndEqualsPredictBitForBit() throws Exception {
        try (ServeProcess serve = ServeProcess.start(nn, weights, dir.resolve("serve.err"))) {
            URI base = serve.base();
            List<double[]> body = new ArrayList<>();
            for (float[] row : rows) {
                double[] d = new double[row.length];
                for (int j = 0; j < row.length; j++) {
                    d[j] = row[j];
                }
                body.add(d);
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                    .build();
            HttpResponse<String> a = http.send(HttpRequest.newBuilder(base.resolve("/predict"))
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("rows", body))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, a.statusCode(), a.body());
            @SuppressWarnings("unchecked")
            Map<String, Object> json = (Map<String, Object>) Json.parse(a.body());
            @SuppressWarnings("unchecked")
            List<List<Object>> outputs = (List<List<Object>>) json.get("outputs");
            @SuppressWarnings("unchecked")
            List<Object> classes = (List<Object>) json.get("classes");
            assertEquals(rows.length, outputs.size());
            for (int i = 0; i < rows.length; i++) {
                assertEquals(predicted[i][0], ((Number) classes.get(i)).doubleValue(),
                        "class of test row " + i);
                for (int j = 0; j < CLASSES; j++) {
                    sameBits(predicted[i][j + 1], ((Number) outputs.get(i).get(j)).floatValue(),
                            "serve", i, j);
                }
            }
        }
    }

    @Test
    void summaryGraphAndTheExportShowTheStage() throws Exception {
        DeployExamples.Run s = DeployExamples.nnc("summary", nn.toString());
        assertEquals(0, s.code(), s.all());
        assertTrue(s.out().contains("preprocessing  x / 16\n"), s.out());
        DeployExamples.Run g = DeployExamples.nnc("graph", nn.toString(), "--format", "dot");
        assertEquals(0, g.code(), g.all());
        assertTrue(g.out().contains("label=\"preprocessing\\nx / 16\""), g.out());
        Path onnx = dir.resolve("meta.onnx");
        DeployExamples.Run r = DeployExamples.nnc("export", nn.toString(), "--weights",
                weights.toString(), "--onnx", onnx.toString());
        assertEquals(0, r.code(), r.all());
        ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        try (ai.onnxruntime.OrtSession o = env.createSession(onnx.toString(),
                new ai.onnxruntime.OrtSession.SessionOptions())) {
            Map<String, String> meta = o.getMetadata().getCustomMetadata();
            assertEquals("16.0", meta.get(Preprocessing.SCALE), meta.toString());
            assertEquals("none;cols=64", meta.get(Preprocessing.FEATURES), meta.toString());
            assertEquals("x / 16; classes 0, 1, 2, 3, 4, 5, 6, 7, 8, 9",
                    meta.get(OnnxExporter.PREPROCESSING), meta.toString());
        }
    }

    @Test
    void theReportStatesTheFittedStage() throws IOException {
        Path out = dir.resolve("report");
        DeployExamples.Run r = DeployExamples.nnc("report", nn.toString(), "-w",
                weights.toString(), "-o", out.toString());
        assertEquals(0, r.code(), r.all());
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("<p id=\"preprocessing\">preprocessing: x / 16; classes 0, 1,"
                + " 2, 3, 4, 5, 6, 7, 8, 9</p>"), html);
        // Its confusion matrix runs the predictor on the raw test data: predict's accuracy.
        String acc = String.format(java.util.Locale.ROOT, "accuracy %.3f",
                right / (double) rows.length);
        assertTrue(html.contains(acc), acc + "\n" + html);
    }

    /** Every command that reads weights, with the weights {@code w}; each must fail cleanly. */
    private static List<DeployExamples.Run> everyCommand(Path w) {
        String f = nn.toString();
        String ws = w.toString();
        return List.of(
                DeployExamples.nnc("eval", f, "-w", ws),
                DeployExamples.nnc("predict", f, "-w", ws, "--input", test.toString()),
                DeployExamples.nnc("params", f, "-w", ws),
                DeployExamples.nnc("export", f, "-w", ws, "--onnx",
                        dir.resolve("bad.onnx").toString()),
                DeployExamples.nnc("compile", f, "--standalone", "-w", ws, "-d",
                        dir.resolve("bad-src").toString()),
                DeployExamples.nnc("report", f, "-w", ws, "-o", dir.resolve("bad-report")
                        .toString()));
    }

    /** {@code meta} saved as the metadata of the digits model's weights (random parameters). */
    private static Path weightsWith(String name, Map<String, String> meta) {
        Compilation c = NnCompiler.compile(nn, NnCompiler.Options.defaults());
        TrainableModel m = InMemoryJavac.load(c);
        Path w = dir.resolve(name);
        Weights.save(m, w, meta);
        return w;
    }

    @Test
    void anOversizedNormalizerIsAClearErrorInEveryCommand() throws IOException {
        Path w = weightsWith("huge.safetensors", Map.of(Preprocessing.SCALE, "16.0",
                Preprocessing.FEATURES, "none;cols=2000000000",
                Preprocessing.LABELS, "none;cols=10"));
        for (DeployExamples.Run r : everyCommand(w)) {
            assertEquals(1, r.code(), r.all());
            assertTrue(r.err().contains("nnc.norm.features: bad normalizer"
                    + " 'none;cols=2000000000': 2000000000 columns, expected 64 (the model has 64"
                    + " inputs)"), r.all());
            assertFalse(r.all().contains("Exception") || r.all().contains("Error:"), r.all());
        }
        assertFalse(Files.exists(dir.resolve("bad.onnx")));
    }

    @Test
    void weightsWithoutTheScaleOfAScaledModelAreRefusedByEveryCommand() {
        Path w = weightsWith("old.safetensors", Map.of(Preprocessing.FEATURES, "none;cols=64",
                Preprocessing.LABELS, "none;cols=10"));
        for (DeployExamples.Run r : everyCommand(w)) {
            assertEquals(1, r.code(), r.all());
            assertTrue(r.err().contains("no nnc.norm.scale entry, but model Digits scales its"
                    + " input (scale: 16)"), r.all());
        }
        assertFalse(Files.exists(dir.resolve("bad.onnx")));
    }

    private static void sameBits(float want, float got, String form, int row, int j) {
        if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(got)) {
            fail("test row " + row + " output " + j + ": " + form + " " + got + ", nnc predict "
                    + want);
        }
    }
}
