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
 * The runs docs/cli.md shows whose output does not depend on time or on files made for the doc
 * ({@code $ nnc check|summary|compile|graph|fmt --check} of the examples, and the errors shown
 * for bad command lines or missing weights) print today what the doc shows, exit status
 * included. {@code docs/regen.sh} ({@code -Dnnc.regen=true}) writes the outputs into the doc.
 */
class DocOutputsTest {
    private static final Path CLI_MD = Path.of("..", "docs", "cli.md");
    private static final Set<String> VERBS = Set.of("check", "summary", "compile", "graph");
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
