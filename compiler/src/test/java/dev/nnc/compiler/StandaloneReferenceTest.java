package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.gen.StandaloneGenerator;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.kernels.Activations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The standalone class carries the runtime's reference functions as written: every line of
 * code between the {@code standalone} markers of {@code Activations.java} (the copy the runtime
 * jar carries) appears in the standalone source in the same order, {@code public} made
 * {@code private}, and nothing else defines {@code exp}, {@code sigmoid} or {@code tanh} there.
 */
class StandaloneReferenceTest {

    @Test
    void theStandaloneClassCarriesTheReferenceSourceVerbatim() throws IOException {
        Compilation c = Models.compile("model S {\n input [3]\n dense(4) -> sigmoid\n"
                + " dense(2) -> tanh\n loss mse\n optimizer sgd(lr: 0.1)\n}\n");
        assertTrue(!c.hasErrors(), c.renderDiagnostics());
        String standalone = StandaloneGenerator.generate(c.model(),
                new float[c.model().paramCount()], Preprocessing.identity(3, 2), "w").toString();
        List<String> generated = standalone.lines().map(String::strip).toList();
        int at = 0;
        List<String> reference = referenceCode();
        assertTrue(reference.size() > 20, "reference lines: " + reference.size());
        for (String line : reference) {
            String want = line.replaceFirst("^public ", "private ");
            int found = generated.subList(at, generated.size()).indexOf(want);
            assertTrue(found >= 0, "not in the standalone class (in order): " + want
                    + "\n" + standalone);
            at += found + 1;
        }
        for (String f : List.of("float exp(", "float sigmoid(", "float tanh(")) {
            assertEquals(1, standalone.split(java.util.regex.Pattern.quote(f), -1).length - 1,
                    "definitions of " + f);
        }
    }

    /** The code lines (no comments, no blank lines) between the markers, stripped. */
    private static List<String> referenceCode() throws IOException {
        String text;
        // not at its package path, where javac would find it and compile it beside a model class
        assertNull(Activations.class.getResource("Activations.java"), "source at package path");
        try (InputStream in = Activations.class.getResourceAsStream(
                "/META-INF/nnc/reference/dev/nnc/runtime/kernels/Activations.java")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> out = new ArrayList<>();
        boolean inside = false;
        boolean comment = false;
        for (String l : text.lines().toList()) {
            String s = l.strip();
            if (s.equals("// standalone: begin")) {
                inside = true;
            } else if (s.equals("// standalone: end")) {
                inside = false;
            } else if (inside) {
                if (s.startsWith("/*")) {
                    comment = !s.endsWith("*/");
                } else if (comment) {
                    comment = !s.endsWith("*/");
                } else if (!s.isEmpty() && !s.startsWith("//")) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
