package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.InMemoryJavac;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.runtime.io.Json;
import dev.nnc.runtime.predict.Prediction;
import dev.nnc.runtime.predict.Predictor;
import dev.nnc.runtime.data.OneHot;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.io.Weights;
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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table as it comes: an id column and a free-text note (ignored), three number columns with
 * missing values (written empty, {@code NA} or {@code ?}; filled with the median, a constant and
 * the mean of the training data), incomes with thousands separators in quotes, a categorical
 * column (the habitat, text, one-hot with an {@code (other)} input for a habitat the training
 * file lacks, a missing one filled with the most frequent), and text class labels. Given the
 * same raw rows with the same values missing, the model class, the standalone class and
 * {@code nnc serve} answer exactly like {@code nnc predict}, and ONNX Runtime within 1e-5; every
 * form names the classes as the data does. The forms that take raw rows ({@code nnc predict},
 * {@code nnc serve} with text values) encode the habitat with the saved stage; the model class,
 * the standalone class and ONNX take the rows encoded by the runtime's {@link OneHot}, the one
 * definition of the encoding. The data is drawn here, deterministically.
 */
class TableStageDeployTest {
    static final double TOLERANCE = 1e-5;
    static final List<String> KINDS = List.of("heron", "owl", "wren");
    /** The habitats of the training file; the test file also has one it lacks, "marsh". */
    static final List<String> HABITATS = List.of("field", "forest", "lake", "reed");
    /** The model's inputs: a, four habitats and (other), b, income. */
    static final int INPUTS = 8;

    @TempDir
    static Path dir;

    static Path nn;
    static Path weights;
    static Path test;
    /** The test rows' raw features (a, habitat, b, income); null where missing. */
    static Object[][] raw;
    /** The test rows encoded by the saved stage's one-hot step; NaN where a number is missing. */
    static double[][] rows;
    /** The test rows' classes. */
    static List<String> truth;
    /** {@code nnc predict}'s class name per test row. */
    static List<String> predictedClass;
    /** {@code nnc predict}'s probabilities per test row. */
    static float[][] predicted;

    @BeforeAll
    static void trainAndPredict() throws IOException {
        Random rnd = new Random(18);
        Files.writeString(dir.resolve("birds.csv"), table(600, rnd, null));
        List<Object[]> testRows = new ArrayList<>();
        String testCsv = table(150, rnd, testRows);
        test = dir.resolve("birds-test.csv");
        Files.writeString(test, testCsv);
        raw = testRows.toArray(new Object[0][]);
        truth = testCsv.lines().skip(1).map(l -> l.substring(l.lastIndexOf(',') + 1)).toList();
        nn = dir.resolve("birds.nn");
        Files.writeString(nn, String.join("\n",
                "model Birds {",
                "    input [" + INPUTS + "]",
                "    dense(8) -> tanh",
                "    dense(3) -> softmax",
                "    loss cross_entropy",
                "    optimizer adam(lr: 0.02)",
                "    seed 3",
                "    data {",
                "        train: csv(\"birds.csv\", label: \"kind\", ignore: [\"id\", \"note\"])",
                "        test: csv(\"birds-test.csv\", label: \"kind\", ignore: [\"id\", \"note\"])",
                "        categorical: \"habitat\"",
                "        unseen: other",
                "        missing: [median(\"a\"), fill(-1, \"b\"), mode(\"habitat\"), mean]",
                "        normalize: zscore",
                "    }",
                "    train { epochs: 20, batch: 16 }",
                "}", ""));
        weights = dir.resolve("birds.safetensors");
        DeployExamples.Run t = DeployExamples.nnc("train", nn.toString(), "--quiet", "--out",
                weights.toString());
        assertEquals(0, t.code(), t.all());
        OneHot hot = Preprocessing.fromMetadata(Weights.load(InMemoryJavac.load(NnCompiler.compile(
                nn, NnCompiler.Options.defaults())), weights)).oneHot();
        assertEquals(List.of("a", "habitat=field", "habitat=forest", "habitat=lake",
                "habitat=reed", "habitat=(other)", "b", "income"), hot.inputNames());
        rows = new double[raw.length][];
        for (int i = 0; i < raw.length; i++) {
            rows[i] = hot.encode(raw[i]);
        }
        DeployExamples.Run p = DeployExamples.nnc("predict", nn.toString(), "-w",
                weights.toString(), "--input", test.toString());
        assertEquals(0, p.code(), p.all());
        List<String> out = p.out().lines().toList();
        assertEquals("class,p_heron,p_owl,p_wren", out.get(0));
        assertEquals(rows.length + 1, out.size(), p.all());
        predictedClass = new ArrayList<>();
        predicted = new float[rows.length][3];
        int right = 0;
        for (int i = 0; i < rows.length; i++) {
            String[] v = out.get(i + 1).split(",");
            predictedClass.add(v[0]);
            for (int j = 0; j < 3; j++) {
                predicted[i][j] = Float.parseFloat(v[j + 1]);
            }
            right += v[0].equals(truth.get(i)) ? 1 : 0;
        }
        // The model has learned the classes, so that a dropped fill would show in its answers.
        assertTrue(right > rows.length * 0.8, "nnc predict: " + right + " of " + rows.length);
    }

