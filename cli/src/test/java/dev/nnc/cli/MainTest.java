package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.io.Json;
import dev.nnc.runtime.model.Missing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The CLI as a user runs it: exit status, stdout and stderr of {@code nnc ...}, in process. */
class MainTest {
    @TempDir
    static Path shared;

    /**
     * The stderr that main uses under the launcher's filter: the same bytes as the JVM's own
     * stream, text and raw bytes, and a note of every write (none before the first).
     */
    @Test
    void theNotingStderrWritesTheSameBytesAndNotesEachWrite() {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ByteArrayOutputStream noted = new ByteArrayOutputStream();
        int[] notes = {0};
        PrintStream a = new PrintStream(plain, true);
        PrintStream b = Main.noteWrites(new PrintStream(noted, true), () -> notes[0]++);
        b.flush();
        assertEquals(0, notes[0]);
        for (PrintStream s : List.of(a, b)) {
            s.println("nnc: error: x.nn:1:2: \u00e9t\u00e9 \u2192 3.5");
            s.print('\u00e9');
            s.write(7);
            s.write(new byte[] {1, 2, 3}, 1, 2);
            s.printf("%d%n", 42);
            s.flush();
        }
        assertArrayEquals(plain.toByteArray(), noted.toByteArray());
        assertTrue(notes[0] >= 5, "notes " + notes[0]);
    }

    /** Weights trained once for the tests that only read them. */
    static Path xorWeights;
    static Path lineWeights;
    static Path threeWeights;

    record Run(int code, String out, String err) {
        /** Everything a user would see, for messages of failed assertions. */
        String all() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Run nnc(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Charset cs = Charset.defaultCharset();
        int code;
        try (PrintStream o = new PrintStream(out, true, cs);
                PrintStream e = new PrintStream(err, true, cs)) {
            code = Main.run(args, o, e, env);
        }
        return new Run(code, out.toString(cs), err.toString(cs));
    }

    static Run nnc(String... args) {
        return nnc(Map.of(), args);
    }

