package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nnc.runtime.data.CsvReader;
import dev.nnc.runtime.data.CsvTable;
import dev.nnc.runtime.data.OneHot;
import dev.nnc.runtime.data.Symbols;
import dev.nnc.runtime.io.Json;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.predict.Prediction;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code nnc serve}: the server of every example (in process, on a free loopback port) answers
 * its raw input rows with {@code nnc predict}'s outputs bit for bit, and with its class labels.
 * Image examples ({@code scale: 255}) get pixels 0..255: the server applies the saved
 * preprocessing stage itself.
 */
class DeployServeExamplesTest {
    /** Rows per request: the examples' 1,200 rows in a few requests. */
    private static final int CHUNK = 300;

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10)).build();

    static Stream<DeployExamples.Trained> examples() {
        return DeployExamples.trained().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    @SuppressWarnings("unchecked") // the JSON answer of serve
    void serveEqualsPredictBitForBit(DeployExamples.Trained e) throws Exception {
        TrainedModelArgs args = new TrainedModelArgs();
        args.file = e.file();
        args.weights = e.weights();
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true,
                StandardCharsets.UTF_8);
        TrainedModelArgs.Loaded loaded = args.load(new Io(quiet, quiet, Map.of(), false));
        double[][] rows = e.inputs();
        double[][] expected = e.predictor().predict(rows);
        ModelSpec.Loss loss = e.predictor().model().spec().loss();
        int k = e.predictor().model().outputSize();
        boolean classifier = loss == ModelSpec.Loss.CROSS_ENTROPY && k > 1
                || loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY && k == 1;
        List<Prediction> preds = classifier ? e.predictor().classify(rows) : null;

        ModelServer server = ServeCommand.server(loaded, "127.0.0.1", 0, 2);
        server.start();
        try {
            for (int from = 0; from < rows.length; from += CHUNK) {
                int to = Math.min(rows.length, from + CHUNK);
                StringBuilder body = new StringBuilder("{\"rows\": [");
                OneHot hot = e.predictor().preprocessing().oneHot();
                for (int i = from; i < to; i++) {
                    body.append(i == from ? "[" : ", [");
                    if (hot != null) {
                        body.append(rawRow(hot, rows[i])).append(']');
                        continue;
                    }
                    for (int j = 0; j < rows[i].length; j++) {
                        // a missing value (NaN in the rows) is null in a request
                        double v = rows[i][j];
                        body.append(j == 0 ? "" : ", ")
                                .append(Double.isNaN(v) ? "null" : Float.toString((float) v));
                    }
                    body.append(']');
                }
                body.append("]}");
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + server.port() + "/predict"))
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), e.name() + ": " + r.body());
                Map<String, Object> answer = (Map<String, Object>) Json.parse(r.body());
                List<List<Number>> outs = (List<List<Number>>) answer.get("outputs");
                List<Object> classes = (List<Object>) answer.get("classes");
                ClassLabels names = e.predictor().preprocessing().classes();
                for (int i = from; i < to; i++) {
                    List<Number> got = outs.get(i - from);
                    assertEquals(expected[i].length, got.size(), e.name() + ": row " + i);
                    for (int j = 0; j < got.size(); j++) {
                        float want = (float) expected[i][j];
                        float g = got.get(j).floatValue();
                        if (Float.floatToRawIntBits(g) != Float.floatToRawIntBits(want)) {
                            fail(e.name() + ": input " + i + " output " + j + ": serve " + g
                                    + ", nnc predict " + want);
                        }
                    }
                    if (classifier && classes.get(i - from) instanceof String name) {
                        assertEquals(names.name(preds.get(i).index()), name,
                                e.name() + ": class of input " + i);
                    } else if (classifier) {
                        assertEquals(preds.get(i).label(),
                                ((Number) classes.get(i - from)).doubleValue(),
                                e.name() + ": class of input " + i);
                    }
                }
            }
            Symbols symbols = e.predictor().preprocessing().symbols();
            if (symbols != null) {
                textsEqualPredict(e, server, symbols);
            }
        } finally {
            server.stop(0);
        }
    }

    /**
     * A model that reads texts as symbols takes a row as its text too: the server answers the
     * training file's first texts and texts with symbols it never saw with the outputs of
     * {@code nnc predict}'s encoding of them, bit for bit.
     */
    @SuppressWarnings("unchecked") // the JSON answer of serve
    private void textsEqualPredict(DeployExamples.Trained e, ModelServer server, Symbols symbols)
            throws Exception {
        var src = (DataSource.Csv) e.predictor().model().spec().data().train();
        CsvTable t = CsvReader.readAny(Models.resolve(e.compilation(), src.path()));
        int col = t.indexOf(src.symbols());
        int steps = e.predictor().inputSize();
        List<String> texts = new ArrayList<>();
        for (int r = 0; r < Math.min(CHUNK, t.rowCount()); r++) {
            texts.add(t.text(r, col));
        }
        texts.addAll(List.of("", "\u00e6\u00f8\u00e5", "\uD83D\uDE00x", "q".repeat(steps)));
        double[][] codes = new double[texts.size()][];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = symbols.encode(texts.get(i), steps, "");
        }
        double[][] expected = e.predictor().predict(codes);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + server.port() + "/predict"))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("rows", texts))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), e.name() + ": " + r.body());
        List<List<Number>> outs = (List<List<Number>>) ((Map<String, Object>) Json.parse(
                r.body())).get("outputs");
        assertEquals(texts.size(), outs.size());
        for (int i = 0; i < texts.size(); i++) {
            for (int j = 0; j < expected[i].length; j++) {
                float want = (float) expected[i][j];
                float g = outs.get(i).get(j).floatValue();
                if (Float.floatToRawIntBits(g) != Float.floatToRawIntBits(want)) {
                    fail(e.name() + ": text '" + texts.get(i) + "' output " + j + ": serve " + g
                            + ", nnc predict " + want);
                }
            }
        }
    }

    /**
     * The raw JSON row (a categorical column's value as its category's name) of the encoded row
     * {@code x}, whose categorical inputs are one-hot.
     */
    static String rawRow(OneHot hot, double[] x) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < hot.columns().size(); j++) {
            sb.append(j == 0 ? "" : ", ");
            int at = hot.offset(j);
            if (!hot.isCategorical(j)) {
                sb.append(Double.isNaN(x[at]) ? "null" : Float.toString((float) x[at]));
                continue;
            }
            int k = 0;
            while (x[at + k] != 1) {
                k++;
            }
            sb.append(Json.write(hot.categories(j).get(k)));
        }
        return sb.toString();
    }
}
