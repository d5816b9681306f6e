package dev.nnc.maven;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * maven-plugin/README.md shows the example project as it is: its pom is
 * examples/maven-consumer/pom.xml verbatim, and each Java block is code of the example (its
 * lines, in order, in one of the example's sources).
 */
class ReadmeTest {
    private static final Path EXAMPLE = Path.of("..", "examples", "maven-consumer");

    @Test
    void readmePomIsTheExamplesPom() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String pom = Files.readString(EXAMPLE.resolve("pom.xml"));
        assertTrue(readme.contains("```xml\n" + pom + "```\n"),
                "maven-plugin/README.md must show examples/maven-consumer/pom.xml verbatim");
    }

    @Test
    void readmeJavaIsTheExamplesCode() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<String> sources = new ArrayList<>();
        try (var files = Files.walk(EXAMPLE.resolve("src"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                sources.add(squash(Files.readString(p)));
            }
        }
        Matcher m = Pattern.compile("(?s)```java\n(.*?)```").matcher(readme);
        int blocks = 0;
        while (m.find()) {
            blocks++;
            String block = squash(m.group(1));
            assertFalse(block.contains("Path.of(\"src/main/nn\")"),
                    "a path relative to the working directory in the README's code");
            assertTrue(sources.stream().anyMatch(s -> s.contains(block)),
                    "a Java block of maven-plugin/README.md that is not the example's code:\n"
                            + m.group(1));
        }
        assertTrue(blocks >= 3, "the README's Java blocks");
    }

    /** The text's lines without their indentation, statements joined as one line. */
    private static String squash(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty())
                .reduce("", (a, b) -> a + "\n" + b).replace("(\n", "(").replace(",\n", ", ");
    }
}
