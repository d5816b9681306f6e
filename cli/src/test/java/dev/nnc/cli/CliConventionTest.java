package dev.nnc.cli;

import static dev.nnc.cli.MainTest.nnc;
import static dev.nnc.cli.MainTest.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.cli.MainTest.Run;
import dev.nnc.runtime.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The conventions every command of {@code nnc} keeps (docs/cli.md, "Conventions"): help and
 * version everywhere, {@code -o/--output} for the one output, the exit codes 0/1/2.
 */
class CliConventionTest {
    @TempDir
    Path tmp;

    private static Map<String, CommandLine> commands() {
        return Main.commandLine(new Main(null)).getSubcommands();
    }

    @Test
    void helpCommandShowsTheOverviewAndEachCommandsHelp() {
        Run r = nnc("help");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("Commands:"), r.all());
        for (String name : commands().keySet()) {
            Run h = nnc("help", name);
            assertEquals(0, h.code(), name + ": " + h.all());
            assertTrue(h.out().contains("Usage: nnc " + name), name + ": " + h.all());
            if (!name.equals("help")) {
                assertEquals(nnc(name, "--help").out(), h.out(), name);
            }
        }
        assertEquals(2, nnc("help", "nosuch").code());
    }

    @Test
    void everyCommandAnswersVersion() {
        String version = nnc("--version").out();
        assertTrue(version.startsWith("nnc "), version);
        for (String name : commands().keySet()) {
            if (name.equals("help")) {
                continue;
            }
            for (String flag : List.of("--version", "-V")) {
                Run r = nnc(name, flag);
                assertEquals(0, r.code(), name + ": " + r.all());
                assertEquals(version, r.out(), name);
            }
        }
    }

    @Test
    void theOneOutputIsDashOEverywhereAndDashPMeansPortOnly() {
        for (String name : List.of("train", "predict", "report", "graph", "export", "compile")) {
            CommandSpec spec = commands().get(name).getCommandSpec();
            OptionSpec o = spec.findOption("-o");
            assertNotNull(o, name + " has -o");
            assertSame(o, spec.findOption("--output"), name + ": -o is --output");
        }
        CommandSpec export = commands().get("export").getCommandSpec();
        assertSame(export.findOption("--onnx"), export.findOption("-o"));
        CommandSpec compile = commands().get("compile").getCommandSpec();
        assertSame(compile.findOption("-d"), compile.findOption("-o"));
        List<String> withP = new ArrayList<>();
        for (Map.Entry<String, CommandLine> e : commands().entrySet()) {
            OptionSpec p = e.getValue().getCommandSpec().findOption("-p");
            if (p != null) {
                withP.add(e.getKey() + " " + p.longestName());
            }
        }
        assertEquals(List.of("serve --port"), withP);
    }

    /** 2 for a bad command line, 1 for a failure, 0 for success: every command, each case. */
    @Test
    void exitCodesOfEveryCommand() {
        String none = tmp.resolve("none.nn").toString();
        String out = tmp.resolve("out").toString();
        Map<String, List<String>> failing = Map.ofEntries(
                Map.entry("check", List.of(none)),
                Map.entry("fmt", List.of(none)),
                Map.entry("summary", List.of(none)),
                Map.entry("compile", List.of(none, "-o", out)),
                Map.entry("train", List.of(none, "-o", out + ".safetensors")),
                Map.entry("eval", List.of(none)),
                Map.entry("predict", List.of(none, "-i", none)),
                Map.entry("export", List.of(none, "-o", out + ".onnx")),
                Map.entry("serve", List.of(none, "--port", "0")),
                Map.entry("params", List.of(none)),
                Map.entry("report", List.of(none, "-o", out)),
                Map.entry("graph", List.of(none)));
        for (String name : commands().keySet()) {
            if (name.equals("help")) {
                continue;
            }
            Run bad = nnc(name, "--no-such-option");
            assertEquals(2, bad.code(), name + ": " + bad.all());
            assertTrue(bad.err().contains("Try 'nnc " + name + " --help'"), name + bad.all());
            if (name.equals("lsp")) {
                continue; // its input is the editor's, on stdin
            }
            List<String> args = new ArrayList<>(List.of(name));
            args.addAll(failing.get(name));
            Run fail = nnc(args.toArray(String[]::new));
            assertEquals(1, fail.code(), name + ": " + fail.all());
            MainTest.assertNoStackTrace(fail);
        }
        assertEquals(12 + 2, commands().size(), "a new command needs its failing case here");
        assertEquals(0, nnc("check", res("xor.nn")).code());
    }

    @Test
    void graphFormatIsAUsageMatterAndFollowsTheExtension() throws IOException {
        Run r = nnc("graph", res("xor.nn"), "--format", "png");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("--output"), r.all());
        Path jpg = tmp.resolve("x.jpg");
        r = nnc("graph", res("xor.nn"), "-o", jpg.toString());
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("x.jpg"), r.all());
        assertFalse(Files.exists(jpg));
        Path dot = tmp.resolve("x.dot");
        assertEquals(0, nnc("graph", res("xor.nn"), "--output", dot.toString()).code());
        assertTrue(Files.readString(dot).startsWith("digraph"), Files.readString(dot));
        r = nnc("graph", res("xor.nn"), "-o", jpg.toString(), "--format", "svg");
        assertEquals(0, r.code(), r.all());
        assertTrue(Files.readString(jpg).contains("<svg"));
    }

    /** {@code summary --json}: the figures of the table as one JSON object on stdout. */
    @Test
    void summaryJson() {
        Run r = nnc("summary", res("xor.nn"), "--json");
        assertEquals(0, r.code(), r.all());
        Map<?, ?> o = (Map<?, ?>) Json.parse(r.out());
        assertEquals("Xor", o.get("model"));
        assertEquals(List.of(2L), o.get("input"));
        assertEquals(9L, o.get("params"));
        List<?> layers = (List<?>) o.get("layers");
        assertEquals(4, layers.size());
        assertEquals("dense", ((Map<?, ?>) layers.get(0)).get("kind"));
        assertEquals(0.5, ((Map<?, ?>) o.get("optimizer")).get("lr"));
    }

    /** {@code --batch} and {@code --lr} train exactly as the file with those values would. */
    @Test
    void batchAndLrOverrideTheFile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("m"));
        Files.copy(Path.of(res("xor.csv")), dir.resolve("xor.csv"));
        String text = Files.readString(Path.of(res("xor.nn")));
        Path orig = dir.resolve("xor.nn");
        Files.writeString(orig, text);
        Path changed = dir.resolve("xor2.nn");
        String changedText = text.replace("lr: 0.5", "lr: 0.125").replace("batch: 1", "batch: 2");
        assertFalse(changedText.equals(text));
        Files.writeString(changed, changedText);
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        Run ra = nnc("train", orig.toString(), "--epochs", "30", "--batch", "2", "--lr", "0.125",
                "-o", a.toString(), "--json");
        assertEquals(0, ra.code(), ra.all());
        assertTrue(ra.err().contains("batch 2 (--batch)"), ra.all());
        assertTrue(ra.err().contains("lr 0.125 (--lr)"), ra.all());
        Run rb = nnc("train", changed.toString(), "--epochs", "30", "-q", "-o", b.toString(),
                "--json");
        assertEquals(0, rb.code(), rb.all());
        assertEquals(params(a, orig), params(b, changed));
        // --json: the metrics object on stdout, the same as --metrics-json writes
        Map<?, ?> ma = (Map<?, ?>) Json.parse(ra.out());
        Map<?, ?> mb = (Map<?, ?>) Json.parse(rb.out());
        assertEquals(mb.get("final_loss"), ma.get("final_loss"));
        // eval -q: the metrics alone, without the note that the file names no test data
        Path noTest = dir.resolve("notest.nn");
        Files.writeString(noTest, text.replace("test: csv(\"xor.csv\", label: \"y\")", ""));
        Run e = nnc("eval", noTest.toString(), "-w", a.toString());
        assertEquals(0, e.code(), e.all());
        assertTrue(e.err().contains("note"), e.all());
        e = nnc("eval", noTest.toString(), "-w", a.toString(), "-q");
        assertEquals(0, e.code(), e.all());
        assertEquals("", e.err());
        for (String[] bad : List.of(new String[] {"--batch", "0"}, new String[] {"--lr", "0"},
                new String[] {"--lr", "NaN"}, new String[] {"--lr", "-1"})) {
            Run r = nnc("train", orig.toString(), bad[0], bad[1], "-o", a.toString());
            assertEquals(2, r.code(), String.join(" ", bad) + r.all());
            assertTrue(r.err().contains(bad[0]), r.all());
        }
    }

    private static String params(Path weights, Path file) {
        Run r = nnc("params", file.toString(), "-w", weights.toString(), "--digits", "9");
        assertEquals(0, r.code(), r.all());
        return r.out().replace(weights.toString(), "W").replace(file.toString(), "F")
                .replace("xor2", "xor");
    }

    /**
     * The launcher drops the JVM's one incubator warning from stderr and passes everything else,
     * as it comes.
     */
    @Test
    void launcherDropsTheIncubatorWarningOnly() throws IOException, InterruptedException {
        String launcher = Files.readString(Path.of("..", "nnc"), StandardCharsets.UTF_8);
        int from = launcher.indexOf("incubator_warning=");
        int to = launcher.indexOf("\n}\n", from);
        assertTrue(from >= 0 && to > from, "the launcher's filter");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = launcher.substring(from, to + 3)
                + "'" + java + "' --add-modules jdk.incubator.vector -version "
                + "2> >(drop_incubator_warning >&2)\nwait $!\n";
        Process p = new ProcessBuilder("bash", "-c", script).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertFalse(err.contains("incubator"), err);
        assertTrue(err.contains(System.getProperty("java.version")), err);
    }
}
