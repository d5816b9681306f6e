package dev.nnc.cli;

import static dev.nnc.cli.MainTest.assertNoStackTrace;
import static dev.nnc.cli.MainTest.nnc;
import static dev.nnc.cli.MainTest.res;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.cli.MainTest.Run;
import dev.nnc.cli.report.History;
import dev.nnc.runtime.io.Json;
import dev.nnc.runtime.io.Safetensors;
import dev.nnc.runtime.io.Tensor;
import dev.nnc.runtime.train.Checkpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nnc train} loses nothing: a Ctrl-C saves the last complete epoch (a real signal to a
 * child process), a second one quits at once; outputs are checked before training and replaced
 * together or not at all (a full disk, a diverged run, {@code --epochs 0}).
 */
class TrainSafetyTest {
    @TempDir
    Path dir;

    private static Run ok(String... args) {
        Run r = nnc(args);
        assertEquals(0, r.code(), r.all());
        return r;
    }

    /**
     * deep.nn (batch norm, dropout, Adam, a schedule, shuffling, validation, early stopping
     * with restore-best) trained for {@code epochs} epochs, with its data paths made absolute.
     */
    private Path deep(String name, int epochs, int patience) throws IOException {
        String src = Files.readString(Path.of(res("deep.nn")))
                .replace("epochs: 24", "epochs: " + epochs)
                .replace("every: 5, gamma: 0.7", "every: 1000, gamma: 0.9")
                .replace("patience: 50", "patience: " + patience)
                .replace("\"three.csv\"", "\"" + Path.of(res("three.csv")) + "\"")
                .replace("\"three-test.csv\"", "\"" + Path.of(res("three-test.csv")) + "\"");
        Path p = dir.resolve(name);
        Files.writeString(p, src);
        return p;
    }

    /** XOR with another learning rate, its data path absolute. */
    private Path xor(String lr) throws IOException {
        String src = Files.readString(Path.of(res("xor.nn")))
                .replace("\"xor.csv\"", "\"" + Path.of(res("xor.csv")) + "\"");
        Matcher m = Pattern.compile("lr: [0-9.e-]+").matcher(src);
        assertTrue(m.find(), src);
        Path p = dir.resolve("xor-" + lr + ".nn");
        Files.writeString(p, m.replaceFirst("lr: " + lr));
        return p;
    }

    private static void assertSameTensors(Path a, Path b) {
        List<Tensor> x = Safetensors.read(a).tensors();
        List<Tensor> y = Safetensors.read(b).tensors();
        assertEquals(x.size(), y.size());
        for (int i = 0; i < x.size(); i++) {
            assertEquals(x.get(i).name(), y.get(i).name());
            assertArrayEquals(x.get(i).data(), y.get(i).data(), x.get(i).name());
        }
    }

    private static List<Path> temporaryFiles(Path d) throws IOException {
        try (Stream<Path> s = Files.walk(d)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    // ---- interrupts: a real signal to a child process

    /** {@code nnc train ...} in a child JVM, as the launcher runs it; its stderr read live. */
    static final class Child {
        final Process process;
        final List<String> err = new ArrayList<>();
        final StringBuilder out = new StringBuilder();
        private String sig;

        Child(Path workDir, String... args) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = System.getProperty("surefire.test.class.path",
                    System.getProperty("java.class.path"));
            List<String> cmd = new ArrayList<>(List.of(java, "-Dnnc.cache=off", "-cp", cp,
                    "dev.nnc.cli.Main"));
            cmd.addAll(List.of(args));
            process = new ProcessBuilder(cmd).directory(workDir.toFile()).start();
            Thread errReader = new Thread(() -> drain(process.getErrorStream(), err, null));
            Thread outReader = new Thread(() -> drain(process.getInputStream(), null, out));
            errReader.setDaemon(true);
            outReader.setDaemon(true);
            errReader.start();
            outReader.start();
        }

        private void drain(java.io.InputStream in, List<String> lines, StringBuilder text) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in,
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (this) {
                        if (lines != null) {
                            lines.add(line);
                        } else {
                            text.append(line).append('\n');
                        }
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        /** Waits (at most 60 s) for a line of stderr containing {@code text}. */
        synchronized void awaitErr(String text) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (err.stream().noneMatch(l -> l.contains(text))) {
                long left = end - System.nanoTime();
                assertTrue(left > 0 && process.isAlive() || err.stream()
                        .anyMatch(l -> l.contains(text)), "no '" + text + "' in " + all());
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }

        /**
         * Sends SIGINT, as Ctrl-C does; SIGTERM where this process was started with SIGINT
         * ignored (a background job of a shell without job control), since the child inherits
         * that. Returns the exit status to expect.
         */
        int interrupt() throws IOException, InterruptedException {
            sig = sigintIgnored() ? "TERM" : "INT";
            Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid()))
                    .inheritIO().start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, kill.exitValue());
            return sig.equals("INT") ? 130 : 143;
        }

