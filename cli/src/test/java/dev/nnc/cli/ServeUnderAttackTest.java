package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.io.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nnc serve} as a separate process with a small heap ({@code -Xmx256m}) and two workers,
 * under the clients that stalled or killed it: two connections that send half a header and a
 * body that stops, six bodies just under 16 MiB in parallel, numbers beyond the float range; then
 * SIGTERM while a request is under way. Every wait is bounded.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServeUnderAttackTest {
    static final int WAIT = 5000;

    @TempDir
    static Path dir;
    static Process server;
    static int port;
    static Path stderr;

    static Path rings;
    static Path weights;

    @BeforeAll
    static void start() throws Exception {
        rings = DeployExamples.examplesDir().resolve("05-nonlinear-classification/rings.nn");
        weights = dir.resolve("rings.safetensors");
        DeployExamples.Run r = DeployExamples.nnc("train", rings.toString(), "--epochs", "1",
                "--quiet", "--out", weights.toString());
        assertEquals(0, r.code(), r.all());
        stderr = dir.resolve("serve.err");
        server = serve(stderr, "-Xmx256m", "--threads", "2");
        port = port(server, stderr);
    }

    /** {@code nnc serve} of the rings model in a JVM with {@code heap}, on a free port. */
    static Process serve(Path err, String heap, String... flags) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, heap, "-Dnnc.cache=off", "-cp", cp,
                "dev.nnc.cli.Main", "serve", rings.toString(), "--weights", weights.toString(),
                "--port", "0"));
        cmd.addAll(List.of(flags));
        return new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    }

    /** The port the server prints on its first line. */
    static int port(Process server, Path stderr) throws Exception {
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
        return Integer.parseInt(m.group(1));
    }

    @AfterAll
    static void stop() {
        if (server != null && server.isAlive()) {
            server.destroyForcibly();
        }
    }

    private static RawHttp.Response health() throws IOException {
        return RawHttp.exchange(port, RawHttp.get("/health"), WAIT);
    }

    @Test
    @Order(1)
    void twoStalledHeadersAndAStalledBodyDoNotStallOthers() throws Exception {
        try (Socket a = RawHttp.connect(port, WAIT);
                Socket b = RawHttp.connect(port, WAIT);
                Socket c = RawHttp.connect(port, WAIT)) {
            RawHttp.send(a, "GET /health HTTP/1.1\r\nHost: x\r\n");
            RawHttp.send(b, "GET /health HTTP/1.1\r\nHost: x\r\n");
            RawHttp.send(c, "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
                    + "[[0.1,");
            Thread.sleep(200);
            long t0 = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                assertEquals(200, health().status());
                RawHttp.Response p = RawHttp.exchange(port, RawHttp.post("/predict",
                        "[[0.1, 0.2]]"), WAIT);
                assertEquals(200, p.status(), p.body());
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 3000, "10 requests beside 3 stalled clients took " + ms + " ms");
        }
    }

    @Test
    @Order(2)
    void numbersBeyondTheFloatRangeAre400NamingRowAndColumn() throws Exception {
        for (String[] c : new String[][] {
                {"{\"rows\":[[5,1e400]]}", "row 1, column 2: 1e400"},
                {"[[5,1e999]]", "row 1, column 2: 1e999"},
                {"[[0.1,0.2],[1e308,1e308]]", "row 2, column 1: 1e308"},
                {"[[0.1,1e39]]", "row 1, column 2: 1e39"}}) {
            RawHttp.Response r = RawHttp.exchange(port, RawHttp.post("/predict", c[0]), WAIT);
            assertEquals(400, r.status(), c[0] + " → " + r.body());
            String error = (String) ((Map<?, ?>) Json.parse(r.body())).get("error");
            assertTrue(error.contains(c[1]), c[0] + " → " + error);
        }
    }

    @Test
    @Order(3)
    void sixBodiesJustUnder16MiBInParallelAreEachAnsweredAndTheServerLives() throws Exception {
        int rows = (16_777_102 - 1) / 11;
        StringBuilder sb = new StringBuilder(16_777_102);
        sb.append('[');
        for (int i = 0; i < rows; i++) {
            sb.append(i == 0 ? "" : ",").append("[0.25,0.5]");
        }
        sb.append(']');
        byte[] body = sb.toString().getBytes(StandardCharsets.US_ASCII);
        assertEquals(16_777_102, body.length);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        URI uri = URI.create("http://127.0.0.1:" + port + "/predict");
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sent.add(http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : sent) {
            HttpResponse<String> r = f.get(90, TimeUnit.SECONDS);
            assertTrue(List.of(200, 413, 503).contains(r.statusCode()), r.statusCode() + " "
                    + r.body());
            assertTrue(r.body().contains(r.statusCode() == 200 ? "outputs" : "error"), r.body());
        }
        // requests of the largest size in rows, in parallel
        String many = "[" + "[0.25,0.5],".repeat(9_999) + "[0.25,0.5]]";
        List<CompletableFuture<HttpResponse<String>>> full = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            full.add(http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString(many)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        int ok = 0;
        for (CompletableFuture<HttpResponse<String>> f : full) {
            HttpResponse<String> r = f.get(90, TimeUnit.SECONDS);
            assertTrue(List.of(200, 503).contains(r.statusCode()), r.statusCode() + " "
                    + r.body());
            ok += r.statusCode() == 200 ? 1 : 0;
        }
        assertTrue(ok > 0, "no request of 10,000 rows was answered 200");
        RawHttp.Response h = health();
        assertEquals(200, h.status(), h.body());
        assertEquals("ok", ((Map<?, ?>) Json.parse(h.body())).get("status"));
    }

    @Test
    @Order(4)
    void outOfMemoryOnARequestIsAnswered503AndTheServerGoesOn() throws Exception {
        // limits set beyond a 48 MB heap on purpose: the rows of one body do not fit in it
        Path err = dir.resolve("small.err");
        Process small = serve(err, "-Xmx48m", "--threads", "2", "--max-rows", "10000000",
                "--max-inflight", "1G");
        try {
            int p = port(small, err);
            String body = "[" + "[0,0],".repeat(2_795_999) + "[0,0]]";
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                    .build();
            URI uri = URI.create("http://127.0.0.1:" + p + "/predict");
            List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sent.add(http.sendAsync(HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            int oom = 0;
            for (CompletableFuture<HttpResponse<String>> f : sent) {
                HttpResponse<String> r = f.get(90, TimeUnit.SECONDS);
                assertTrue(List.of(200, 503).contains(r.statusCode()), r.statusCode() + " "
                        + r.body());
                oom += r.body().contains("out of memory") ? 1 : 0;
            }
            assertTrue(oom > 0, "no request ran out of memory: the test proves nothing");
            RawHttp.Response h = RawHttp.exchange(p, RawHttp.get("/health"), WAIT);
            assertEquals(200, h.status(), h.body());
            assertEquals((long) oom, ((Map<?, ?>) Json.parse(h.body())).get("out_of_memory"),
                    h.body());
            RawHttp.Response ok = RawHttp.exchange(p, RawHttp.post("/predict", "[[0.1, 0.2]]"),
                    WAIT);
            assertEquals(200, ok.status(), ok.body());
        } finally {
            small.destroyForcibly();
            small.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(5)
    void sigtermFinishesTheRequestUnderWayAndRefusesNewConnections() throws Exception {
        String body = "[[0.1, 0.2], [0.3, 0.4]]";
        try (Socket c = RawHttp.connect(port, 15_000)) {
            RawHttp.send(c, "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body.substring(0, 5));
            Thread.sleep(200);
            server.destroy(); // SIGTERM
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean refused = false;
            while (!refused && System.nanoTime() < until) {
                try (Socket probe = RawHttp.connect(port, 1000)) {
                    assertTrue(probe.isConnected());
                    Thread.sleep(20);
                } catch (IOException e) {
                    refused = true;
                }
            }
            assertTrue(refused, "new connections are still accepted after SIGTERM");
            assertTrue(server.isAlive(), "exited with a request under way");
            RawHttp.send(c, body.substring(5));
            RawHttp.Response r = RawHttp.read(c);
            assertEquals(200, r.status(), r.body());
            assertEquals(2, ((List<?>) ((Map<?, ?>) Json.parse(r.body())).get("outputs")).size());
        }
        assertTrue(server.waitFor(20, TimeUnit.SECONDS), "still running 20 s after SIGTERM");
        assertEquals(143, server.exitValue());
        String err = Files.readString(stderr);
        assertTrue(err.contains("nnc serve: stopped"), err);
        assertFalse(err.contains("Exception") || err.contains("Error"), err);
        assertThrows(IOException.class, () -> health());
    }
}
