package dev.nnc.cli;

import static dev.nnc.cli.HttpWire.clip;
import static dev.nnc.cli.HttpWire.closeQuietly;
import static dev.nnc.cli.HttpWire.deadline;
import static dev.nnc.cli.HttpWire.errorJson;
import static dev.nnc.cli.HttpWire.response;
import static dev.nnc.cli.HttpWire.seconds;
import static dev.nnc.cli.ModelServer.MAX_HEADER;

import dev.nnc.cli.HttpWire.Bytes;
import dev.nnc.cli.HttpWire.Refusal;
import dev.nnc.cli.HttpWire.Reply;
import dev.nnc.cli.HttpWire.Request;
import dev.nnc.cli.HttpWire.Timeout;
import dev.nnc.runtime.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
/**
 * One connection of {@link ModelServer}, on a thread of its own: reads each request within the
 * header and body timeouts, answers it (predictions on the server's workers), and keeps the
 * connection open while the client asks to and the server is not stopping.
 */
final class ServeConnection {
    private final ModelServer server;
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

    ServeConnection(ModelServer server, Socket s) throws IOException {
        this.server = server;
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
            while (!server.stopping || busy) {
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
            server.outOfMemory.incrementAndGet();
        } finally {
            if (unread) {
                linger();
            }
            busy = false;
            server.connections.remove(this);
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
            readDeadline = deadline(Math.min(server.limits.bodyTimeoutMs(), 5_000));
            long max = server.limits.maxBody() + MAX_HEADER;
            for (long i = 0; i < max && read() >= 0; i++) {
                // dropped
            }
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
    }

    /** Reads and answers one request; false: close the connection. */
    private boolean serveOne() throws IOException {
        readDeadline = deadline(server.limits.headerTimeoutMs());
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
                    if (req.contentLength() > server.limits.maxBody()) {
                        throw new Refusal(413, "request body of " + req.contentLength()
                                + " bytes is larger than " + server.limits.maxBody()
                                + " bytes (the server's --max-body)", true);
                    }
                    reserve(req.contentLength(), true);
                    if (server.stopping) {
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
                    answer = getPath(req, keepAlive && !server.stopping);
                }
            } catch (Refusal r) {
                keepAlive = keepAlive && !r.close;
                answer = response(r.status, errorJson(r.getMessage()),
                        keepAlive && !server.stopping, r.allow, req.method().equals("HEAD"));
            }
            write(answer);
            server.answered.incrementAndGet();
        } catch (OutOfMemoryError e) {
            server.outOfMemory.incrementAndGet();
            keepAlive = false;
            try {
                write(response(503, "{\"error\":\"the server ran out of memory on this "
                        + "request; try fewer rows\"}\n", false, null, false));
                server.answered.incrementAndGet();
            } catch (IOException | RuntimeException | OutOfMemoryError ignored) {
                // the connection is closed below
            }
        } finally {
            if (held > 0) {
                server.inflightBytes.addAndGet(-held);
                held = 0;
            }
            busy = false;
        }
        return keepAlive && !server.stopping;
    }

    /** Holds {@code bytes} of the in-flight budget for this request, or 503. */
    private void reserve(long bytes, boolean close) throws Refusal {
        long n = Math.max(1, bytes);
        while (true) {
            long now = server.inflightBytes.get();
            if (now > 0 && now + n > server.limits.maxInflightBytes()) {
                server.rejectedBusy.incrementAndGet();
                throw new Refusal(503, "busy: the requests in progress hold " + now
                        + " bytes of the server's " + server.limits.maxInflightBytes()
                        + " (--max-inflight); try again", close);
            }
            if (server.inflightBytes.compareAndSet(now, now + n)) {
                held += n;
                return;
            }
        }
    }

    /** The answer of {@code POST /predict}, its body read and parsed here. */
    private Reply predict(Request req) throws IOException, Refusal {
        readDeadline = deadline(server.limits.bodyTimeoutMs());
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
            rows = RequestRows.parse(src, server.inputShape, server.limits.maxRows(),
                    req.contentLength(), server.model.name(), server.missing, server.oneHot,
                    server.symbols);
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
        long bytes = 4L * rows.data().length + server.answerBytes(rows.count());
        if (bytes > server.limits.maxInflightBytes()) {
            throw new Refusal(413, rows.count() + " rows and their answer would take about "
                    + bytes + " bytes, more than the server's " + server.limits.maxInflightBytes()
                    + " (--max-inflight); send fewer rows", false);
        }
        server.inflightBytes.addAndGet(-held);
        held = 0;
        reserve(bytes, false);
        Future<Bytes> f;
        try {
            RequestRows.Rows r = rows;
            f = server.pool.submit(() -> server.answer(r));
        } catch (RejectedExecutionException e) {
            server.rejectedBusy.incrementAndGet();
            throw new Refusal(503, server.stopping ? "the server is stopping" : "busy: "
                    + server.limits.threads() + " workers and " + server.limits.queue()
                    + " queued requests (--threads, --queue); try again", false);
        }
        rows = null;
        try {
            Bytes json = f.get();
            return response(200, json.array(), json.size(), req.keepAlive() && !server.stopping,
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
                Map<String, Object> h = server.health();
                return response(h.get("status").equals("ok") ? 200 : 503,
                        Json.write(h) + "\n", keepAlive, null, head);
            }
            case "/model" -> {
                if (!get) {
                    throw new Refusal(405, req.method() + " is not allowed here; use GET",
                            false, "GET");
                }
                return response(200, server.modelJson + "\n", keepAlive, null, head);
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
        if (req.contentLength() > server.limits.maxBody()) {
            return false;
        }
        readDeadline = deadline(server.limits.bodyTimeoutMs());
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
                    + seconds(server.limits.headerTimeoutMs()) + " (the server's --header-timeout)",
                    phase.equals("header"));
        }
        return new Timeout("the request body did not arrive within "
                + seconds(server.limits.bodyTimeoutMs()) + " (the server's --body-timeout)", true);
    }

    private void write(Reply r) throws IOException {
        writeDeadline = deadline(server.limits.bodyTimeoutMs());
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
