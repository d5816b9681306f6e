package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nnc.compiler.diag.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every fixture under {@code src/test/resources/diagnostics}: each line's
 * {@code // error NN0201: text} comments are the diagnostics expected there (the message must start
 * with the text; {@code …} (U+2026) in the text stands for any characters, so a fixture can skip
 * a part that depends on the machine, such as an absolute path). The test fails on a missing and
 * on an unexpected diagnostic. Files whose names start with {@code _} are only imported by other
 * fixtures.
 */
class DiagnosticsTest {
    private static final Path ROOT = Path.of("src/test/resources/diagnostics");
    private static final Pattern EXPECT = Pattern.compile(
            "//\\s*(error|warning)\\s+(NN\\d{4}):\\s*(.*?)\\s*(?=//\\s*(?:error|warning)\\s+NN|$)");

    record Expected(Path file, int line, String severity, String code, String text) {
        boolean matches(Diagnostic d) {
            return d.span().file().path().equals(file) && d.span().line() == line
                    && d.severity().label().equals(severity) && d.code().id().equals(code)
                    && matchesText(d.message());
        }

        private boolean matchesText(String message) {
            String[] parts = text.split("…", -1);
            if (!message.startsWith(parts[0])) {
                return false;
            }
            int at = parts[0].length();
            for (int i = 1; i < parts.length; i++) {
                int found = message.indexOf(parts[i], at);
                if (found < 0) {
                    return false;
                }
                at = found + parts[i].length();
            }
            return true;
        }

        @Override
        public String toString() {
            return file.getFileName() + ":" + line + ": " + severity + "[" + code + "]: " + text;
        }
    }

    @TestFactory
    Stream<DynamicTest> fixtures() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(ROOT)) {
            files = s.filter(p -> p.toString().endsWith(".nn"))
                    .filter(p -> !p.getFileName().toString().startsWith("_")).sorted().toList();
        }
        assertTrue(files.size() >= 15, "fixtures found: " + files.size());
        return files.stream().map(f -> DynamicTest.dynamicTest(ROOT.relativize(f).toString(),
                () -> check(f)));
    }

    private static void check(Path file) throws IOException {
        Compilation c = NnCompiler.compile(file, NnCompiler.Options.defaults()
                .withRequireModel(false));
        List<Expected> expected = new ArrayList<>();
        for (Path input : c.inputs()) {
            expected.addAll(expectations(input));
        }
        List<Diagnostic> unexpected = new ArrayList<>(c.diagnostics());
        List<Expected> missing = new ArrayList<>();
        for (Expected e : expected) {
            Diagnostic hit = unexpected.stream().filter(e::matches).findFirst().orElse(null);
            if (hit == null) {
                missing.add(e);
            } else {
                unexpected.remove(hit);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            missing.forEach(m -> sb.append("missing:    ").append(m).append('\n'));
            unexpected.forEach(u -> sb.append("unexpected: ").append(u).append('\n'));
            fail(sb.toString());
        }
    }

    private static List<Expected> expectations(Path file) throws IOException {
        List<Expected> out = new ArrayList<>();
        Path abs = file.toAbsolutePath().normalize();
        List<String> lines = Files.readAllLines(abs);
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = EXPECT.matcher(lines.get(i));
            while (m.find()) {
                out.add(new Expected(abs, i + 1, m.group(1), m.group(2), m.group(3)));
            }
        }
        return out;
    }
}
