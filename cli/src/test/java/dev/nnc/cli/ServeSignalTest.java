package dev.nnc.cli;

import static dev.nnc.cli.MainTest.nnc;
import static dev.nnc.cli.MainTest.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.io.Json;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nnc serve} stopped by SIGTERM through the {@code nnc} launcher, whose stderr filter (it
 * drops the JVM's incubator warning) sits between the JVM and the terminal: the shutdown lines
 * are all out when the process has exited, and {@code --json} says them as JSON lines on stdout.
 */
class ServeSignalTest {
    @TempDir
    Path dir;

    /** A server run as the launcher runs it; its stdout read live, its stderr into a file. */
    private final class Launched {
        final Process process;
        final Path err;
        final List<String> out = new ArrayList<>();

        Launched(String... args) throws IOException {
            String launcher = Files.readString(Path.of("..", "nnc"), StandardCharsets.UTF_8);
            int from = launcher.indexOf("incubator_warning=");
            assertTrue(from >= 0, "the launcher's filter");
            // NOTE: the launcher's own last lines, with java, the jar and the JVM options set
            // as it sets them for serve: the jar is one whose manifest names the test's class
            // path (the real jar is made after the tests).
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String script = "set -euo pipefail\njava='" + java + "'\njar='" + jar()
                    + "'\nvector=(--add-modules jdk.incubator.vector)\n"
                    + "jit=(-XX:Tier4BackEdgeThreshold=1000000)\nNNC_JAVA_OPTS=-Dnnc.cache=off\n"
                    + launcher.substring(from);
            List<String> cmd = new ArrayList<>(List.of("bash", "-c", script, "nnc"));
            cmd.addAll(List.of(args));
            err = dir.resolve("stderr-" + System.nanoTime());
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectError(err.toFile());
            // NOTE: the filter's cat passes each line 0.3 s late, as on a loaded machine, so
            // that an exit that does not wait for it shows
            pb.environment().put("PATH", slowCat() + File.pathSeparator
                    + System.getenv("PATH"));
            process = pb.start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(
                        process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        synchronized (out) {
                            out.add(line);
                            out.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        private Path slowCat() throws IOException {
            Path bin = Files.createDirectories(dir.resolve("slow-bin"));
            Path cat = bin.resolve("cat");
            if (!Files.exists(cat)) {
                Files.writeString(cat, "#!/usr/bin/env bash\n"
                        + "while IFS= read -r line; do\n    sleep 0.3\n"
                        + "    printf '%s\\n' \"$line\"\ndone\n");
                assertTrue(cat.toFile().setExecutable(true));
            }
            return bin;
        }

        private Path jar() throws IOException {
            Path jar = dir.resolve("nnc-test.jar");
            if (Files.exists(jar)) {
                return jar;
            }
            String cp = System.getProperty("surefire.test.class.path",
                    System.getProperty("java.class.path"));
            StringBuilder urls = new StringBuilder();
            for (String entry : cp.split(File.pathSeparator)) {
                Path p = Path.of(entry).toAbsolutePath();
                urls.append(' ').append(p.toUri().toURL().getPath());
            }
            Manifest mf = new Manifest();
            mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.nnc.cli.Main");
            mf.getMainAttributes().put(Attributes.Name.CLASS_PATH, urls.toString().trim());
            try (OutputStream o = Files.newOutputStream(jar)) {
                new JarOutputStream(o, mf).close(); // the manifest is all
            }
            return jar;
        }

        /** Waits (at most 60 s) for the first line of stdout. */
        String firstLine() throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            synchronized (out) {
                while (out.isEmpty()) {
                    long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                    assertTrue(left > 0 && process.isAlive(), "no first line: " + stderr());
                    out.wait(Math.min(left, 200));
                }
                return out.get(0);
            }
        }

        /** SIGTERM to the JVM (the launcher's process, which it replaced with exec). */
        int terminate() throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(process.pid()))
                    .inheritIO().start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "stopped within 60 s");
            return process.exitValue();
        }

        String stderr() {
            try {
                return Files.readString(err, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        }
    }

    private String[] serve(String... more) throws IOException {
        Path model = dir.resolve("xor.nn");
        if (!Files.exists(model)) {
            Files.copy(Path.of(res("xor.nn")), model);
            Files.copy(Path.of(res("xor.csv")), dir.resolve("xor.csv"));
            assertEquals(0, nnc("train", model.toString(), "-q", "--epochs", "5", "-o",
                    dir.resolve("xor.safetensors").toString()).code());
        }
        List<String> args = new ArrayList<>(List.of("serve", model.toString(), "-w",
                dir.resolve("xor.safetensors").toString(), "--port", "0", "--threads", "1"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /**
     * SIGTERM: the drained-shutdown lines are in stderr when the process has exited (read at
     * that moment, not after the filter has caught up), and nothing else is: no incubator
     * warning.
     */
    @Test
    void theStoppedLineIsOutWhenTheProcessHasExited() throws Exception {
        Launched s = new Launched(serve());
        assertTrue(s.firstLine().startsWith("serving model Xor on http://127.0.0.1:"),
                s.firstLine());
        int code = s.terminate();
        String err = s.stderr(); // at once: what came after the exit would be missing
        assertEquals(143, code, err);
        assertEquals("nnc serve: stopping: no new connections, finishing the requests in "
                + "progress (up to 10 s)\nnnc serve: stopped\n", err);
    }

    /** {@code --json}: the start and the stop as JSON lines on stdout; {@code -q}: no stderr. */
    @Test
    void jsonLinesOnStdoutAndQuietStderr() throws Exception {
        Launched s = new Launched(serve("--json"));
        Map<?, ?> listening = (Map<?, ?>) Json.parse(s.firstLine());
        assertEquals("listening", listening.get("event"));
        assertEquals("Xor", listening.get("model"));
        assertTrue(((String) listening.get("url")).startsWith("http://127.0.0.1:"), listening
                .toString());
        assertEquals(143, s.terminate(), s.stderr());
        assertEquals("", s.stderr());
        List<String> lines;
        synchronized (s.out) {
            lines = new ArrayList<>(s.out);
        }
        // NOTE: stdout is a pipe read by a thread: wait for it to reach the end
        for (int i = 0; i < 100 && lines.size() < 3; i++) {
            Thread.sleep(20);
            synchronized (s.out) {
                lines = new ArrayList<>(s.out);
            }
        }
        assertEquals(3, lines.size(), lines.toString());
        assertEquals("stopping", ((Map<?, ?>) Json.parse(lines.get(1))).get("event"));
        Map<?, ?> stopped = (Map<?, ?>) Json.parse(lines.get(2));
        assertEquals("stopped", stopped.get("event"));
        assertEquals(0L, stopped.get("cut_off"));

        Launched q = new Launched(serve("-q"));
        assertTrue(q.firstLine().startsWith("serving model Xor"), q.firstLine());
        assertEquals(143, q.terminate());
        assertEquals("", q.stderr());
        assertFalse(q.stderr().contains("incubator"));
    }
}
