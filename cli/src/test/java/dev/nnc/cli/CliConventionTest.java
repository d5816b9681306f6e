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
                Map.entry("kfold", List.of(none)),
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
        assertEquals(13 + 2, commands().size(), "a new command needs its failing case here");
        assertEquals(0, nnc("check", res("xor.nn")).code());
    }

    /** The commands that print no results of their own: the help, the language server. */
    private static final List<String> WITHOUT_RESULTS = List.of("help", "lsp");

    /**
     * Every command that prints results takes {@code -q/--quiet} and {@code --json}, from the one
     * mixin that gives them the same meaning everywhere; a new command without them fails here.
     */
    @Test
    void quietAndJsonComeFromOneMixinOnEveryCommandThatPrintsResults() {
        for (Map.Entry<String, CommandLine> e : commands().entrySet()) {
            CommandSpec spec = e.getValue().getCommandSpec();
            if (WITHOUT_RESULTS.contains(e.getKey())) {
                assertEquals(null, spec.findOption("--json"), e.getKey());
                continue;
            }
            CommandSpec mixin = spec.mixins().values().stream()
                    .filter(m -> m.userObject() instanceof OutputOptions).findFirst()
                    .orElse(null);
            assertNotNull(mixin, e.getKey() + " mixes in OutputOptions");
            for (String name : List.of("-q", "--quiet", "--json")) {
                assertSame(mixin.findOption(name), spec.findOption(name), e.getKey() + " " + name);
            }
        }
    }

    /**
     * Each command that prints results, run as it succeeds: with {@code --json} its stdout is
     * one JSON object (serve: JSON lines, {@code ServeSignalTest}); with {@code -q} its stderr
     * is empty.
     */
    @Test
    void quietAndJsonOnEveryCommandThatPrintsResults() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("q"));
        Files.copy(Path.of(res("xor.csv")), dir.resolve("xor.csv"));
        Path xor = dir.resolve("xor.nn");
        Files.copy(Path.of(res("xor.nn")), xor);
        String w = dir.resolve("w.safetensors").toString();
        String m = xor.toString();
        assertEquals(0, nnc("train", m, "-q", "--epochs", "5", "-o", w).code());
        Map<String, List<String>> ok = new java.util.LinkedHashMap<>();
        ok.put("check", List.of(m));
        ok.put("fmt", List.of("--check", m));
        ok.put("summary", List.of(m));
        ok.put("compile", List.of(m, "-o", dir.resolve("src").toString()));
        ok.put("train", List.of(m, "--epochs", "5", "-o", dir.resolve("t.safetensors")
                .toString()));
        ok.put("eval", List.of(m, "-w", w));
        ok.put("kfold", List.of(m, "--folds", "2", "--epochs", "5"));
        ok.put("predict", List.of(m, "-w", w, "-i", dir.resolve("xor.csv").toString()));
        ok.put("export", List.of(m, "-w", w, "-o", dir.resolve("x.onnx").toString()));
        ok.put("params", List.of(m, "-w", w));
        ok.put("report", List.of(m, "-w", w, "-o", dir.resolve("rep").toString()));
        ok.put("graph", List.of(m));
        for (String name : commands().keySet()) {
            if (WITHOUT_RESULTS.contains(name) || name.equals("serve")) {
                continue;
            }
            assertTrue(ok.containsKey(name), "a new command needs its case here: " + name);
            List<String> args = new ArrayList<>(List.of(name));
            args.addAll(ok.get(name));
            args.add("--json");
            Run json = nnc(args.toArray(String[]::new));
            assertEquals(0, json.code(), name + ": " + json.all());
            Object parsed = Json.parse(json.out());
            assertTrue(parsed instanceof Map<?, ?>, name + ": " + json.out());
            args.set(args.size() - 1, "-q");
            Run quiet = nnc(args.toArray(String[]::new));
            assertEquals(0, quiet.code(), name + ": " + quiet.all());
            assertEquals("", quiet.err(), name);
            args.add("--json");
            Run both = nnc(args.toArray(String[]::new));
            assertEquals("", both.err(), name + " -q --json");
            assertTrue(Json.parse(both.out()) instanceof Map<?, ?>, name + ": " + both.out());
            if (!name.equals("fmt")) { // fmt --check of a formatted file lists nothing
                assertFalse(quiet.out().isEmpty(), name + " prints its results with -q");
            }
        }
        // what the JSON holds, for a few
        Map<?, ?> p = (Map<?, ?>) Json.parse(nnc("predict", m, "-w", w, "-i",
                dir.resolve("xor.csv").toString(), "--json").out());
        assertEquals(4L, p.get("count"));
        assertEquals(List.of("class", "p_0", "p_1"), p.get("columns"));
        List<?> first = (List<?>) ((List<?>) p.get("predictions")).get(0);
        assertTrue(first.get(0) instanceof Long, first.toString());
        Map<?, ?> params = (Map<?, ?>) Json.parse(nnc("params", m, "-w", w, "--json").out());
        Map<?, ?> w1 = (Map<?, ?>) ((List<?>) params.get("tensors")).get(0);
        assertEquals(List.of(2L, 2L), w1.get("shape"));
        assertEquals(4, ((List<?>) w1.get("values")).size());
        Map<?, ?> graph = (Map<?, ?>) Json.parse(nnc("graph", m, "--json").out());
        assertTrue(((String) graph.get("diagram")).contains("<svg"), graph.toString());
    }

    /** {@code check -q} shows errors only; {@code --json} lists every diagnostic. */
    @Test
    void checkQuietKeepsErrorsAndJsonListsEveryDiagnostic() throws IOException {
        Path warn = tmp.resolve("warn.nn");
        Files.writeString(warn, "model W {\n    input [2]\n    dense(1)\n    loss mse\n}\n");
        Path bad = tmp.resolve("bad.nn");
        Files.writeString(bad, "model B {\n    input [2]\n    dense(0)\n    loss mse\n}\n");
        Run loud = nnc("check", warn.toString());
        assertEquals(0, loud.code(), loud.all());
        assertTrue(loud.err().contains("warning[NN0407]"), loud.all());
        Run quiet = nnc("check", "-q", warn.toString());
        assertEquals(0, quiet.code(), quiet.all());
        assertEquals("", quiet.err());
        assertEquals(warn + ": ok\n", quiet.out());
        Run errors = nnc("check", "-q", bad.toString());
        assertEquals(1, errors.code());
        assertTrue(errors.err().contains("error[NN0304]"), errors.all());
        assertFalse(errors.err().contains("warning"), errors.all());
        Run json = nnc("check", "--json", warn.toString(), bad.toString());
        assertEquals(1, json.code());
        Map<?, ?> o = (Map<?, ?>) Json.parse(json.out());
        assertEquals(1L, o.get("errors"));
        assertEquals(2L, o.get("warnings"));
        List<?> files = (List<?>) o.get("files");
        assertEquals(true, ((Map<?, ?>) files.get(0)).get("ok"));
        Map<?, ?> d = (Map<?, ?>) ((List<?>) ((Map<?, ?>) files.get(1)).get("diagnostics"))
                .stream().filter(x -> "error".equals(((Map<?, ?>) x).get("severity")))
                .findFirst().orElseThrow();
        assertEquals("NN0304", d.get("code"));
        assertEquals(3L, d.get("line"));
        assertEquals(11L, d.get("column"));
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
