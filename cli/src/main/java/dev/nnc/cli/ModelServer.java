package dev.nnc.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.nnc.runtime.ClassLabels;
import dev.nnc.runtime.Json;
import dev.nnc.runtime.Model;
import dev.nnc.runtime.ModelSpec;
import dev.nnc.runtime.Prediction;
import dev.nnc.runtime.Predictor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The HTTP server of {@code nnc serve}, on the JDK's {@code com.sun.net.httpserver}: a fixed pool
 * of worker threads, each with its own {@link Predictor} (models keep work buffers and are not
 * thread-safe), so requests run in parallel without sharing one.
 *
 * <ul>
 * <li>{@code POST /predict} with {@code {"rows": [[x1, x2], ...]}} (or the bare array of rows, or
 *     one bare row) answers {@code {"outputs": [[...], ...]}}; for classifiers also
 *     {@code "classes": [label, ...]} and {@code "probabilities": [[...], ...]}. Inputs are raw,
 *     as for {@code nnc predict}.
 * <li>{@code GET /health} answers {@code {"status": "ok", "model": NAME}}.
 * <li>{@code GET /model} answers the model's name, sizes, loss, class labels and the text of
 *     {@code nnc summary}.
 * </ul>
 * Malformed JSON, a row of the wrong length or a value that is not a number: 400 with
 * {@code {"error": MESSAGE}}; another method: 405; another path: 404.
 */
final class ModelServer {
    /** The largest request body accepted. */
    static final int MAX_BODY = 16 << 20;
    private static final String NODELAY = "sun.net.httpserver.nodelay";

    private final HttpServer server;
    private final ExecutorService pool;
    private final ThreadLocal<Predictor> predictors;
    private final Model model;
    private final ModelSpec.Loss loss;
    private final boolean classifier;
    private final String modelJson;
    /** Exchanges being answered; {@link #stop} waits for them. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean stopping;

    /**
     * A server on {@code host:port} (port 0: any free port) answering with predictors made by
     * {@code factory}, one per worker thread.
     */
    ModelServer(String host, int port, int threads, Supplier<Predictor> factory,
            String summary) throws IOException {
        Predictor first = factory.get();
        this.model = first.model();
        this.loss = model.spec().loss();
        int k = model.outputSize();
        this.classifier = loss == ModelSpec.Loss.CROSS_ENTROPY && k > 1
                || loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY && k == 1;
        this.predictors = ThreadLocal.withInitial(factory);
        this.modelJson = Json.write(describe(first, summary));
        AtomicInteger count = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "nnc-serve-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = Executors.newFixedThreadPool(threads, tf);
        // NOTE: the JDK server writes headers and body separately; without TCP_NODELAY, Nagle's
        // algorithm and the client's delayed ACK add about 40 ms to every answer.
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
        this.server = HttpServer.create(new InetSocketAddress(host, port), 128);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
    }

    void start() {
        server.start();
    }

    /** The port the server listens on. */
    int port() {
        return server.getAddress().getPort();
    }

    /**
     * Answers new requests with 503, lets the exchanges in progress finish (waiting up to
     * {@code graceSeconds}), then closes the server and stops the workers.
     */
    void stop(int graceSeconds) {
        stopping = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds);
        try {
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // NOTE: JDK 17's HttpServer.stop(d) waits all of d even when idle; nothing is left now.
        server.stop(0);
        pool.shutdownNow();
    }

