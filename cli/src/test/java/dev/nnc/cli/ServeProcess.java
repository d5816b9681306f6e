package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code nnc serve FILE --weights W --port 0 --threads 1} in a child JVM on 127.0.0.1, as a user
 * starts it; the address is read from its first line, and {@link #close} stops it.
 */
final class ServeProcess implements AutoCloseable {
    private final Process process;
    private final URI base;

    private ServeProcess(Process process, URI base) {
        this.process = process;
        this.base = base;
    }

    /** Starts the server and waits (up to 60 s) for the line that gives its address. */
    static ServeProcess start(Path nn, Path weights, Path stderr) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path"));
        Process server = new ProcessBuilder(java, "-Dnnc.cache=off", "-cp", cp,
                "dev.nnc.cli.Main", "serve", nn.toString(), "--weights", weights.toString(),
                "--port", "0", "--threads", "1")
                .redirectError(stderr.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(
                    server.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(60, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)")
                    .matcher(String.valueOf(line));
            assertTrue(m.find(), "first line: " + line + "\nstderr: "
                    + Files.readString(stderr));
            return new ServeProcess(server, URI.create("http://127.0.0.1:" + m.group(1)));
        } catch (Exception | AssertionError e) {
            stop(server);
            throw e;
        }
    }

    /** The server's address, {@code http://127.0.0.1:PORT}. */
    URI base() {
        return base;
    }

    @Override
    public void close() {
        stop(process);
    }

    private static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
