package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.io.Json;
import dev.nnc.runtime.predict.Prediction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code nnc serve} end to end: a real {@code nnc} process serving the rings classifier on a free
 * loopback port, good and bad requests, 8 concurrent clients × 1000 requests each checked against
 * {@code nnc predict}, and a clean stop on SIGTERM. Every wait is bounded.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployServeTest {
    static final int CLIENTS = 8;
    static final int REQUESTS = 1000;

    static DeployExamples.Trained rings;
    static Process server;
    static URI base;
    static Path stderr;
    static HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .build();

    @BeforeAll
    static void start() throws Exception {
        stderr = Files.createTempFile("nnc-serve", ".err");
        rings = DeployExamples.trained().stream()
                .filter(t -> t.name().endsWith("/rings.nn")).findFirst().orElseThrow();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path"));
        server = new ProcessBuilder(java, "-Dnnc.cache=off", "-cp", cp, "dev.nnc.cli.Main", "serve",
                rings.file().toString(), "--weights", rings.weights().toString(),
                "--port", "0", "--threads", "4")
                .redirectError(stderr.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(60, TimeUnit.SECONDS);
        Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)").matcher(String.valueOf(line));
        assertTrue(m.find(), "first line: " + line + "\nstderr: " + Files.readString(stderr));
        base = URI.create("http://127.0.0.1:" + m.group(1));
    }

    @AfterAll
    static void stop() {
        if (server != null && server.isAlive()) {
            server.destroyForcibly();
        }
    }

    record Answer(int status, String body) {
        @SuppressWarnings("unchecked")
        Map<String, Object> json() {
            return (Map<String, Object>) Json.parse(body);
        }
    }

    static Answer post(HttpClient client, String path, String body) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    static Answer get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    @Test
    @Order(1)
    void healthAndModel() throws Exception {
        Answer h = get("/health");
        assertEquals(200, h.status(), h.body());
        assertEquals("ok", h.json().get("status"));
        Answer m = get("/model");
        assertEquals(200, m.status(), m.body());
        assertEquals("Rings", m.json().get("name"));
        assertEquals(List.of(1L, 2L, 3L), m.json().get("classes"));
        assertTrue(((String) m.json().get("summary")).contains("dense2"), m.body());
    }

    @Test
    @Order(2)
    void goodRequestsInEveryForm() throws Exception {
        double[][] rows = {rings.inputs()[0], rings.inputs()[1]};
        Answer a = post(http, "/predict", Json.write(Map.of("rows", rows)));
        assertEquals(200, a.status(), a.body());
        check(a, rows);
        Answer bare = post(http, "/predict", Json.write(rows));
        assertEquals(200, bare.status(), bare.body());
        check(bare, rows);
        Answer one = post(http, "/predict", Json.write(rows[0]));
        assertEquals(200, one.status(), one.body());
        check(one, new double[][] {rows[0]});
    }

    @Test
    @Order(3)
    void badRequestsAre400WithAClearMessage() throws Exception {
        assertBad("{\"rows\": [[0.1, 0.2]", "bad JSON");
        assertBad("not json", "bad JSON");
        assertBad("{\"rows\": [[0.1, 0.2, 0.3]]}",
                "row 1 has more than 2 values, model Rings takes 2");
        assertBad("{\"rows\": [[0.1, 0.2], [0.5]]}", "row 2 has 1 value, model Rings takes 2");
        assertBad("{\"rows\": [[0.1, \"x\"]]}", "row 1, column 2: not a number");
        assertBad("{\"inputs\": [[0.1, 0.2]]}", "no \"rows\" member");
        assertBad("[]", "no rows");
        Answer wrongMethod = get("/predict");
        assertEquals(405, wrongMethod.status(), wrongMethod.body());
        Answer unknown = get("/nothing");
        assertEquals(404, unknown.status(), unknown.body());
    }

    private static void assertBad(String body, String message) throws Exception {
        Answer a = post(http, "/predict", body);
        assertEquals(400, a.status(), body + " → " + a.body());
        String error = (String) a.json().get("error");
        assertTrue(error.contains(message), body + " → " + error);
    }

    @Test
    @Order(4)
    void eightConcurrentClientsGetTheRightAnswers() throws Exception {
        double[][] inputs = rings.inputs();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                long seed = c;
                done.add(clients.submit(() -> {
                    HttpClient client = HttpClient.newBuilder()
                            .connectTimeout(Duration.ofSeconds(10)).build();
                    Random rnd = new Random(seed);
                    int ok = 0;
                    for (int i = 0; i < REQUESTS; i++) {
                        int n = 1 + rnd.nextInt(3);
                        double[][] rows = new double[n][];
                        for (int r = 0; r < n; r++) {
                            rows[r] = inputs[rnd.nextInt(inputs.length)];
                        }
                        Answer a = post(client, "/predict", Json.write(Map.of("rows", rows)));
                        assertEquals(200, a.status(), a.body());
                        check(a, rows);
                        ok++;
                    }
                    return ok;
                }));
            }
            int total = 0;
            for (Future<Integer> f : done) {
                total += f.get(180, TimeUnit.SECONDS);
            }
            assertEquals(CLIENTS * REQUESTS, total);
        } finally {
            clients.shutdownNow();
        }
    }

    /** The answer's outputs, classes and probabilities are those of nnc predict. */
    @SuppressWarnings("unchecked")
    private static void check(Answer a, double[][] rows) {
        Map<String, Object> json = a.json();
        List<List<Object>> outputs = (List<List<Object>>) json.get("outputs");
        List<Object> classes = (List<Object>) json.get("classes");
        List<List<Object>> probs = (List<List<Object>>) json.get("probabilities");
        double[][] expected;
        List<Prediction> preds;
        synchronized (rings) {
            expected = rings.predictor().predict(rows);
            preds = rings.predictor().classify(rows);
        }
        assertEquals(rows.length, outputs.size(), a.body());
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                float got = ((Number) outputs.get(i).get(j)).floatValue();
                float want = (float) expected[i][j];
                assertTrue(Math.abs(got - want) <= Math.ulp(want), a.body() + " vs " + want);
                float p = ((Number) probs.get(i).get(j)).floatValue();
                assertTrue(Math.abs(p - want) <= Math.ulp(want), a.body());
            }
            assertEquals(preds.get(i).label(), ((Number) classes.get(i)).doubleValue(),
                    a.body());
        }
    }

    @Test
    @Order(5)
    void stopsCleanlyOnSigterm() throws Exception {
        server.destroy(); // SIGTERM
        assertTrue(server.waitFor(30, TimeUnit.SECONDS), "still running 30 s after SIGTERM");
        assertFalse(server.isAlive());
        // the shutdown hook has run: the server said so before the JVM exited
        String err = Files.readString(stderr);
        assertTrue(err.contains("nnc serve: stopped"), err);
        assertFalse(err.contains("Exception"), err);
    }
}