    /**
     * {@code n} rows {@code id,a,habitat,b,income,note,kind}: a, the habitat, b and income depend
     * on the kind; about one value in eight is missing. The raw features as the forms take them
     * go to {@code features} (a test file, which also has the habitat "marsh" now and then).
     */
    private static String table(int n, Random rnd, List<Object[]> features) {
        StringBuilder sb = new StringBuilder("id,a,habitat,b,income,note,kind\n");
        String[] missing = {"", "NA", "?"};
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(3);
            double a = Math.round((1 + 2 * k + rnd.nextGaussian() * 0.5) * 100) / 100.0;
            double b = Math.round((3 - k + rnd.nextGaussian() * 0.5) * 100) / 100.0;
            long income = Math.round(40000 + 15000 * ((k * 2) % 3) + rnd.nextGaussian() * 4000);
            String habitat = features != null && rnd.nextInt(10) == 0 ? "marsh"
                    : HABITATS.get(rnd.nextInt(3) == 0 ? rnd.nextInt(4) : k + 1);
            Object[] f = {a, habitat, b, (double) income};
            String[] text = {Double.toString(a), habitat, Double.toString(b),
                    "\"" + String.format(Locale.ROOT, "%,d", income) + "\""};
            for (int j = 0; j < 4; j++) {
                if (rnd.nextInt(8) == 0) {
                    f[j] = null;
                    text[j] = missing[rnd.nextInt(missing.length)];
                }
            }
            sb.append(i).append(',').append(String.join(",", text))
                    .append(",\"seen near the lake, \"\"twice\"\"\",").append(KINDS.get(k))
                    .append('\n');
            if (features != null) {
                features.add(f);
            }
        }
        return sb.toString();
    }

    /** The rows as floats. */
    static float[][] floats(double[][] d) {
        float[][] f = new float[d.length][];
        for (int i = 0; i < d.length; i++) {
            f[i] = new float[d[i].length];
            for (int j = 0; j < d[i].length; j++) {
                f[i][j] = (float) d[i][j];
            }
        }
        return f;
    }

    @Test
    void theModelClassWithItsSavedStageEqualsPredictBitForBit() {
        Compilation c = NnCompiler.compile(nn, NnCompiler.Options.defaults());
        TrainableModel m = InMemoryJavac.load(c);
        Map<String, String> meta = Weights.load(m, weights);
        assertTrue(meta.containsKey(Preprocessing.FILL), meta.toString());
        Predictor p = new Predictor(m, Preprocessing.fromMetadata(meta, m));
        List<Prediction> got = p.classify(rows);
        for (int i = 0; i < rows.length; i++) {
            assertEquals(predictedClass.get(i), p.preprocessing().classes().name(
                    got.get(i).index()), "class of test row " + i);
            double[] probs = got.get(i).probabilities();
            for (int j = 0; j < 3; j++) {
                sameBits(predicted[i][j], (float) probs[j], "model class", i, j);
            }
        }
    }

    @Test
    void standaloneClassFillsMissingInputsAndEqualsPredictBitForBit() throws Exception {
        try (DeployStandaloneTest.Loaded standalone = DeployStandaloneTest.standalone(nn,
                weights, dir, "Birds")) {
            Class<?> cls = standalone.type();
            Object model = cls.getDeclaredConstructor().newInstance();
            Method predict = cls.getMethod("predict", float[][].class);
            Method name = cls.getMethod("predictClassName", float[].class);
            assertArrayEquals(KINDS.toArray(), (String[]) cls.getMethod("classNames")
                    .invoke(null));
            float[][] x = floats(rows);
            float[][] got = (float[][]) predict.invoke(model, (Object) x);
            for (int i = 0; i < rows.length; i++) {
                assertEquals(predictedClass.get(i), name.invoke(model, (Object) x[i]),
                        "class of test row " + i);
                for (int j = 0; j < 3; j++) {
                    sameBits(predicted[i][j], got[i][j], "standalone", i, j);
                }
            }
        }
    }

    @Test
    void onnxRuntimeFillsMissingInputsAndAgreesWithPredict() throws Exception {
        Path onnx = dir.resolve("birds.onnx");
        DeployExamples.Run r = DeployExamples.nnc("export", nn.toString(), "--weights",
                weights.toString(), "--onnx", onnx.toString());
        assertEquals(0, r.code(), r.all());
        float[][] got = DeployOnnxTest.run(onnx, rows, new int[] {INPUTS});
        double worst = 0;
        for (int i = 0; i < rows.length; i++) {
            int best = 0;
            for (int j = 0; j < 3; j++) {
                double want = predicted[i][j];
                double diff = Math.abs(got[i][j] - want);
                worst = Math.max(worst, diff);
                if (!(diff <= TOLERANCE)) {
                    fail("test row " + i + " output " + j + ": ONNX Runtime " + got[i][j]
                            + ", nnc predict " + want + " (row " + Arrays.toString(rows[i])
                            + ")");
                }
                best = got[i][j] > got[i][best] ? j : best;
            }
            assertEquals(predictedClass.get(i), KINDS.get(best), "class of test row " + i);
        }
        ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        try (ai.onnxruntime.OrtSession o = env.createSession(onnx.toString(),
                new ai.onnxruntime.OrtSession.SessionOptions())) {
            Map<String, String> meta = o.getMetadata().getCustomMetadata();
            assertEquals("\"heron\",\"owl\",\"wren\"", meta.get(Preprocessing.CLASSES));
            assertTrue(meta.containsKey(Preprocessing.FILL), meta.toString());
            assertEquals(OneHot.decode(Weights.load(InMemoryJavac.load(NnCompiler.compile(nn,
                    NnCompiler.Options.defaults())), weights).get(Preprocessing.ONE_HOT)),
                    OneHot.decode(meta.get(Preprocessing.ONE_HOT)));
        }
        System.out.printf("missing values filled: %d test rows, ONNX Runtime vs nnc predict: "
                + "largest difference %.2e%n", rows.length, worst);
    }

    @Test
    void serveTakesTextCategoriesAndNullForAMissingValueAndEqualsPredictBitForBit()
            throws Exception {
        try (ServeProcess serve = ServeProcess.start(nn, weights, dir.resolve("serve.err"))) {
            URI base = serve.base();
            StringBuilder body = new StringBuilder("{\"rows\":[");
            for (int i = 0; i < raw.length; i++) {
                body.append(i == 0 ? "[" : ",[");
                for (int j = 0; j < raw[i].length; j++) {
                    body.append(j == 0 ? "" : ",").append(raw[i][j] == null ? "null"
                            : Json.write(raw[i][j]));
                }
                body.append(']');
            }
            body.append("]}");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                    .build();
            HttpResponse<String> a = http.send(HttpRequest.newBuilder(base.resolve("/predict"))
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
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
                assertEquals(predictedClass.get(i), classes.get(i), "class of test row " + i);
                for (int j = 0; j < 3; j++) {
                    sameBits(predicted[i][j], ((Number) outputs.get(i).get(j)).floatValue(),
                            "serve", i, j);
                }
            }
            HttpResponse<String> info = http.send(HttpRequest.newBuilder(base.resolve("/model"))
                    .timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(info.body().contains("\"classes\":[\"heron\",\"owl\",\"wren\"]"),
                    info.body());
            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(base.resolve("/predict"))
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("[[1, \"lake\", \"x\", 2]]"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, bad.statusCode(), bad.body());
            assertTrue(bad.body().contains("row 1, column 3: not a number"), bad.body());
        }
    }

    @Test
    void summaryAndEvalShowTheStageAndTheTestFigure() {
        DeployExamples.Run s = DeployExamples.nnc("summary", nn.toString());
        assertEquals(0, s.code(), s.all());
        assertTrue(s.out().contains("ignore: id, note"), s.out());
        assertTrue(s.out().contains("missing: [median(\"a\"), fill(-1, \"b\"), "
                + "mode(\"habitat\"), mean]"), s.out());
        assertTrue(s.out().contains("categorical: \"habitat\", unseen: other"), s.out());
        DeployExamples.Run e = DeployExamples.nnc("eval", nn.toString(), "-w",
                weights.toString());
        assertEquals(0, e.code(), e.all());
        assertTrue(e.out().contains("accuracy"), e.out());
        DeployExamples.Run j = DeployExamples.nnc("predict", nn.toString(), "-w",
                weights.toString(), "--input", test.toString(), "--json");
        assertEquals(0, j.code(), j.all());
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(j.out());
        assertEquals(List.of("class", "p_heron", "p_owl", "p_wren"), json.get("columns"));
        @SuppressWarnings("unchecked")
        List<List<Object>> p = (List<List<Object>>) json.get("predictions");
        assertEquals(predictedClass.get(0), p.get(0).get(0));
    }

    private static void sameBits(float want, float got, String form, int row, int j) {
        if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(got)) {
            fail("test row " + row + " output " + j + ": " + form + " " + got + ", nnc predict "
                    + want + " (row " + Arrays.toString(raw[row]) + ")");
        }
    }
}
