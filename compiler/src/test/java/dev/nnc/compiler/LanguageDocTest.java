package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Limits;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/language.md lists the compiler's limits and diagnostics as the code has them. */
class LanguageDocTest {
    private static final Path DOC = Path.of("../docs/language.md");

    @Test
    void theLimitsTableListsEveryLimitWithItsValue() throws IOException, IllegalAccessException {
        Map<String, String> code = new TreeMap<>();
        for (Field f : Limits.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                code.put(f.getName(), String.valueOf(f.get(null)));
            }
        }
        Map<String, String> doc = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `([A-Z_]+)` \\| (\\d+) \\|")
                .matcher(Files.readString(DOC));
        while (m.find()) {
            doc.put(m.group(1), m.group(2));
        }
        assertEquals(code, doc, "the Limits table of docs/language.md");
    }

    @Test
    void theDiagnosticsTableListsEveryCode() throws IOException {
        String text = Files.readString(DOC);
        for (Code c : Code.values()) {
            assertTrue(text.contains("| " + c.id() + " |"), c.id() + " missing in " + DOC);
        }
    }
}