    static String res(String name) {
        try {
            return Path.of(MainTest.class.getResource("/models/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertNoStackTrace(Run r) {
        assertFalse(r.err.contains("\tat "), r.all());
        assertFalse(r.err.contains("Exception"), r.all());
    }

    @BeforeAll
    static void train() {
        xorWeights = shared.resolve("xor.safetensors");
        lineWeights = shared.resolve("line.safetensors");
        threeWeights = shared.resolve("three.safetensors");
        for (String[] m : new String[][] {{"xor.nn", xorWeights.toString()},
                {"line.nn", lineWeights.toString()}, {"three.nn", threeWeights.toString()}}) {
            Run r = nnc("train", res(m[0]), "--quiet", "--out", m[1]);
            assertEquals(0, r.code, r.all());
        }
    }

    // ---- help, version, usage errors

    @Test
    void helpExitsZero() {
        Run r = nnc("--help");
        assertEquals(0, r.code, r.all());
        assertTrue(r.out.contains("Usage: nnc"), r.out);
        for (String c : List.of("check", "fmt", "summary", "compile", "train", "eval", "predict",
                "params", "lsp")) {
            assertTrue(r.out.contains("  " + c + " "), c + " in\n" + r.out);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"check", "fmt", "summary", "compile", "train", "eval", "predict",
        "params", "lsp"})
    void everyCommandHasHelpWithExamples(String command) {
        Run r = nnc(command, "--help");
        assertEquals(0, r.code, r.all());
        assertTrue(r.out.contains("Usage: nnc " + command), r.out);
        assertTrue(r.out.contains("Examples:"), r.out);
        assertTrue(r.out.contains("nnc " + command + " "), r.out);
    }

    @Test
    void versionExitsZero() {
        Run r = nnc("--version");
        assertEquals(0, r.code, r.all());
        assertTrue(r.out.startsWith("nnc "), r.out);
    }

    @Test
    void missingParameterIsAUsageError() {
        Run r = nnc("train");
        assertEquals(2, r.code, r.all());
        assertTrue(r.err.contains("Missing required parameter: 'FILE'"), r.err);
        assertTrue(r.err.contains("Try 'nnc train --help'"), r.err);
    }

    @Test
    void unknownOptionIsAUsageErrorWithASuggestion() {
        Run r = nnc("train", res("xor.nn"), "--epoch", "3");
        assertEquals(2, r.code, r.all());
        assertTrue(r.err.contains("Unknown option"), r.err);
        assertTrue(r.err.contains("--epochs"), r.err);
    }

    @Test
    void unknownCommandIsAUsageError() {
        Run r = nnc("trian", res("xor.nn"));
        assertEquals(2, r.code, r.all());
        assertTrue(r.err.contains("nnc train"), r.err);
    }

    @Test
    void noCommandIsAUsageError() {
        Run r = nnc();
        assertEquals(2, r.code, r.all());
        assertTrue(r.err.contains("no command given"), r.err);
    }

    @Test
    void badOptionValuesAreUsageErrors() {
        assertEquals(2, nnc("train", res("xor.nn"), "--epochs", "many").code);
        assertEquals(2, nnc("train", res("xor.nn"), "--threads", "0").code);
        assertEquals(2, nnc("train", res("xor.nn"), "--log-every", "0").code);
        assertEquals(2, nnc("compile", res("xor.nn"), "--package", "com.1bad").code);
        assertEquals(2, nnc("predict", res("xor.nn")).code); // --input is required
    }

    @Test
    void threadCountsAreBoundedByTheMachine() {
        int max = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
        String bound = " is more than this machine can use (at most " + max
                + ": four per processor, at least 8)";
        Run r = nnc("train", res("xor.nn"), "--threads", "100000");
        assertEquals(2, r.code, r.all());
        assertTrue(r.err.contains("Invalid value for option '--threads': 100000" + bound),
                r.err);
        r = nnc("serve", res("xor.nn"), "--threads", Integer.toString(max + 1));
        assertEquals(2, r.code, r.all());
        assertTrue(r.err.contains("Invalid value for option '--threads': " + (max + 1) + bound),
                r.err);
    }

    // ---- check

    @Test
    void checkReportsEveryErrorWithFileLineAndColumn() {
        Run r = nnc("check", res("broken.nn"));
        assertEquals(1, r.code, r.all());
        assertEquals("", r.out);
        assertTrue(r.err.contains("broken.nn:3:5: error[NN0201]: unknown layer 'desne'"), r.err);
        assertTrue(r.err.contains("did you mean 'dense'?"), r.err);
        assertTrue(r.err.contains("broken.nn:4:11: error[NN0304]"), r.err);
        assertTrue(r.err.contains("\n        desne(2) -> sigmoid\n        ^~~~~\n"), r.err);
        assertTrue(r.err.contains("2 errors, 1 warning"), r.err);
        assertNoStackTrace(r);
    }

    @Test
    void checkPutsTheCaretUnderItsTextPastAnEmojiAndATab(@TempDir Path dir) throws IOException {
        // 😀 is one code point (one column, as the compiler counts) and two UTF-16 chars; the
        // comment makes the line longer than the echo's limit in chars, not in code points
        Path f = dir.resolve("emoji.nn");
        Files.writeString(f, "model M {\n    input [2]\n\t/* " + "\uD83D\uDE00".repeat(60)
                + " */\tdesne(2)\n    loss mse\n}\n", StandardCharsets.UTF_8);
        Run r = nnc("check", f.toString());
        assertEquals(1, r.code, r.all());
        assertTrue(r.err.contains("emoji.nn:3:69: error[NN0201]: unknown layer 'desne'"), r.err);
        String[] lines = r.err.split("\n");
        int echo = 1;
        while (!lines[echo - 1].contains("error[NN0201]")) {
            echo++;
        }
        int caret = lines[echo + 1].indexOf('^');
        int[] shown = lines[echo].codePoints().toArray();
        assertEquals("desne", new String(shown, caret, 5), r.err);
        assertTrue(lines[echo + 1].startsWith("    \t") && lines[echo].startsWith("    \t/* "),
                r.err);
        assertNoStackTrace(r);
    }

    @Test
    void checkPassesCleanFilesAndLibraries() {
        Run r = nnc("check", res("xor.nn"), res("lib.nn"));
        assertEquals(0, r.code, r.all());
        assertEquals(res("xor.nn") + ": ok\n" + res("lib.nn") + ": ok\n", r.out);
        assertEquals("", r.err);
    }

    @Test
    void checkPrintsWarningsButPasses() {
        Run r = nnc("check", res("warn.nn"));
        assertEquals(0, r.code, r.all());
        assertTrue(r.out.contains("warn.nn: ok"), r.out);
        assertTrue(r.err.contains("warning[NN0407]"), r.err);
        Run strict = nnc("check", "-W", res("warn.nn"));
        assertEquals(1, strict.code, strict.all());
    }

    @Test
    void checkOfAMissingFileFails() {
        Run r = nnc("check", "no/such/file.nn");
        assertEquals(1, r.code, r.all());
        assertTrue(r.err.contains("file.nn: error[NN0102]: no such file"), r.err);
        assertNoStackTrace(r);
    }

    /** A file that does not exist has no line and column: every command names it alone. */
    @Test
    void aMissingFileHasNoPosition(@TempDir Path tmp) {
        String missing = tmp.resolve("nonexist.nn").toString();
        String out = tmp.resolve("out").toString();
        List<String[]> commands = List.of(
                new String[] {"check", missing},
                new String[] {"summary", missing},
                new String[] {"compile", missing, "-d", out},
                new String[] {"train", missing},
                new String[] {"eval", missing},
                new String[] {"predict", missing, "-i", res("xor.csv")},
                new String[] {"export", missing, "--onnx", out},
                new String[] {"serve", missing},
                new String[] {"params", missing},
                new String[] {"graph", missing},
                new String[] {"report", missing, "-o", out});
        for (String[] args : commands) {
            Run r = nnc(args);
            assertEquals(1, r.code, args[0] + ": " + r.all());
            assertTrue(r.err.contains("nonexist.nn: error[NN0102]: no such file"),
                    args[0] + ": " + r.all());
            assertFalse(r.err.contains("nonexist.nn:1:1"), args[0] + ": " + r.all());
            assertNoStackTrace(r);
        }
    }

    @Test
    void checkGoesOnAfterABadFile() {
        Run r = nnc("check", res("broken.nn"), res("xor.nn"));
        assertEquals(1, r.code, r.all());
        assertTrue(r.out.contains("xor.nn: ok"), r.out);
    }

    // ---- summary

    @Test
    void summaryShowsLayersAndTotals() {
        Run r = nnc("summary", res("xor.nn"));
        assertEquals(0, r.code, r.all());
        String s = r.out;
        assertTrue(s.startsWith("model Xor "), s);
        assertTrue(s.contains("input [2]"), s);
        assertTrue(s.matches("(?s).*#\\s+layer\\s+kind\\s+output\\s+params\\s+FLOPs\n.*"), s);
        assertTrue(s.matches("(?s).*\n1\\s+dense1\\s+dense\\s+\\[2]\\s+6\\s+10\n.*"), s);
        assertTrue(s.matches("(?s).*\n2\\s+sigmoid1\\s+sigmoid\\s+\\[2]\\s+0\\s+8\n.*"), s);
        assertTrue(s.matches("(?s).*\n\\s+total\\s+\\[1]\\s+9\\s+27\n.*"), s);
        assertTrue(s.matches("(?s).*\nloss\\s+binary_cross_entropy\n.*"), s);
        assertTrue(s.matches("(?s).*\noptimizer\\s+sgd\\(lr: 0.5\\)\n.*"), s);
    }

    @Test
    void summaryShowsScheduleClippingAndEarlyStopping(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("m.nn");
        Files.writeString(f, """
                model M {
                    input [2]
                    dense(1) -> sigmoid
                    loss bce
                    optimizer adam(lr: 0.01)
                    train {
                        epochs: 60
                        validation: 0.2
                        schedule: multistep(at: [30, 50], gamma: 0.1)
                        clip_norm: 5
                        clip_value: 0.5
                        early_stopping: monitor(val_loss, patience: 8)
                    }
                }
                """);
        Run r = nnc("summary", f.toString());
        assertEquals(0, r.code, r.all());
        assertTrue(r.out.contains("schedule multistep(at: [30, 50], gamma: 0.1), clip_value 0.5, "
                + "clip_norm 5, early_stopping monitor(val_loss, patience: 8, restore_best: "), r.out);
    }

    @Test
    void summaryOfABrokenFileFails() {
        Run r = nnc("summary", res("broken.nn"));
        assertEquals(1, r.code, r.all());
        assertTrue(r.err.contains("error[NN0201]"), r.err);
    }

    @Test
    void summaryOfALibraryFails() {
        Run r = nnc("summary", res("lib.nn"));
        assertEquals(1, r.code, r.all());
        assertNoStackTrace(r);
    }

    // ---- compile

    @Test
    void compileWritesTheJavaFile(@TempDir Path dir) throws IOException {
        Run r = nnc("compile", res("xor.nn"), "-d", dir.toString(), "--package",
                "com.example.models");
        assertEquals(0, r.code, r.all());
        Path written = Path.of(r.out.strip());
        assertEquals(dir.resolve("com/example/models/Xor.java"), written);
        String java = Files.readString(written);
        assertTrue(java.contains("package com.example.models;"), java);
        assertTrue(java.contains("class Xor"), java);
    }

    @Test
    void compileOfABrokenFileWritesNothing(@TempDir Path dir) throws IOException {
        Run r = nnc("compile", res("broken.nn"), "-d", dir.toString());
        assertEquals(1, r.code, r.all());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    // ---- train

    @Test
    void trainWritesWeightsAndMetricsJson(@TempDir Path dir) throws IOException {
        Path w = dir.resolve("out/xor.safetensors");
        Path json = dir.resolve("metrics.json");
        Run r = nnc("train", res("xor.nn"), "--out", w.toString(), "--metrics-json",
                json.toString(), "--log-every", "100");
        assertEquals(0, r.code, r.all());
        assertTrue(Files.size(w) > 0);
        assertTrue(r.out.contains("weights saved to " + w), r.out);
        assertTrue(r.out.matches("(?s)metric\\s+value\n.*\ntrain_accuracy\\s+1\n.*"), r.out);
        assertTrue(r.err.startsWith("training Xor ("), r.err);
        assertTrue(r.err.contains("\nepoch  100/5000  loss "), r.err);
        assertFalse(r.err.contains("epoch  150/5000"), r.err);
        assertTrue(r.err.contains("stopped early at epoch"), r.err);

        Object parsed = Json.parse(Files.readString(json));
        Map<?, ?> m = assertInstanceOf(Map.class, parsed);
        for (String k : List.of("final_loss", "epochs_run", "train_seconds", "samples_per_s",
                "train_accuracy", "test_accuracy")) {
            assertInstanceOf(Number.class, m.get(k), k + " in " + m);
        }
        assertEquals("Xor", m.get("model"));
        assertEquals(1.0, ((Number) m.get("test_accuracy")).doubleValue());
        assertTrue(((Number) m.get("final_loss")).doubleValue() <= 0.02, m.toString());
    }

    @Test
    void trainRegressionMetricsJsonHasTestMseAndR2(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("m.json");
        Run r = nnc("train", res("line.nn"), "--quiet", "--out",
                dir.resolve("w.safetensors").toString(), "--metrics-json", json.toString());
        assertEquals(0, r.code, r.all());
        assertEquals("", r.err);
        Map<?, ?> m = (Map<?, ?>) Json.parse(Files.readString(json));
        assertInstanceOf(Number.class, m.get("test_mse"));
        assertTrue(((Number) m.get("test_r2")).doubleValue() > 0.999, m.toString());
    }

    @Test
    void trainIsDeterministicForASeed(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        assertEquals(0, nnc("train", res("three.nn"), "-q", "--epochs", "20", "--seed", "5",
                "--out", a.toString()).code);
        assertEquals(0, nnc("train", res("three.nn"), "-q", "--epochs", "20", "--seed", "5",
                "--out", b.toString()).code);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void trainEpochsOverridesTheFile(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("m.json");
        Run r = nnc("train", res("three.nn"), "-q", "--epochs", "3", "--out",
                dir.resolve("w").toString(), "--metrics-json", json.toString());
        assertEquals(0, r.code, r.all());
        Map<?, ?> m = (Map<?, ?>) Json.parse(Files.readString(json));
        assertEquals(3L, m.get("epochs_run"));
    }

    @Test
    void trainWithoutDataIsAnError(@TempDir Path dir) {
        Run r = nnc("train", res("nodata.nn"), "--out", dir.resolve("w").toString());
        assertEquals(1, r.code, r.all());
        assertTrue(r.err.contains("nnc: error: "), r.err);
        assertTrue(r.err.contains("no training data"), r.err);
        assertNoStackTrace(r);
    }

    @Test
    void aDivergedRunSavesNoWeightsAndFails(@TempDir Path dir) throws IOException {
        Path w = dir.resolve("d.safetensors");
        Path json = dir.resolve("d.json");
        Run r = nnc("train", res("diverge.nn"), "-q", "-o", w.toString(), "--metrics-json",
                json.toString());
        assertEquals(1, r.code, r.all());
        assertTrue(r.err.startsWith("nnc: error: training diverged"), r.err);
        assertTrue(r.out.matches("(?s).*\ndiverged\\s+true\n.*"), r.out);
        assertFalse(Files.exists(w));
        Map<?, ?> m = (Map<?, ?>) Json.parse(Files.readString(json));
        assertEquals(Boolean.TRUE, m.get("diverged"));
        assertTrue(m.containsKey("weights") && m.get("weights") == null, m.toString());
        assertNoStackTrace(r);
    }

    @Test
    void logEveryPrintsFullMetricsAtItsEpochs(@TempDir Path dir) {
        Run r = nnc("train", res("three.nn"), "--epochs", "40", "--log-every", "20", "-o",
                dir.resolve("w").toString());
        assertEquals(0, r.code, r.all());
        assertTrue(r.err.matches("(?s).*\nepoch 20/40  loss [0-9.]+  accuracy [0-9.]+ .*"),
                r.err);
        assertTrue(r.err.matches("(?s).*\nepoch 40/40  loss [0-9.]+  accuracy [0-9.]+ .*"),
                r.err);
        assertFalse(r.err.contains("epoch 30/40"), r.err);
    }

    // ---- eval

    @Test
    void evalMeasuresOnTheTestFile() {
        Run r = nnc("eval", res("three.nn"), "--weights", threeWeights.toString());
        assertEquals(0, r.code, r.all());
        assertTrue(r.out.matches("(?s)model\\s+Three\n.*three-test.csv\nsamples\\s+30\n.*"),
                r.out);
        assertTrue(r.out.matches("(?s).*\naccuracy\\s+1\n.*"), r.out);
    }

    @Test
    void evalOnOtherDataAsJson() {
        Run r = nnc("eval", res("line.nn"), "-w", lineWeights.toString(), "--data",
                res("line.csv"), "--json");
        assertEquals(0, r.code, r.all());
        Map<?, ?> m = (Map<?, ?>) Json.parse(r.out);
        assertEquals(11L, m.get("samples"));
        assertTrue(((Number) m.get("r2")).doubleValue() > 0.999, m.toString());
    }

    @Test
    void weightsOfAnotherModelAreAClearError() {
        Run r = nnc("eval", res("line.nn"), "--weights", xorWeights.toString());
        assertEquals(1, r.code, r.all());
        assertTrue(r.err.startsWith("nnc: error: weights file "), r.err);
        assertTrue(r.err.contains("model 'Xor'"), r.err);
        assertTrue(r.err.contains("'Line'"), r.err);
        assertNoStackTrace(r);
    }

    @Test
    void missingWeightsAreAClearError(@TempDir Path dir) {
        Run r = nnc("eval", res("xor.nn"), "--weights", dir.resolve("none.st").toString());
        assertEquals(1, r.code, r.all());
        assertTrue(r.err.contains("no such weights file"), r.err);
        assertNoStackTrace(r);
    }

    @Test
    void aFileThatIsNotSafetensorsIsAClearError() {
        Run r = nnc("params", res("xor.nn"), "--weights", res("xor.csv"));
        assertEquals(1, r.code, r.all());
        assertTrue(r.err.startsWith("nnc: error: "), r.err);
        assertNoStackTrace(r);
    }

    @Test
    void debugShowsTheStackTrace() {
        Run r = nnc("eval", res("line.nn"), "--weights", xorWeights.toString(), "--debug");
        assertEquals(1, r.code, r.all());
        assertTrue(r.err.contains("\tat "), r.err);
        Run env = nnc(Map.of("NNC_DEBUG", "1"), "eval", res("line.nn"), "--weights",
                xorWeights.toString());
        assertTrue(env.err.contains("\tat "), env.err);
    }

    // ---- predict

    @Test
    void predictXorGivesFourCorrectRows() {
        Run r = nnc("predict", res("xor.nn"), "--weights", xorWeights.toString(), "--input",
                res("xor-inputs.csv"));
        assertEquals(0, r.code, r.all());
        List<String> lines = r.out.lines().toList();
        assertEquals(5, lines.size(), r.out);
        assertEquals("class,p_0,p_1", lines.get(0));
        int[] expected = {0, 1, 1, 0};
        for (int i = 0; i < 4; i++) {
            String[] cells = lines.get(i + 1).split(",");
            assertEquals(Integer.toString(expected[i]), cells[0], r.out);
            assertTrue(Double.parseDouble(cells[1 + expected[i]]) > 0.5, r.out);
        }
    }

    @Test
    void predictIgnoresTheLabelColumnAndNamesTheClasses(@TempDir Path dir) throws IOException {
        Path outCsv = dir.resolve("p.csv");
        Run r = nnc("predict", res("three.nn"), "-w", threeWeights.toString(), "-i",
                res("three-inputs.csv"), "-o", outCsv.toString());
        assertEquals(0, r.code, r.all());
        assertEquals("", r.out);
        assertTrue(r.err.contains("wrote 3 predictions to"), r.err);
        List<String> lines = Files.readAllLines(outCsv);
        assertEquals("class,p_1,p_2,p_3", lines.get(0));
        assertEquals(List.of("1", "2", "3"),
                lines.subList(1, 4).stream().map(l -> l.split(",")[0]).toList());
    }

    @Test
    void predictMatchesColumnsByNameWhenTheHeaderNamesTheFeatures(@TempDir Path dir)
            throws IOException {
        Path swapped = dir.resolve("swapped.csv");
        Files.writeString(swapped, "b,a\n1,1\n2,8\n9,8\n");
        Run r = nnc("predict", res("three.nn"), "-w", threeWeights.toString(), "-i",
                swapped.toString());
        assertEquals(0, r.code, r.all());
        assertEquals(List.of("1", "2", "3"), r.out.lines().skip(1).map(l -> l.split(",")[0])
                .toList(), r.out);
        Path missing = dir.resolve("missing.csv");
        Files.writeString(missing, "label,a,c\n1,1,1\n");
        r = nnc("predict", res("three.nn"), "-w", threeWeights.toString(), "-i",
                missing.toString());
        assertEquals(1, r.code, r.all());
        assertTrue(r.err.contains(missing + " has no column 'b' (the model's features are a, b);"
                + " its columns: label, a, c"), r.err);
        assertNoStackTrace(r);
    }

    @Test
    void predictRegressionDenormalizesAndNamesTheLabel() {
        Run r = nnc("predict", res("line.nn"), "-w", lineWeights.toString(), "-i",
                res("line-test.csv"));
        assertEquals(0, r.code, r.all());
        List<String> lines = r.out.lines().toList();
        assertEquals("y", lines.get(0));
        assertEquals(1.5, Double.parseDouble(lines.get(1)), 0.02);
        assertEquals(2.7, Double.parseDouble(lines.get(3)), 0.02);
    }

    @Test
    void predictOnABadCsvNamesFileAndLine(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "x1,x2\n0,0\n0,abc\n");
        Run r = nnc("predict", res("xor.nn"), "-w", xorWeights.toString(), "-i",
                bad.toString());
        assertEquals(1, r.code, r.all());
        assertTrue(r.err.startsWith("nnc: error: "), r.err);
        assertTrue(r.err.contains("bad.csv:3"), r.err);
        assertTrue(r.err.contains("'abc'"), r.err);
        assertNoStackTrace(r);
    }

    @Test
    void predictRefusesAMissingValueTheModelDoesNotFillNamingWhy(@TempDir Path dir)
            throws IOException {
        // a series model: missing: interpolate fills gaps in the series it trains on, but a
        // window given one per row has no neighbours to interpolate from and no fill value
        StringBuilder series = new StringBuilder("y\n");
        for (int i = 0; i < 64; i++) {
            series.append(Math.sin(i * 0.3)).append('\n');
        }
        Files.writeString(dir.resolve("s.csv"), series.toString());
        Path nn = dir.resolve("win.nn");
        Files.writeString(nn, "model Win {\n    input [4]\n    dense(1)\n    loss mse\n"
                + "    optimizer sgd(lr: 0.05)\n    data {\n"
                + "        train: windows(\"s.csv\", window: 4, target: \"y\")\n"
                + "        missing: interpolate\n    }\n    train {\n        epochs: 2\n"
                + "        batch: 8\n    }\n}\n");
        Path w = dir.resolve("win.safetensors");
        Run t = nnc("train", nn.toString(), "--quiet", "--out", w.toString());
        assertEquals(0, t.code, t.all());
        Path rows = dir.resolve("rows.csv");
        Files.writeString(rows, "a,b,c,d\n0.1,0.2,0.3,0.4\n0.1,,0.3,0.4\n");
        Run r = nnc("predict", nn.toString(), "-w", w.toString(), "-i", rows.toString());
        assertEquals(1, r.code, r.all());
        assertEquals("", r.out);
        assertTrue(r.err.contains(rows + ":3: column 'b' (2): empty value (a missing value), but"
                + " model Win fills no missing value of input 2"), r.err);
        assertNoStackTrace(r);
        Files.writeString(rows, "a,b,c,d\n0.1,0.2,0.3,0.4\n");
        r = nnc("predict", nn.toString(), "-w", w.toString(), "-i", rows.toString());
        assertEquals(0, r.code, r.all());
    }

    @Test
    void predictRefusesBadBytesHugeValuesAndEscapesControlCharacters(@TempDir Path dir)
            throws IOException {
        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, "x1,x2\n0,0\n1,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        Run r = nnc("predict", res("xor.nn"), "-w", xorWeights.toString(), "-i",
                latin1.toString());
        assertEquals(1, r.code, r.all());
        assertTrue(r.err.contains(latin1 + ":3:6: byte e9 is not UTF-8"), r.err);
        Path huge = dir.resolve("huge.csv");
        Files.writeString(huge, "x1,x2\n0,1e39\n");
        r = nnc("predict", res("xor.nn"), "-w", xorWeights.toString(), "-i", huge.toString());
        assertEquals(1, r.code, r.all());
        assertTrue(r.err.contains(huge + ":2: column 'x2' (2): '1e39' is out of the range of a"
                + " 32-bit float"), r.err);
        Path esc = dir.resolve("esc.csv");
        Files.writeString(esc, "x1,x\u001b]0;pwned\u0007\n0,zz\n");
        r = nnc("predict", res("xor.nn"), "-w", xorWeights.toString(), "-i", esc.toString());
        assertEquals(1, r.code, r.all());
        // The column the model needs is missing: that is named, the header shown escaped.
        assertTrue(r.err.contains("has no column 'x2' (the model's features are x1, x2); its "
                + "columns: x1, x\\x1b]0;pwned\\x07"), r.err);
        assertTrue(r.err.chars().noneMatch(c -> c == 0x1b || c == 0x07), r.err);
        assertNoStackTrace(r);
    }

    @Test
    void predictWithTooFewColumnsIsAClearError(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("one.csv");
        Files.writeString(bad, "x1\n0\n");
        Run r = nnc("predict", res("xor.nn"), "-w", xorWeights.toString(), "-i",
                bad.toString());
        assertEquals(1, r.code, r.all());
        assertTrue(r.err.startsWith("nnc: error: "), r.err);
        assertTrue(r.err.contains("one.csv"), r.err);
        assertNoStackTrace(r);
    }

    // ---- params

    @Test
    void paramsPrintsNamesShapesAndValues() {
        Run r = nnc("params", res("line.nn"), "--weights", lineWeights.toString());
        assertEquals(0, r.code, r.all());
        List<String> lines = r.out.lines().toList();
        assertEquals("dense1.W [1,1]", lines.get(0), r.out);
        assertEquals(2.0, Double.parseDouble(lines.get(1)), 0.01);
        assertEquals("dense1.B [1]", lines.get(3), r.out);
        assertEquals(1.0, Double.parseDouble(lines.get(4)), 0.01);
    }

    @Test
    void paramsPrintsMatrixRowsOnLines() {
        Run r = nnc("params", res("xor.nn"), "--weights", xorWeights.toString());
        assertEquals(0, r.code, r.all());
        String[] lines = r.out.split("\n");
        assertEquals("dense1.W [2,2]", lines[0]);
        assertEquals(2, lines[1].trim().split("\\s+").length, r.out);
        assertEquals(2, lines[2].trim().split("\\s+").length, r.out);
        assertTrue(r.out.contains("\ndense1.B [2]\n"), r.out);
        assertTrue(r.out.contains("\ndense2.W [2,1]\n"), r.out);
        assertTrue(r.out.contains("\ndense2.B [1]\n"), r.out);
    }

    /**
     * A command line that starts with a command's name holds that command alone, the same
     * command (usage text, options, version) as the whole command line holds; any other
     * start gets the whole command line, whose usage and suggestions name every command.
     */
    @Test
    void aCommandLineStartingWithACommandHoldsItAlone() {
        CommandLine all = Main.commandLine(new Main(null));
        assertEquals(Main.COMMANDS.size(), all.getSubcommands().size());
        for (Map.Entry<String, CommandLine> e : all.getSubcommands().entrySet()) {
            String name = e.getKey();
            CommandLine one = Main.commandLine(new Main(null), new String[] {name, "x.nn"});
            if (name.equals("help")) {
                assertEquals(all.getSubcommands().keySet(), one.getSubcommands().keySet());
                continue;
            }
            assertEquals(List.of(name), List.copyOf(one.getSubcommands().keySet()));
            CommandLine sub = one.getSubcommands().get(name);
            assertEquals(e.getValue().getUsageMessage(CommandLine.Help.Ansi.OFF),
                    sub.getUsageMessage(CommandLine.Help.Ansi.OFF), name);
            assertEquals(e.getValue().getCommandSpec().options().stream()
                            .map(o -> String.join(",", o.names())).toList(),
                    sub.getCommandSpec().options().stream()
                            .map(o -> String.join(",", o.names())).toList(), name);
            assertArrayEquals(e.getValue().getCommandSpec().version(),
                    sub.getCommandSpec().version(), name);
        }
        for (String[] args : List.of(new String[0], new String[] {"--debug", "check"},
                new String[] {"prdict"}, new String[] {"help", "predict"})) {
            assertEquals(all.getSubcommands().keySet(),
                    Main.commandLine(new Main(null), args).getSubcommands().keySet());
        }
        Run r = nnc("prdict", "x.nn");
        assertEquals(Main.USAGE, r.code, r.all());
        assertTrue(r.err.contains("predict"), r.all());
    }
}