        private boolean sigintIgnored() throws IOException {
            Path status = Path.of("/proc", Long.toString(process.pid()), "status");
            if (!Files.exists(status)) {
                return false;
            }
            for (String l : Files.readAllLines(status)) {
                if (l.startsWith("SigIgn:")) {
                    return (Long.parseUnsignedLong(l.substring(7).strip(), 16) & 2) != 0;
                }
            }
            return false;
        }

        /** How nnc names the signal {@link #interrupt} sent: "interrupted" or "terminated". */
        String stopped() {
            return "INT".equals(sig) ? "interrupted" : "terminated";
        }

        int waitFor() throws InterruptedException {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("still running 60 s later: " + all());
            }
            return process.exitValue();
        }

        synchronized String all() {
            return "--- stdout\n" + out + "--- stderr\n" + String.join("\n", err);
        }
    }

    /**
     * Ctrl-C in the middle of a run: the weights (the best epoch's, restore-best), the history
     * and a checkpoint of the last complete epoch are saved, the way on is shown, the exit status
     * is 130; resumed from that checkpoint, the run ends with the weights of an uninterrupted
     * run, bit for bit.
     */
    @Test
    void ctrlCSavesTheLastCompleteEpochAndTheResumedRunEqualsAnUninterruptedOne()
            throws Exception {
        Path model = deep("long.nn", 3000, 100_000);
        Path w = dir.resolve("cut.safetensors");
        Path ckpt = dir.resolve("cut.ckpt.safetensors");
        Child c = new Child(dir, "train", model.toString(), "-o", w.toString(), "--log-every",
                "100");
        c.awaitErr("epoch  100/3000");
        int expected = c.interrupt();
        assertEquals(expected, c.waitFor(), c.all());
        String all = c.all();

        int k = Checkpoint.read(ckpt).epoch();
        assertTrue(k >= 100 && k < 3000, "saved epoch " + k + "\n" + all);
        assertTrue(all.contains("nnc: " + c.stopped() + "; saving the last complete epoch after"
                + " this batch"), all);
        assertTrue(all.contains("interrupted after epoch " + k + ", the last complete one"), all);
        assertTrue(all.contains("nnc: interrupted; saved epoch " + k), all);
        assertTrue(all.contains("--resume " + ckpt), all);
        assertTrue(all.contains("weights saved to " + w), all);
        assertEquals(k + 1, Files.readAllLines(History.pathFor(w)).size(), "one row per epoch");
        assertEquals(List.of(), temporaryFiles(dir));
        Run eval = ok("eval", model.toString(), "--weights", w.toString());
        assertTrue(eval.out().contains("accuracy"), eval.all());

        Run resumed = ok("train", model.toString(), "-q", "-o", w.toString(), "--resume",
                ckpt.toString());
        assertTrue(resumed.out().matches("(?s).*\nepochs_run +3000\n.*"), resumed.all());
        Path whole = dir.resolve("whole.safetensors");
        ok("train", model.toString(), "-q", "-o", whole.toString());
        assertSameTensors(whole, w);
    }

    /**
     * A second Ctrl-C while the outputs are being written (the report's charts take a while)
     * ends the process at once: the files of the previous run are as they were, and no
     * temporary file is left.
     */
    @Test
    void aSecondCtrlCQuitsAtOnceAndLeavesThePreviousFilesAsTheyWere() throws Exception {
        Path model = deep("long.nn", 3000, 100_000);
        Path w = dir.resolve("w.safetensors");
        Path report = dir.resolve("report");
        ok("train", model.toString(), "-q", "-o", w.toString(), "--epochs", "3", "--report",
                report.toString());
        byte[] weights = Files.readAllBytes(w);
        byte[] history = Files.readAllBytes(History.pathFor(w));
        byte[] page = Files.readAllBytes(report.resolve("index.html"));

        Child c = new Child(dir, "train", model.toString(), "-o", w.toString(), "--log-every",
                "100", "--report", report.toString());
        c.awaitErr("epoch  100/3000");
        int expected = c.interrupt();
        c.awaitErr("nnc: " + c.stopped() + "; saving");
        c.interrupt();
        assertEquals(expected, c.waitFor(), c.all());
        assertTrue(c.all().contains("nnc: stopped at once; the outputs of this run are not saved,"
                + " the previous files are as they were"), c.all());
        assertArrayEquals(weights, Files.readAllBytes(w));
        assertArrayEquals(history, Files.readAllBytes(History.pathFor(w)));
        assertArrayEquals(page, Files.readAllBytes(report.resolve("index.html")));
        assertFalse(Files.exists(dir.resolve("w.ckpt.safetensors")));
        assertEquals(List.of(), temporaryFiles(dir));
    }

    // ---- nothing overwritten by accident

    @Test
    void epochsZeroIsRefusedAndKeepsTheTrainedWeights() throws IOException {
        Path w = dir.resolve("three.safetensors");
        ok("train", res("three.nn"), "-q", "-o", w.toString(), "--epochs", "3");
        byte[] before = Files.readAllBytes(w);
        Run r = nnc("train", res("three.nn"), "-q", "-o", w.toString(), "--epochs", "0");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().startsWith("nnc: error: Invalid value for option '--epochs': 0 is less"
                + " than 1"), r.all());
        assertArrayEquals(before, Files.readAllBytes(w));
    }

    /** An output that cannot be written fails at once (exit 1), before any training. */
    @Test
    void unwritableOutputsFailBeforeTraining() throws IOException {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "in the way\n");
        Path w = dir.resolve("w.safetensors");
        for (String[] opts : new String[][] {{"-o", file.resolve("w.safetensors").toString()},
                {"-o", w.toString(), "--checkpoint", file.resolve("c.ckpt").toString(),
                    "--checkpoint-every", "100"},
                {"-o", w.toString(), "--metrics-json", file.resolve("m.json").toString()},
                {"-o", w.toString(), "--report", file.toString()},
                {"-o", dir.toString()}}) {
            List<String> args = new ArrayList<>(List.of("train", res("xor.nn")));
            args.addAll(List.of(opts));
            Run r = nnc(args.toArray(String[]::new));
            assertEquals(1, r.code(), r.all());
            assertTrue(r.err().startsWith("nnc: error: cannot write "), r.all());
            assertFalse(r.err().contains("training "), "before training: " + r.all());
            assertEquals("", r.out(), r.all());
            assertNoStackTrace(r);
        }
        assertFalse(Files.exists(w), "nothing written");
    }

    /**
     * The disk fills up while the outputs are written: the history (the largest file) cannot be
     * written, so neither the weights staged before it nor anything else replaces the previous
     * set, and the error names the file. Where this test may mount a 64 KiB tmpfs (as root) the
     * disk is really full (ENOSPC); elsewhere the run is a child process whose files may not
     * grow past 64 KiB ({@code ulimit -f}: EFBIG, the same failure of a write).
     */
    @Test
    void aFullDiskLeavesThePreviousSetWholeAndNamesTheFile() throws Exception {
        Path small = dir.resolve("small");
        Files.createDirectories(small);
        boolean tmpfs = run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small.toString());
        try {
            Path model = deep("d.nn", 3000, 100_000);
            Path w = small.resolve("w.safetensors");
            Path json = small.resolve("m.json");
            ok("train", model.toString(), "-q", "-o", w.toString(), "--epochs", "20",
                    "--metrics-json", json.toString());
            byte[] weights = Files.readAllBytes(w);
            byte[] history = Files.readAllBytes(History.pathFor(w));
            byte[] metrics = Files.readAllBytes(json);
            String[] args = {"train", model.toString(), "-q", "-o", w.toString(),
                "--metrics-json", json.toString()};
            int code;
            String err;
            if (tmpfs) {
                Run r = nnc(args);
                code = r.code();
                err = r.err();
                assertNoStackTrace(r);
            } else {
                List<String> cmd = new ArrayList<>(List.of("bash", "-c",
                        "ulimit -f 64 && exec \"$0\" \"$@\"",
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Dnnc.cache=off", "-cp", System.getProperty("surefire.test.class.path",
                                System.getProperty("java.class.path")), "dev.nnc.cli.Main"));
                cmd.addAll(List.of(args));
                Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect
                        .DISCARD).start();
                err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), err);
                code = p.exitValue();
            }
            assertEquals(1, code, err);
            assertTrue(err.contains("nnc: error: cannot write " + History.pathFor(w) + ": "
                    + (tmpfs ? "No space left on device" : "File too large")), err);
            assertArrayEquals(weights, Files.readAllBytes(w));
            assertArrayEquals(history, Files.readAllBytes(History.pathFor(w)));
            assertArrayEquals(metrics, Files.readAllBytes(json));
            assertEquals(List.of(), temporaryFiles(small));
        } finally {
            if (tmpfs) {
                assertTrue(run("umount", small.toString()));
            }
        }
    }

    /** Runs a command; true when it exits 0. */
    private static boolean run(String... cmd) throws IOException, InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) {
            return false;
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    @Test
    void staleTemporaryFilesOfAKilledRunAreRemoved() throws IOException {
        Path w = dir.resolve("t.safetensors");
        // NOTE: no process has this id (Linux ids are below 2^22).
        Path staleWeights = dir.resolve(".t.safetensors.2147483646.1a2b.tmp");
        Path staleCkpt = dir.resolve(".t.ckpt.safetensors.2147483646.3c4d.tmp");
        Path live = dir.resolve(".t.safetensors." + ProcessHandle.current().pid() + ".5e.tmp");
        for (Path p : List.of(staleWeights, staleCkpt, live)) {
            Files.writeString(p, "partial");
        }
        ok("train", res("three.nn"), "-q", "--epochs", "3", "-o", w.toString());
        assertFalse(Files.exists(staleWeights));
        assertFalse(Files.exists(staleCkpt));
        assertTrue(Files.exists(live), "a running process's file stays");
    }

    /**
     * XOR with lr 1e9: the loss explodes but stays finite. The run is reported diverged (exit 1)
     * and the weights and history of the previous run stay as they were.
     */
    @Test
    void aDivergedRunKeepsThePreviousWeightsAndHistory() throws IOException {
        Path w = dir.resolve("xor.safetensors");
        ok("train", res("xor.nn"), "-q", "-o", w.toString());
        byte[] weights = Files.readAllBytes(w);
        byte[] history = Files.readAllBytes(History.pathFor(w));
        Path json = dir.resolve("m.json");
        Run r = nnc("train", xor("1e9").toString(), "-o", w.toString(), "--metrics-json",
                json.toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("diverged at epoch 1: the training loss "), r.all());
        assertTrue(r.err().contains("nnc: error: training diverged (the training loss "), r.all());
        assertTrue(r.err().contains("is over 1000 times the initial model's"), r.all());
        assertTrue(r.out().matches("(?s).*\ndiverged\\s+true\n.*"), r.out());
        assertArrayEquals(weights, Files.readAllBytes(w));
        assertArrayEquals(history, Files.readAllBytes(History.pathFor(w)));
        Map<?, ?> m = (Map<?, ?>) Json.parse(Files.readString(json));
        assertEquals(Boolean.TRUE, m.get("diverged"));
        assertNoStackTrace(r);
    }

    @Test
    void earlyStoppingNamesTheConditionAndTheRestoredEpoch() throws IOException {
        Path model = deep("early.nn", 400, 5);
        Run r = ok("train", model.toString(), "-o", dir.resolve("e.safetensors").toString());
        Matcher m = Pattern.compile("stopped early at epoch (\\d+): val_loss did not improve for"
                + " 5 epochs \\(best [0-9.]+ at epoch (\\d+)\\); restored the weights of epoch"
                + " (\\d+)\n").matcher(r.err());
        assertTrue(m.find(), r.all());
        assertEquals(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)) + 5);
        assertEquals(m.group(2), m.group(3));
        assertFalse(r.err().contains("null"), r.all());
    }
}
