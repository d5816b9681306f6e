package dev.nnc.cli;

import dev.nnc.runtime.io.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 wire of {@link ModelServer}: the request head as read, the responses as written
 * (status line, fields, JSON body), the refusals and timeouts that end a request, and the
 * deadlines of reads and writes.
 */
final class HttpWire {
    private HttpWire() {
    }


    /** The header did not arrive in time: answer 408 and close. */
    static final class Timeout extends IOException {
        private static final long serialVersionUID = 1L;
        /** A request had begun: answer 408 (else close without a word). */
        final boolean answer;

        Timeout(String message, boolean answer) {
            super(message);
            this.answer = answer;
        }
    }

    /** The request cannot be answered normally: status, message, and whether to close. */
    static final class Refusal extends Exception {
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
    record Reply(byte[] head, byte[] body, int length) {
        byte[] bytes() {
            byte[] all = Arrays.copyOf(head, head.length + length);
            System.arraycopy(body, 0, all, head.length, length);
            return all;
        }
    }

    /** A growable byte buffer whose array is handed on without a copy. */
    static final class Bytes extends ByteArrayOutputStream {
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

    record Request(String method, String path, boolean http11, boolean keepAlive,
            long contentLength, boolean chunked, boolean expectContinue) {
    }


    static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    static long deadline(long ms) {
        long d = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        return d == 0 ? 1 : d;
    }

    static String seconds(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms / 1000.0 + " s";
    }

    static String clip(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c > 0x7e ? '?' : c);
        }
        return s.length() > 80 ? sb + "..." : sb.toString();
    }

    static byte[] errorJson(String message) {
        return (Json.write(Map.of("error", message)) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static String reason(int status) {
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
    static Reply response(int status, byte[] body, int length, boolean keepAlive,
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

    static Reply response(int status, byte[] body, boolean keepAlive, String allow,
            boolean head) {
        return response(status, body, body.length, keepAlive, allow, head);
    }

    static Reply response(int status, String json, boolean keepAlive, String allow,
            boolean head) {
        return response(status, json.getBytes(StandardCharsets.UTF_8), keepAlive, allow, head);
    }
}
