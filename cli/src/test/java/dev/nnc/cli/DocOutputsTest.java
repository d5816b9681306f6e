package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.cli.MainTest.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runs docs/cli.md shows print today what the doc shows, exit status included. Those whose
 * output does not depend on time or on files made for the doc ({@code $ nnc
 * check|summary|compile|graph|fmt --check} of the examples, and the errors shown for bad command
 * lines or missing weights) are compared as they are, and {@code docs/regen.sh}
 * ({@code -Dnnc.regen=true}) writes their outputs into the doc; the runs of train, eval, predict,
 * params and report are replayed in the doc's order and compared with the times masked.
 */
class DocOutputsTest {
    private static final Path CLI_MD = Path.of("..", "docs", "cli.md");
    private static final Set<String> VERBS = Set.of("check", "summary", "compile", "graph",
            "kfold");
    /** {@code $ nnc ARGS}, its output, {@code [exit N]}. */
    private static final Pattern RUN = Pattern.compile(
            "(?m)^\\$ nnc (.*)\\n((?:(?!\\$ |\\[exit )[^\\n]*\\n)*?)\\[exit (\\d+)\\]$");

    @TempDir
    Path tmp;

    @Test
    void shownRunsPrintWhatTheDocShows() throws IOException {
        String doc = Files.readString(CLI_MD, StandardCharsets.UTF_8);
        String examples = Path.of("..", "examples").toAbsolutePath().normalize() + "/";
        Matcher m = RUN.matcher(doc);
        StringBuilder regenerated = new StringBuilder();
        List<String> differ = new ArrayList<>();
        int checked = 0;
        int at = 0;
        while (m.find()) {
            List<String> args = List.of(m.group(1).split(" "));
            if (!deterministic(args, Integer.parseInt(m.group(3)))) {
                continue;
            }
            checked++;
            List<String> run = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                boolean output = i > 0 && Set.of("-o", "--output").contains(args.get(i - 1));
                run.add(a.startsWith("examples/") ? examples + a.substring(9)
                        : output ? tmp.resolve(a).toString() : a);
            }
            Run r = MainTest.nnc(run.toArray(String[]::new));
            String out = clean(r.out(), examples);
            String err = clean(r.err(), examples);
            String shown = m.group(2);
            String actual = shown.equals(out + err) ? out + err : err + out;
            if (!actual.equals(shown) || r.code() != Integer.parseInt(m.group(3))) {
                differ.add("$ nnc " + m.group(1) + "\n--- shown\n" + shown + "[exit "
                        + m.group(3) + "]\n--- now\n" + actual + "[exit " + r.code() + "]");
            }
            regenerated.append(doc, at, m.start(2)).append(actual).append("[exit ")
                    .append(r.code()).append("]");
            at = m.end();
        }
        regenerated.append(doc.substring(at));
        assertTrue(checked >= 8, "runs checked: " + checked);
        if (Boolean.getBoolean("nnc.regen")) {
            Files.writeString(CLI_MD, regenerated.toString(), StandardCharsets.UTF_8);
        }
        assertEquals(List.of(), differ, "docs/cli.md shows other outputs than the runs give "
                + "today: run docs/regen.sh (then check the changes)");
    }

    /** Options whose value is a path, made relative to the run's directory. */
    private static final Set<String> PATH_OPTIONS = Set.of("-o", "--output", "--out", "-w",
            "--weights", "-i", "--input", "--data", "--history", "--metrics-json", "--report",
            "--checkpoint", "--resume");
    /** The commands that read trained weights, by default {@code <stem>.safetensors}. */
    private static final Set<String> READ_WEIGHTS = Set.of("eval", "predict", "params",
            "report", "export");

    /**
     * The runs that depend on time ({@code train}, and the {@code eval}, {@code predict},
     * {@code params} and {@code report} of what it trained), replayed in the doc's order in one
     * directory: the files the doc shows with {@code $ cat} made first, the outputs compared
     * with the times and throughputs masked, table columns however wide, and a line {@code ...}
     * standing for any lines. Left out: runs of a file made for the doc and not shown, runs
     * interrupted by a signal, {@code serve}, and the long runs of rings.nn (5,000 epochs;
     * TrainCheckpointTest and TrainSafetyTest hold what they show).
     */
    @Test
    void runsThatDependOnTimeReplayInOrderWithTheTimesMasked() throws IOException {
        String doc = Files.readString(CLI_MD, StandardCharsets.UTF_8);
        String examples = Path.of("..", "examples").toAbsolutePath().normalize() + "/";
        Path dir = Files.createDirectories(tmp.resolve("session"));
        List<String> differ = new ArrayList<>();
        List<String> replayed = new ArrayList<>();
        Matcher block = Pattern.compile("(?ms)^```\n(\\$ .*?)^```$").matcher(doc);
        while (block.find()) {
            String[] lines = block.group(1).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (!lines[i].startsWith("$ ")) {
                    continue;
                }
                int end = i + 1;
                while (end < lines.length && !lines[end].startsWith("$ ")) {
                    end++;
                }
                List<String> body = new ArrayList<>(List.of(lines).subList(i + 1, end));
                while (!body.isEmpty() && body.get(body.size() - 1).isEmpty()) {
                    body.remove(body.size() - 1);
                }
                String command = lines[i].substring(2);
                if (command.startsWith("cat ")) {
                    Path file = dir.resolve(command.substring(4));
                    String shown = String.join("\n", body.subList(0, body.size()
                            - (body.get(body.size() - 1).startsWith("[exit ") ? 1 : 0))) + "\n";
                    if (Files.exists(file)) {
                        String now = Files.readString(file).replace(dir + "/", "");
                        if (!matches(shown, now)) {
                            differ.add("$ " + command + "\n--- shown\n" + shown + "--- now\n"
                                    + now);
                        }
                    } else {
                        Files.writeString(file, shown);
                    }
                } else if (command.startsWith("nnc ")) {
                    List<String> args = List.of(command.substring(4).split(" "));
                    String last = body.isEmpty() ? "" : body.get(body.size() - 1);
                    int exit = last.startsWith("[exit ")
                            ? Integer.parseInt(last.substring(6, last.length() - 1)) : 0;
                    List<String> run = replayable(args, exit, examples, dir);
                    if (run == null) {
                        continue;
                    }
                    replayed.add(args.get(0));
                    Run r = MainTest.nnc(run.toArray(String[]::new));
                    String now = (r.err() + r.out()).replace(examples, "examples/")
                            .replace(dir + "/", "");
                    String nowOutFirst = (r.out() + r.err()).replace(examples, "examples/")
                            .replace(dir + "/", "");
                    String shown = body.isEmpty() ? "" : String.join("\n", body.subList(0,
                            body.size() - (last.startsWith("[exit ") ? 1 : 0))) + "\n";
                    shown = shown.equals("\n") ? "" : shown;
                    boolean same = matches(shown, now) || matches(shown, nowOutFirst)
                            || matches(shown, interleaved(r, examples, dir));
                    if (!same || (last.startsWith("[exit ") && r.code() != exit)) {
                        differ.add(lines[i] + "\n--- shown\n" + shown + "[exit " + exit
                                + "]\n--- now\n" + now + "[exit " + r.code() + "]");
                    }
                }
            }
        }
        for (String verb : List.of("train", "eval", "predict", "params", "report")) {
            assertTrue(replayed.contains(verb), "no run of " + verb + " replayed: " + replayed);
        }
        assertEquals(List.of(), differ, "docs/cli.md shows other outputs than the runs give "
                + "today (times and throughputs aside): update the shown runs");
    }

    /**
     * The run as it is replayed in {@code dir}, or {@code null} when it is left out: paths in
     * the directory, the default weights there too (nnc writes them to the current directory).
     */
    private static List<String> replayable(List<String> args, int exit, String examples,
            Path dir) {
        String verb = args.get(0);
        if (deterministic(args, exit) || exit >= 128 || verb.equals("serve")
                || !Set.of("train", "eval", "predict", "params", "report").contains(verb)) {
            return null;
        }
        List<String> run = new ArrayList<>(List.of(verb));
        String model = null;
        boolean output = false;
        boolean weights = false;
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            boolean path = PATH_OPTIONS.contains(args.get(i - 1));
            output |= Set.of("-o", "--output").contains(a);
            weights |= Set.of("-w", "--weights").contains(a);
            if (a.startsWith("examples/")) {
                if (!Files.exists(Path.of(examples + a.substring(9)))) {
                    return null; // a file made for the doc, not shown
                }
                if (a.endsWith(".nn")) {
                    model = a;
                }
                run.add(examples + a.substring(9));
            } else if (path) {
                Path p = dir.resolve(a);
                boolean written = Set.of("-o", "--output", "--metrics-json", "--report")
                        .contains(args.get(i - 1));
                if (!written && !Files.exists(p)) {
                    return null; // made for the doc and not shown
                }
                run.add(p.toString());
            } else {
                run.add(a);
            }
        }
        if (model == null || model.contains("/rings")) {
            return null;
        }
        String stem = Path.of(model).getFileName().toString().replaceFirst("\\.nn$", "");
        Path w = dir.resolve(stem + ".safetensors");
        if (verb.equals("train") && !output) {
            run.addAll(List.of("-o", w.toString()));
        }
        if (READ_WEIGHTS.contains(verb) && !weights) {
            run.addAll(List.of("-w", w.toString()));
        }
        return run;
    }

    /**
     * stderr and stdout as a terminal shows them when the last lines of stderr come after the
     * results (train: the table on stdout, then the files saved).
     */
    private static String interleaved(Run r, String examples, Path dir) {
        String err = r.err();
        int at = err.indexOf("weights saved to ");
        String text = at < 0 ? err + r.out() : err.substring(0, at) + r.out() + err.substring(at);
        return text.replace(examples, "examples/").replace(dir + "/", "");
    }

    /**
     * Whether {@code now} is what {@code shown} shows, times and throughputs aside: the table
     * columns may be of other widths, and a line {@code ...} stands for any lines.
     */
    static boolean matches(String shown, String now) {
        List<String> s = List.of(mask(shown).split("\n", -1));
        List<String> n = List.of(mask(now).split("\n", -1));
        return matches(s, 0, n, 0);
    }

    private static boolean matches(List<String> s, int i, List<String> n, int j) {
        if (i == s.size()) {
            return j == n.size();
        }
        if (s.get(i).equals("...")) {
            for (int k = j; k <= n.size(); k++) {
                if (matches(s, i + 1, n, k)) {
                    return true;
                }
            }
            return false;
        }
        return j < n.size() && s.get(i).equals(n.get(j)) && matches(s, i + 1, n, j + 1);
    }

    /** The text with times and throughputs replaced by {@code T}, runs of spaces by one. */
    static String mask(String text) {
        return text
                .replaceAll("[0-9.]+[kMG]? samples/s", "T samples/s")
                .replaceAll("\\b(in|steps) [0-9.]+ s\\b", "$1 T s")
                .replaceAll("(?m)^(train_seconds|samples_per_s) +\\S+$", "$1 T")
                .replaceAll("\"(train_seconds|samples_per_s)\": [0-9.eE+-]+", "\"$1\": T")
                .replaceAll(" {2,}", " ")
                .replaceAll("(?m) +$", "");
    }

    /**
     * A run whose output is the same each time: one of the listed commands on the examples, or a
     * refused command line, or {@code eval} without weights; files made for the doc, weights and
     * training left out.
     */
    private static boolean deterministic(List<String> args, int exit) {
        for (String a : args.subList(1, args.size())) {
            if ((a.endsWith(".nn") || a.endsWith(".csv") || a.endsWith("/"))
                    && !a.startsWith("examples/")) {
                return false;
            }
        }
        String verb = args.get(0);
        if (exit == 2) {
            return true;
        }
        if (verb.equals("fmt")) {
            return args.contains("--check");
        }
        if (verb.equals("eval")) {
            // the error for missing weights; the figures need weights trained for the doc
            return exit == 1 && !args.contains("-w") && !args.contains("--weights");
        }
        return VERBS.contains(verb);
    }

    private String clean(String text, String examples) {
        return text.replace(examples, "examples/").replace(tmp + "/", "");
    }
}
