package dev.nnc.cli;

import static dev.nnc.cli.HttpWire.closeQuietly;
import static dev.nnc.cli.HttpWire.errorJson;
import static dev.nnc.cli.HttpWire.response;

import dev.nnc.cli.HttpWire.Bytes;
import dev.nnc.runtime.data.OneHot;
import dev.nnc.runtime.data.Symbols;
import dev.nnc.runtime.io.Json;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.Model;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.predict.Prediction;
import dev.nnc.runtime.predict.Predictor;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The HTTP/1.1 server of {@code nnc serve}, on plain sockets so that every wait is bounded.
 *
 * <p>Each connection has a thread of its own (at most {@link Limits#maxConnections}) that reads
 * the request within {@link Limits#headerTimeoutMs} (the header) and {@link Limits#bodyTimeoutMs}
 * (the body), parsing the rows straight into floats ({@link RequestRows}); a client that stops
 * sending is cut off and holds up nobody else. The predictions run on a fixed pool of
 * {@link Limits#threads} workers, each with its own {@link Predictor} (models keep work buffers
 * and are not thread-safe), behind a queue of {@link Limits#queue} requests: when it is full the
 * answer is 503. The requests in progress may hold {@link Limits#maxInflightBytes} together (a
 * body's bytes while it is read, then its floats and its answer's text); beyond, 503.
 * An {@link OutOfMemoryError} while answering a request answers that request 503 and the server
 * goes on.
 *
 * <ul>
 * <li>{@code POST /predict} with {@code {"rows": [[x1, x2], ...]}} (or the bare array of rows, or
 *     one bare row; each row flat or shaped as the model's input) answers
 *     {@code {"outputs": [[...], ...]}}; for classifiers also {@code "classes": [label, ...]} and
 *     {@code "probabilities": [[...], ...]}. Inputs are raw, as for {@code nnc predict}.
 * <li>{@code GET /health} answers {@code {"status": "ok", "model": NAME, ...}} with the load.
 * <li>{@code GET /model} answers the model's name, sizes, loss, class labels and the text of
 *     {@code nnc summary}.
 * </ul>
 * Errors answer {@code {"error": MESSAGE}}: 400 (bad JSON, a row of the wrong shape, a value that
 * is not a finite float), 404, 405, 408 (the request did not arrive in time), 411 (no
 * Content-Length), 413 (body or rows over the limit), 431 (header too large), 503 (busy, out of
 * memory, or stopping).
 */
final class ModelServer {
    /** The largest header accepted (request line and fields). */
    static final int MAX_HEADER = 16 << 10;

    /** The server's limits; times in milliseconds. */
    record Limits(int threads, int queue, int maxConnections, long maxBody, int maxRows,
            long maxInflightBytes, long headerTimeoutMs, long bodyTimeoutMs,
            long drainTimeoutMs) {
        /** The default queue: four requests per worker. */
        static int defaultQueue(int threads) {
            return 4 * threads;
        }

        /** The default in-flight budget: an eighth of the heap, at least one largest body. */
        static long defaultMaxInflight(long maxBody) {
            return Math.max(maxBody, Runtime.getRuntime().maxMemory() / 8);
        }
    }

    final Limits limits;
    private final ServerSocket socket;
    final ThreadPoolExecutor pool;
    private final ThreadLocal<Predictor> predictors;
    final Model model;
    final int[] inputShape;
    /** Why a null (a missing value) at each input is refused, null where the model fills it. */
    final IntFunction<String> missing;
    /** The one-hot encoding of a model with categorical columns (rows are then raw), or null. */
    final OneHot oneHot;
    /** The vocabulary of a model that reads texts as symbols (a row may be a text), or null. */
    final Symbols symbols;
    private final boolean classifier;
    final String modelJson;
    final Set<ServeConnection> connections = ConcurrentHashMap.newKeySet();
    final AtomicLong inflightBytes = new AtomicLong();
    final AtomicLong answered = new AtomicLong();
    final AtomicLong rejectedBusy = new AtomicLong();
    final AtomicLong outOfMemory = new AtomicLong();
    private final AtomicInteger threadCount = new AtomicInteger();
    private final ThreadPoolExecutor refuser;
    private final Thread acceptor;
    private final Thread watchdog;
    volatile boolean stopping;

    /**
     * A server on {@code host:port} (port 0: any free port) answering with predictors made by
     * {@code factory}, one per worker thread.
     */
    ModelServer(String host, int port, Limits limits, Supplier<Predictor> factory,
            String summary) throws IOException {
        this.limits = limits;
        Predictor first = factory.get();
        this.model = first.model();
        this.oneHot = first.preprocessing().oneHot();
        this.symbols = first.preprocessing().symbols();
        // a differenced series: a row is a raw window, longer than the model's input
        this.inputShape = oneHot == null ? first.inputShape()
                : new int[] {oneHot.columns().size()};
        ModelSpec.Loss loss = model.spec().loss();
        int k = model.outputSize();
        this.classifier = loss == ModelSpec.Loss.CROSS_ENTROPY && k > 1
                || loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY && k == 1;
        this.predictors = ThreadLocal.withInitial(factory);
        this.missing = first::missingRefusal;
        this.modelJson = Json.write(describe(first, summary));
        this.pool = new ThreadPoolExecutor(limits.threads(), limits.threads(), 0,
                TimeUnit.MILLISECONDS, limits.queue() == 0 ? new SynchronousQueue<>()
                        : new ArrayBlockingQueue<>(limits.queue()),
                r -> daemon(r, "nnc-serve-worker-" + threadCount.incrementAndGet()));
        this.refuser = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(64), r -> daemon(r, "nnc-serve-refuse"));
        this.socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(host), port), 128);
        this.acceptor = daemon(this::acceptLoop, "nnc-serve-accept");
        this.watchdog = daemon(this::watchLoop, "nnc-serve-watchdog");
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(null, r, name, 512 << 10);
        t.setDaemon(true);
        return t;
    }

    void start() {
        acceptor.start();
        watchdog.start();
    }

    /** The port the server listens on. */
    int port() {
        return socket.getLocalPort();
    }

    /** The connections open now (for tests). */
    int openConnections() {
        return connections.size();
    }

    /**
     * Stops accepting connections, closes the idle ones, lets the requests in progress finish
     * (waiting up to the drain timeout), then closes what is left and stops the workers. Returns
     * the number of requests that were cut off.
     */
    int stop() {
        return stop(limits.drainTimeoutMs());
    }

    /** {@link #stop()} with a drain of {@code drainMs} milliseconds. */
    int stop(long drainMs) {
        stopping = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drainMs);
        try {
            while (System.nanoTime() < deadline) {
                for (ServeConnection c : connections) {
                    if (!c.busy) {
                        c.close();
                    }
                }
                if (connections.isEmpty()) {
                    break;
                }
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int cut = 0;
        for (ServeConnection c : connections) {
            cut += c.busy ? 1 : 0;
            c.close();
        }
        pool.shutdownNow();
        refuser.shutdownNow();
        watchdog.interrupt();
        return cut;
    }

    // ---- accepting and watching

    private void acceptLoop() {
        while (!stopping) {
            Socket s = null;
            try {
                s = socket.accept();
                if (connections.size() >= limits.maxConnections()) {
                    refuse(s);
                    continue;
                }
                ServeConnection c = new ServeConnection(this, s);
                connections.add(c);
                try {
                    daemon(c::run, "nnc-serve-conn-" + threadCount.incrementAndGet()).start();
                } catch (Throwable e) {
                    connections.remove(c);
                    throw e;
                }
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
                closeQuietly(s);
            } catch (OutOfMemoryError e) {
                // NOTE: no thread for this connection now; the others go on
                outOfMemory.incrementAndGet();
                closeQuietly(s);
            } catch (Throwable e) {
                closeQuietly(s);
            }
        }
    }

    /**
     * Too many connections: a short 503, then what the client sent is read for a moment (so that
     * it gets the answer, not a reset) and the connection closed; on one thread of its own, with
     * a short queue (beyond it the connection is just closed).
     */
    private void refuse(Socket s) {
        rejectedBusy.incrementAndGet();
        try {
            refuser.execute(() -> {
                try (s) {
                    s.getOutputStream().write(response(503, errorJson("too many connections "
                            + "(the server's --max-connections is " + limits.maxConnections()
                            + "); try again"), false, null, false).bytes());
                    s.shutdownOutput();
                    s.setSoTimeout(200);
                    InputStream in = s.getInputStream();
                    byte[] drop = new byte[4096];
                    for (int i = 0; i < 16 && in.read(drop) >= 0; i++) {
                        // dropped
                    }
                } catch (IOException ignored) {
                    // the client is gone
                }
            });
        } catch (RejectedExecutionException e) {
            closeQuietly(s);
        }
    }

    /** Closes the connections whose answer has not been taken by the client in time. */
    private void watchLoop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            try {
                long now = System.nanoTime();
                for (ServeConnection c : connections) {
                    long d = c.writeDeadline;
                    if (d != 0 && now - d > 0) {
                        c.close();
                    }
                }
            } catch (OutOfMemoryError e) {
                // NOTE: the watch goes on; the request that took the memory is answered 503
                outOfMemory.incrementAndGet();
            }
        }
    }


    // ---- answers

    Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", stopping ? "stopping" : acceptor.isAlive() ? "ok" : "not accepting");
        m.put("model", model.name());
        m.put("connections", connections.size());
        m.put("queued", pool.getQueue().size());
        m.put("active", pool.getActiveCount());
        m.put("inflight_bytes", inflightBytes.get());
        m.put("answered", answered.get());
        m.put("rejected_busy", rejectedBusy.get());
        m.put("out_of_memory", outOfMemory.get());
        return m;
    }

    /** The most bytes the answer to {@code n} rows takes. */
    long answerBytes(int n) {
        // NOTE: a float takes at most 15 characters (-1.23456789E-38) and a comma; a class label
        // as much
        int k = model.outputSize();
        return (long) n * ((classifier ? 2 * k + 2 : k) * 16 + 24) + 64;
    }

    /** The JSON of the predictions for {@code rows}, on a worker thread. */
    Bytes answer(RequestRows.Rows rows) {
        Predictor p = predictors.get();
        int n = rows.count();
        int k = model.outputSize();
        float[] outputs = new float[n * k];
        int[] labels = classifier ? new int[n] : null;
        int chunk = 256;
        for (int from = 0; from < n; from += chunk) {
            int m = Math.min(chunk, n - from);
            double[][] x = new double[m][];
            for (int r = 0; r < m; r++) {
                x[r] = oneHot == null ? rows.row(from + r) : oneHot.expand(rows.row(from + r));
            }
            if (classifier) {
                List<Prediction> preds = p.classify(x);
                for (int r = 0; r < m; r++) {
                    Prediction pr = preds.get(r);
                    double[] probs = pr.probabilities();
                    // one sigmoid output: the probabilities are [1 - p, p], the output p
                    for (int j = 0; j < k; j++) {
                        outputs[(from + r) * k + j] = (float) probs[probs.length - k + j];
                    }
                    labels[from + r] = pr.index();
                }
            } else {
                double[][] o = p.predict(x);
                for (int r = 0; r < m; r++) {
                    for (int j = 0; j < k; j++) {
                        outputs[(from + r) * k + j] = (float) o[r][j];
                    }
                }
            }
        }
        Bytes json = new Bytes((int) Math.min(Integer.MAX_VALUE - 64, answerBytes(n)));
        json.ascii("{\"outputs\":");
        rowsJson(json, outputs, n, k, false);
        if (classifier) {
            json.ascii(",\"classes\":[");
            List<Object> names = labels(p);
            for (int r = 0; r < n; r++) {
                json.ascii((r > 0 ? "," : "") + Json.write(names.get(labels[r])));
            }
            json.ascii("],\"probabilities\":");
            rowsJson(json, outputs, n, k, k == 1);
        }
        json.ascii("}\n");
        return json;
    }

    /**
     * {@code n} rows of {@code k} floats as JSON, each as {@link Json#write} writes a float;
     * {@code pair}: each one value p as [1 − p, p].
     */
    private static void rowsJson(Bytes json, float[] v, int n, int k, boolean pair) {
        json.write('[');
        for (int r = 0; r < n; r++) {
            json.ascii(r > 0 ? ",[" : "[");
            if (pair) {
                number(json, (float) (1 - (double) v[r]));
                json.write(',');
                number(json, v[r]);
            } else {
                for (int j = 0; j < k; j++) {
                    if (j > 0) {
                        json.write(',');
                    }
                    number(json, v[r * k + j]);
                }
            }
            json.write(']');
        }
        json.write(']');
    }

    private static void number(Bytes json, float f) {
        json.ascii(Json.write(f));
    }

    private Map<String, Object> describe(Predictor p, String summary) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", model.name());
        m.put("input_shape", p.inputShape());
        m.put("output_shape", model.outputShape());
        m.put("input_size", p.inputSize());
        m.put("output_size", model.outputSize());
        m.put("loss", model.spec().loss().id());
        m.put("classifier", classifier);
        if (p.preprocessing().symbols() != null) {
            m.put("text_rows", true);
        }
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
            labels.add(c != null && c.size() == k && c.isText() ? c.name(j)
                    : label(c != null && c.size() == k ? c.label(j) : j));
        }
        return labels;
    }

    /** A class label as JSON: an integer when it is one. */
    private static Object label(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? (Object) (long) v : (Object) v;
    }

}
