package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** docs/cli.md has a section {@code ## nnc NAME} for each command of {@code nnc}, no more. */
class CliDocsTest {
    @Test
    void everyCommandHasItsSectionInCliMd() throws IOException {
        List<String> commands = List.copyOf(new CommandLine(new Main(null)).getSubcommands()
                .keySet());
        String doc = Files.readString(Path.of("..", "docs", "cli.md"));
        Matcher m = Pattern.compile("(?m)^## nnc (\\w+)$").matcher(doc);
        List<String> sections = new ArrayList<>();
        while (m.find()) {
            sections.add(m.group(1));
        }
        assertEquals(commands.stream().sorted().toList(), sections.stream().sorted().toList(),
                "commands of nnc vs sections '## nnc NAME' of docs/cli.md");
    }
}
