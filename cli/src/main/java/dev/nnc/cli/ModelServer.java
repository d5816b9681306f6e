package dev.nnc.cli;

import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.io.Json;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.Model;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.predict.Prediction;
import dev.nnc.runtime.predict.Predictor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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

    private final Limits limits;
    private final ServerSocket socket;
    private final ThreadPoolExecutor pool;
    private final ThreadLocal<Predictor> predictors;
    /** The fill value of each input for a missing value (a null in a request), or null. */
    private final float[] fill;
    private final Model model;
    private final int[] inputShape;
    private final boolean classifier;
    private final String modelJson;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong inflightBytes = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong rejectedBusy = new AtomicLong();
    private final AtomicLong outOfMemory = new AtomicLong();
    private final AtomicInteger threadCount = new AtomicInteger();
    private final ThreadPoolExecutor refuser;
    private final Thread acceptor;
    private final Thread watchdog;
    private volatile boolean stopping;

    /**
     * A server on {@code host:port} (port 0: any free port) answering with predictors made by
     * {@code factory}, one per worker thread.
     */
    ModelServer(String host, int port, Limits limits, Supplier<Predictor> factory,
            String summary) throws IOException {
        this.limits = limits;
        Predictor first = factory.get();
        this.model = first.model();
        this.inputShape = model.inputShape();
        ModelSpec.Loss loss = model.spec().loss();
        int k = model.outputSize();
        this.classifier = loss == ModelSpec.Loss.CROSS_ENTROPY && k > 1
                || loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY && k == 1;
        this.predictors = ThreadLocal.withInitial(factory);
        Preprocessing.Fill f = first.preprocessing().fill();
        this.fill = f == null ? null : f.values();
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
                for (Connection c : connections) {
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
        for (Connection c : connections) {
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
                Connection c = new Connection(s);
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
                for (Connection c : connections) {
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

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    // ---- one connection

    /** The header did not arrive in time: answer 408 and close. */
    private static final class Timeout extends IOException {
        private static final long serialVersionUID = 1L;
        /** A request had begun: answer 408 (else close without a word). */
        final boolean answer;

        Timeout(String message, boolean answer) {
            super(message);
            this.answer = answer;
        }
    }

    /** The request cannot be answered normally: status, message, and whether to close. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final boolean close;
        final String allow;

        Refusal(int status, String message, boolean close) {
            this(status, message, close, null);
        }

        Refusal(int status, String message, boolean close, String allow) {
            super(message);
            this.status = status;
            this.close = close;
            this.allow = allow;
        }
    }

    /** An HTTP response: its head, and the first {@code length} bytes of {@code body}. */
    private record Reply(byte[] head, byte[] body, int length) {
        byte[] bytes() {
            byte[] all = Arrays.copyOf(head, head.length + length);
            System.arraycopy(body, 0, all, head.length, length);
            return all;
        }
    }

    /** A growable byte buffer whose array is handed on without a copy. */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes(int size) {
            super(size);
        }

        byte[] array() {
            return buf;
        }

        void ascii(String s) {
            for (int i = 0; i < s.length(); i++) {
                write(s.charAt(i));
            }
        }
    }

    private record Request(String method, String path, boolean http11, boolean keepAlive,
            long contentLength, boolean chunked, boolean expectContinue) {
    }

    private final class Connection {
        private final Socket s;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buf = new byte[8192];
        private int pos;
        private int lim;
        /** Where the current read must be done by (System.nanoTime). */
        private long readDeadline;
        private String phase = "header";
        /** A request has begun arriving and is not answered yet. */
        volatile boolean busy;
        /** When the answer being written must be taken by (0: no answer being written). */
        volatile long writeDeadline;
        /** The current request's body has not been read (close with {@link #linger}). */
        private boolean unread;
        /** The bytes of the in-flight budget the current request holds. */
        private long held;

        Connection(Socket s) throws IOException {
            this.s = s;
            s.setTcpNoDelay(true);
            this.in = s.getInputStream();
            this.out = s.getOutputStream();
        }

        void close() {
            closeQuietly(s);
        }

        void run() {
            try {
                while (!stopping || busy) {
                    if (!serveOne()) {
                        break;
                    }
                }
            } catch (Timeout e) {
                unread = false;
                // NOTE: a connection idle between requests is closed without an answer
                try {
                    if (!e.answer) {
                        return;
                    }
                    write(response(408, errorJson(e.getMessage()), false, null, false));
                } catch (IOException | RuntimeException ignored) {
                    // the client is gone
                }
            } catch (IOException | RuntimeException e) {
                // the client went away or broke the protocol mid-request: nothing to answer
            } catch (OutOfMemoryError e) {
                outOfMemory.incrementAndGet();
            } finally {
                if (unread) {
                    linger();
                }
                busy = false;
                connections.remove(this);
                close();
            }
        }

        /**
         * Closes after an answer sent before the body was read: the answer and a FIN go out,
         * then the rest of the body is read and dropped (for a bounded time) so that the client,
         * perhaps still sending, reads the answer instead of a reset.
         */
        private void linger() {
            try {
                s.shutdownOutput();
                readDeadline = deadline(Math.min(limits.bodyTimeoutMs(), 5_000));
                long max = limits.maxBody() + MAX_HEADER;
                for (long i = 0; i < max && read() >= 0; i++) {
                    // dropped
                }
            } catch (IOException | RuntimeException ignored) {
                // closing anyway
            }
        }

        /** Reads and answers one request; false: close the connection. */
        private boolean serveOne() throws IOException {
            readDeadline = deadline(limits.headerTimeoutMs());
            phase = "idle";
            Request req;
            try {
                req = readHeader();
                if (req == null) {
                    return false; // the client closed the connection between requests
                }
            } catch (Refusal r) {
                unread = true; // the rest of what the client sent: read it on closing
                write(response(r.status, errorJson(r.getMessage()), false, null, false));
                return false;
            }
            boolean keepAlive = req.keepAlive();
            unread = req.contentLength() > 0 || req.chunked();
            held = 0;
            try {
                Reply answer;
                try {
                    if (req.path().equals("/predict")) {
                        if (!req.method().equals("POST")) {
                            throw new Refusal(405, req.method() + " is not allowed here; use "
                                    + "POST", !skipBody(req), "POST");
                        }
                        if (req.chunked()) {
                            throw new Refusal(411, "a chunked body is not accepted; send the "
                                    + "body with a Content-Length", true);
                        }
                        if (req.contentLength() < 0) {
                            throw new Refusal(411, "a Content-Length is required", true);
                        }
                        if (req.contentLength() > limits.maxBody()) {
                            throw new Refusal(413, "request body of " + req.contentLength()
                                    + " bytes is larger than " + limits.maxBody()
                                    + " bytes (the server's --max-body)", true);
                        }
                        reserve(req.contentLength(), true);
                        if (stopping) {
                            throw new Refusal(503, "the server is stopping", true);
                        }
                        if (req.expectContinue()) {
                            byte[] go = "HTTP/1.1 100 Continue\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII);
                            write(new Reply(go, go, 0));
                        }
                        answer = predict(req);
                    } else {
                        boolean bodyRead = skipBody(req);
                        if (!bodyRead) {
                            keepAlive = false;
                        }
                        answer = getPath(req, keepAlive && !stopping);
                    }
                } catch (Refusal r) {
                    keepAlive = keepAlive && !r.close;
                    answer = response(r.status, errorJson(r.getMessage()), keepAlive && !stopping,
                            r.allow, req.method().equals("HEAD"));
                }
                write(answer);
                answered.incrementAndGet();
            } catch (OutOfMemoryError e) {
                outOfMemory.incrementAndGet();
                keepAlive = false;
                try {
                    write(response(503, "{\"error\":\"the server ran out of memory on this "
                            + "request; try fewer rows\"}\n", false, null, false));
                    answered.incrementAndGet();
                } catch (IOException | RuntimeException | OutOfMemoryError ignored) {
                    // the connection is closed below
                }
            } finally {
                if (held > 0) {
                    inflightBytes.addAndGet(-held);
                    held = 0;
                }
                busy = false;
            }
            return keepAlive && !stopping;
        }

        /** Holds {@code bytes} of the in-flight budget for this request, or 503. */
        private void reserve(long bytes, boolean close) throws Refusal {
            long n = Math.max(1, bytes);
            while (true) {
                long now = inflightBytes.get();
                if (now > 0 && now + n > limits.maxInflightBytes()) {
                    rejectedBusy.incrementAndGet();
                    throw new Refusal(503, "busy: the requests in progress hold " + now
                            + " bytes of the server's " + limits.maxInflightBytes()
                            + " (--max-inflight); try again", close);
                }
                if (inflightBytes.compareAndSet(now, now + n)) {
                    held += n;
                    return;
                }
            }
        }

        /** The answer of {@code POST /predict}, its body read and parsed here. */
        private Reply predict(Request req) throws IOException, Refusal {
            readDeadline = deadline(limits.bodyTimeoutMs());
            phase = "body";
            long[] left = {req.contentLength()};
            RequestRows.Source src = () -> {
                if (left[0] == 0) {
                    return -1;
                }
                int b = read();
                if (b < 0) {
                    throw new IOException("the body ended early");
                }
                left[0]--;
                return b;
            };
            RequestRows.Rows rows;
            try {
                rows = RequestRows.parse(src, inputShape, limits.maxRows(), req.contentLength(),
                        model.name(), fill);
                unread = false;
            } catch (RequestRows.Rejected e) {
                // NOTE: read the rest of the body (bytes are dropped, not kept) so that the
                // client, which may still be sending, reads the answer
                boolean drained = drain(left[0]);
                unread = !drained;
                throw new Refusal(e.status, e.getMessage(), !drained);
            }
            phase = "answer";
            // from here the request holds its floats and its answer's text (about 16 bytes a
            // number) instead of its body
            long bytes = 4L * rows.data().length + answerBytes(rows.count());
            if (bytes > limits.maxInflightBytes()) {
                throw new Refusal(413, rows.count() + " rows and their answer would take about "
                        + bytes + " bytes, more than the server's " + limits.maxInflightBytes()
                        + " (--max-inflight); send fewer rows", false);
            }
            inflightBytes.addAndGet(-held);
            held = 0;
            reserve(bytes, false);
            Future<Bytes> f;
            try {
                RequestRows.Rows r = rows;
                f = pool.submit(() -> answer(r));
            } catch (RejectedExecutionException e) {
                rejectedBusy.incrementAndGet();
                throw new Refusal(503, stopping ? "the server is stopping" : "busy: "
                        + limits.threads() + " workers and " + limits.queue()
                        + " queued requests (--threads, --queue); try again", false);
            }
            rows = null;
            try {
                Bytes json = f.get();
                return response(200, json.array(), json.size(), req.keepAlive() && !stopping,
                        null, false);
            } catch (InterruptedException e) {
                f.cancel(true);
                Thread.currentThread().interrupt();
                throw new Refusal(503, "the server is stopping", true);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof OutOfMemoryError oom) {
                    throw oom;
                }
                throw new Refusal(500, "internal error: " + cause, false);
            }
        }

        private Reply getPath(Request req, boolean keepAlive) throws Refusal {
            boolean head = req.method().equals("HEAD");
            boolean get = head || req.method().equals("GET");
            switch (req.path()) {
                case "/health" -> {
                    if (!get) {
                        throw new Refusal(405, req.method() + " is not allowed here; use GET",
                                false, "GET");
                    }
                    Map<String, Object> h = health();
                    return response(h.get("status").equals("ok") ? 200 : 503,
                            Json.write(h) + "\n", keepAlive, null, head);
                }
                case "/model" -> {
                    if (!get) {
                        throw new Refusal(405, req.method() + " is not allowed here; use GET",
                                false, "GET");
                    }
                    return response(200, modelJson + "\n", keepAlive, null, head);
                }
                default -> throw new Refusal(404, "no such path: " + clip(req.path())
                        + " (paths: POST /predict, GET /health, GET /model)", false);
            }
        }

        /** Reads and drops a body that is not used; false when it could not be read. */
        private boolean skipBody(Request req) throws IOException {
            if (req.chunked()) {
                return false;
            }
            if (req.contentLength() <= 0) {
                return true;
            }
            if (req.contentLength() > limits.maxBody()) {
                return false;
            }
            readDeadline = deadline(limits.bodyTimeoutMs());
            phase = "body";
            boolean drained = drain(req.contentLength());
            unread = !drained;
            return drained;
        }

        /** Reads and drops {@code n} bytes within the body's deadline; false if it fails. */
        private boolean drain(long n) {
            try {
                for (long i = 0; i < n; i++) {
                    if (read() < 0) {
                        return false;
                    }
                }
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        /** The request line and header fields; null when the connection closed before. */
        private Request readHeader() throws IOException, Refusal {
            int total = 0;
            String line;
            do {
                line = readLine(total);
                if (line == null) {
                    return null;
                }
                total += line.length() + 2;
            } while (line.isEmpty());
            String[] parts = line.split(" ", -1);
            if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()
                    || !parts[2].startsWith("HTTP/1.")) {
                throw new Refusal(400, "bad request line: " + clip(line), true);
            }
            boolean http11 = !parts[2].equals("HTTP/1.0");
            String connection = "";
            long length = -1;
            boolean chunked = false;
            boolean expect = false;
            while (true) {
                String h = readLine(total);
                if (h == null) {
                    throw new IOException("the connection closed in the header");
                }
                total += h.length() + 2;
                if (h.isEmpty()) {
                    break;
                }
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    throw new Refusal(400, "bad header field: " + clip(h), true);
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> {
                        long v;
                        try {
                            v = Long.parseLong(value);
                        } catch (NumberFormatException e) {
                            v = -2;
                        }
                        if (v < 0 || length >= 0 && v != length) {
                            throw new Refusal(400, "bad Content-Length: " + clip(value), true);
                        }
                        length = v;
                    }
                    case "transfer-encoding" -> chunked = true;
                    case "connection" -> connection = value.toLowerCase(Locale.ROOT);
                    case "expect" -> expect = value.equalsIgnoreCase("100-continue");
                    default -> {
                        // other fields do not change the answer
                    }
                }
            }
            boolean keepAlive = http11 ? !connection.contains("close")
                    : connection.contains("keep-alive");
            String target = parts[1];
            int q = target.indexOf('?');
            String path = q >= 0 ? target.substring(0, q) : target;
            if (path.startsWith("http://") || path.startsWith("https://")) {
                int slash = path.indexOf('/', path.indexOf("//") + 2);
                path = slash >= 0 ? path.substring(slash) : "/";
            }
            return new Request(parts[0], path, http11, keepAlive, length, chunked, expect);
        }

        /** One header line without its CRLF; null at the end of input before any byte. */
        private String readLine(int total) throws IOException, Refusal {
            StringBuilder sb = new StringBuilder();
            while (true) {
                int b = read();
                if (b < 0) {
                    if (sb.length() == 0) {
                        return null;
                    }
                    throw new IOException("the connection closed in the header");
                }
                if (!busy) {
                    busy = true;
                    phase = "header";
                }
                if (b == '\n') {
                    int n = sb.length();
                    if (n > 0 && sb.charAt(n - 1) == '\r') {
                        sb.setLength(n - 1);
                    }
                    return sb.toString();
                }
                if (total + sb.length() >= MAX_HEADER) {
                    throw new Refusal(431, "the request header is larger than "
                            + (MAX_HEADER >> 10) + " KiB", true);
                }
                sb.append((char) b);
            }
        }

        /** One byte, or -1 at the end of input, within the current deadline. */
        private int read() throws IOException {
            if (pos == lim) {
                long left = TimeUnit.NANOSECONDS.toMillis(readDeadline - System.nanoTime());
                if (left <= 0) {
                    throw timeout();
                }
                s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    throw timeout();
                }
                if (n < 0) {
                    return -1;
                }
                pos = 0;
                lim = n;
            }
            return buf[pos++] & 0xff;
        }

        private Timeout timeout() {
            if (!phase.equals("body")) {
                return new Timeout("the request header did not arrive within "
                        + seconds(limits.headerTimeoutMs()) + " (the server's --header-timeout)",
                        phase.equals("header"));
            }
            return new Timeout("the request body did not arrive within "
                    + seconds(limits.bodyTimeoutMs()) + " (the server's --body-timeout)", true);
        }

        private void write(Reply r) throws IOException {
            writeDeadline = deadline(limits.bodyTimeoutMs());
            try {
                if (r.head().length + r.length() <= 8192) {
                    out.write(r.bytes());
                } else {
                    out.write(r.head());
                    out.write(r.body(), 0, r.length());
                }
                out.flush();
            } finally {
                writeDeadline = 0;
            }
        }
    }

    private static long deadline(long ms) {
        long d = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        return d == 0 ? 1 : d;
    }

    static String seconds(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms / 1000.0 + " s";
    }

    private static String clip(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c > 0x7e ? '?' : c);
        }
        return s.length() > 80 ? sb + "..." : sb.toString();
    }

    // ---- answers

    private Map<String, Object> health() {
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
    private long answerBytes(int n) {
        // NOTE: a float takes at most 15 characters (-1.23456789E-38) and a comma; a class label
        // as much
        int k = model.outputSize();
        return (long) n * ((classifier ? 2 * k + 2 : k) * 16 + 24) + 64;
    }

    /** The JSON of the predictions for {@code rows}, on a worker thread. */
    private Bytes answer(RequestRows.Rows rows) {
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
                x[r] = rows.row(from + r);
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
        m.put("input_shape", model.inputShape());
        m.put("output_shape", model.outputShape());
        m.put("input_size", model.inputSize());
        m.put("output_size", model.outputSize());
        m.put("loss", model.spec().loss().id());
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
            labels.add(c != null && c.size() == k && c.isText() ? c.name(j)
                    : label(c != null && c.size() == k ? c.label(j) : j));
        }
        return labels;
    }

    /** A class label as JSON: an integer when it is one. */
    private static Object label(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? (Object) (long) v : (Object) v;
    }

    private static byte[] errorJson(String message) {
        return (Json.write(Map.of("error", message)) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    /** An HTTP/1.1 response with the first {@code length} bytes of {@code body}. */
    private static Reply response(int status, byte[] body, int length, boolean keepAlive,
            String allow, boolean head) {
        StringBuilder h = new StringBuilder(160);
        h.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        h.append("Content-Type: application/json; charset=utf-8\r\n");
        h.append("Content-Length: ").append(length).append("\r\n");
        if (allow != null) {
            h.append("Allow: ").append(allow).append("\r\n");
        }
        if (status == 503) {
            h.append("Retry-After: 1\r\n");
        }
        h.append(keepAlive ? "" : "Connection: close\r\n").append("\r\n");
        return new Reply(h.toString().getBytes(StandardCharsets.US_ASCII), body,
                head ? 0 : length);
    }

    private static Reply response(int status, byte[] body, boolean keepAlive, String allow,
            boolean head) {
        return response(status, body, body.length, keepAlive, allow, head);
    }

    private static Reply response(int status, String json, boolean keepAlive, String allow,
            boolean head) {
        return response(status, json.getBytes(StandardCharsets.UTF_8), keepAlive, allow, head);
    }
}