    private Map<String, Object> describe(Predictor p, String summary) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", model.name());
        m.put("input_shape", model.inputShape());
        m.put("output_shape", model.outputShape());
        m.put("input_size", model.inputSize());
        m.put("output_size", model.outputSize());
        m.put("loss", loss.id());
        m.put("classifier", classifier);
        if (classifier) {
            m.put("classes", labels(p));
        }
        m.put("summary", summary);
        return m;
    }

    private List<Object> labels(Predictor p) {
        int k = model.outputSize() == 1 ? 2 : model.outputSize();
        ClassLabels c = p.preprocessing().classes();
        List<Object> labels = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            labels.add(label(c != null && c.size() == k ? c.label(j) : j));
        }
        return labels;
    }

    /** A class label as JSON: an integer when it is one. */
    private static Object label(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? (Object) (long) v : (Object) v;
    }

    private void handle(HttpExchange ex) throws IOException {
        inFlight.incrementAndGet();
        try (ex) {
            if (stopping) {
                error(ex, 503, "the server is stopping");
                return;
            }
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            switch (path) {
                case "/predict" -> {
                    if (!method.equals("POST")) {
                        notAllowed(ex, "POST");
                        return;
                    }
                    predict(ex);
                }
                case "/health" -> {
                    if (!method.equals("GET") && !method.equals("HEAD")) {
                        notAllowed(ex, "GET");
                        return;
                    }
                    send(ex, 200, Json.write(Map.of("status", "ok", "model", model.name())));
                }
                case "/model" -> {
                    if (!method.equals("GET") && !method.equals("HEAD")) {
                        notAllowed(ex, "GET");
                        return;
                    }
                    send(ex, 200, modelJson);
                }
                default -> error(ex, 404, "no such path: " + path + " (paths: POST /predict, "
                        + "GET /health, GET /model)");
            }
        } catch (RuntimeException e) {
            // NOTE: a bug must not kill the worker thread or leave the client waiting.
            try {
                error(ex, 500, "internal error: " + e);
            } catch (IOException | RuntimeException ignored) {
                // the response was already under way; the connection is closed by try-with
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void predict(HttpExchange ex) throws IOException {
        String body;
        try {
            body = readBody(ex.getRequestBody());
        } catch (BadRequest e) {
            error(ex, 413, e.getMessage());
            return;
        }
        double[][] rows;
        try {
            rows = rows(body, model.inputSize(), model.name());
        } catch (BadRequest e) {
            error(ex, 400, e.getMessage());
            return;
        }
        Predictor p = predictors.get();
        Map<String, Object> answer = new LinkedHashMap<>();
        double[][] outs = p.predict(rows);
        List<float[]> outputs = new ArrayList<>(outs.length);
        for (double[] o : outs) {
            outputs.add(floats(o));
        }
        answer.put("outputs", outputs);
        if (classifier) {
            List<Prediction> preds = p.classify(rows);
            List<Object> classes = new ArrayList<>(preds.size());
            List<float[]> probs = new ArrayList<>(preds.size());
            for (Prediction pr : preds) {
                classes.add(label(pr.label()));
                probs.add(floats(pr.probabilities()));
            }
            answer.put("classes", classes);
            answer.put("probabilities", probs);
        }
        send(ex, 200, Json.write(answer));
    }

    /** The outputs as the floats the model computed (JSON then shows their shortest form). */
    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /** A request the client must fix; its message is the answer's {@code error}. */
    static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }

    private static String readBody(InputStream in) throws IOException, BadRequest {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        for (int r; (r = in.read(chunk)) >= 0; ) {
            buf.write(chunk, 0, r);
            if (buf.size() > MAX_BODY) {
                throw new BadRequest("request body larger than " + (MAX_BODY >> 20) + " MiB");
            }
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /**
     * The rows of a request body: {@code {"rows": [[...], ...]}}, {@code [[...], ...]} or one row
     * {@code [...]}, each of {@code width} numbers.
     */
    static double[][] rows(String body, int width, String modelName) throws BadRequest {
        Object json;
        try {
            json = Json.parse(body);
        } catch (IllegalArgumentException e) {
            String m = String.valueOf(e.getMessage());
            throw new BadRequest(m.startsWith("bad JSON") ? m : "bad JSON: " + m);
        }
        Object rows = json;
        if (json instanceof Map<?, ?> m) {
            if (!m.containsKey("rows")) {
                throw new BadRequest("expected {\"rows\": [[...], ...]}, but the object has no "
                        + "\"rows\" member");
            }
            rows = m.get("rows");
        }
        if (!(rows instanceof List<?> list)) {
            throw new BadRequest("expected {\"rows\": [[...], ...]}, an array of rows, or one "
                    + "row [...]");
        }
        if (list.isEmpty()) {
            throw new BadRequest("no rows: the array is empty");
        }
        boolean single = !(list.get(0) instanceof List<?>);
        List<?> all = single ? List.of(list) : list;
        double[][] result = new double[all.size()][];
        for (int r = 0; r < all.size(); r++) {
            if (!(all.get(r) instanceof List<?> row)) {
                throw new BadRequest("row " + (r + 1) + " is not an array of numbers");
            }
            if (row.size() != width) {
                throw new BadRequest("row " + (r + 1) + " has " + row.size()
                        + (row.size() == 1 ? " value" : " values") + ", model " + modelName
                        + " takes " + width);
            }
            double[] v = new double[width];
            for (int j = 0; j < width; j++) {
                if (!(row.get(j) instanceof Number n)) {
                    throw new BadRequest("row " + (r + 1) + ", value " + (j + 1)
                            + " is not a number: " + Json.write(row.get(j)));
                }
                v[j] = n.doubleValue();
            }
            result[r] = v;
        }
        return result;
    }

    private static void notAllowed(HttpExchange ex, String allow) throws IOException {
        ex.getResponseHeaders().set("Allow", allow);
        error(ex, 405, ex.getRequestMethod() + " is not allowed here; use " + allow);
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        send(ex, status, Json.write(Map.of("error", message)));
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
