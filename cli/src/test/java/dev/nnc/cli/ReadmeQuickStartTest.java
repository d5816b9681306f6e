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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README.md's quick start is two commands, and the first prints what the README shows: its lines,
 * in order ("..." standing for lines left out), times and throughputs masked.
 */
class ReadmeQuickStartTest {
    private static final Path README = Path.of("..", "README.md");

    @Test
    void quickStartTrainsAsShown(@TempDir Path tmp) throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int section = readme.indexOf("## Quick start");
        Matcher blocks = Pattern.compile("(?s)```\\n(.*?)```").matcher(readme);
        assertTrue(blocks.find(section));
        List<String> commands = blocks.group(1).lines().toList();
        assertEquals(2, commands.size(), "the quick start is two commands: " + commands);
        assertTrue(commands.get(1).startsWith("mvn -B verify "), commands.get(1));
        Matcher c = Pattern.compile("^\\./nnc (train (\\S+))\\s").matcher(commands.get(0));
        assertTrue(c.find(), commands.get(0));
        assertTrue(blocks.find(), "the shown output");
        List<String> shown = blocks.group(1).lines().toList();

        String file = c.group(2);
        String weights = Path.of(file).getFileName().toString().replace(".nn", ".safetensors");
        Run r = MainTest.nnc("train", Path.of("..").resolve(file).toString(), "-o",
                tmp.resolve(weights).toString());
        assertEquals(0, r.code(), r.all());
        List<String> actual = new ArrayList<>();
        for (String line : (r.err() + r.out()).split("\n")) {
            actual.add(mask(line.replace(tmp + "/", "")));
        }
        int at = 0;
        for (String line : shown) {
            if (line.equals("...")) {
                continue;
            }
            String want = mask(line);
            while (at < actual.size() && !actual.get(at).equals(want)) {
                at++;
            }
            assertTrue(at < actual.size(), "README's line '" + line + "' is not in the run "
                    + "(in order):\n" + String.join("\n", actual));
            at++;
        }
    }

    /** Seconds and samples per second as {@code #}: they differ from run to run. */
    private static String mask(String line) {
        return line.replaceAll("[\\d.]+ s\\b", "# s").replaceAll("[\\d.]+[kM]? samples/s",
                "# samples/s").strip();
    }
}
