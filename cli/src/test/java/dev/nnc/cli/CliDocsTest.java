package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/cli.md and docs/cli-help.md agree with the commands of {@code nnc}: a section per command,
 * the synopsis and the contents line naming every command, each command's option table naming
 * exactly its options, and cli-help.md holding the {@code --help} text of each command as it is.
 *
 * <p>{@code docs/regen.sh} rewrites cli-help.md (this test with {@code -Dnnc.regen=true}).
 */
class CliDocsTest {
    private static final Path CLI_MD = Path.of("..", "docs", "cli.md");
    private static final Path HELP_MD = Path.of("..", "docs", "cli-help.md");
    /** The options of every command (of every one that prints results: -q, --json), described
     * once under "Conventions". */
    private static final Set<String> COMMON = Set.of("-h", "--help", "-V", "--version",
            "--debug", "-q", "--quiet", "--json");

    private static Map<String, CommandLine> commands() {
        return Main.commandLine(new Main(null)).getSubcommands();
    }

    @Test
    void everyCommandHasItsSectionInCliMd() throws IOException {
        List<String> commands = List.copyOf(commands().keySet());
        String doc = Files.readString(CLI_MD);
        Matcher m = Pattern.compile("(?m)^## nnc (\\w+)$").matcher(doc);
        List<String> sections = new ArrayList<>();
        while (m.find()) {
            sections.add(m.group(1));
        }
        assertEquals(commands.stream().sorted().toList(), sections.stream().sorted().toList(),
                "commands of nnc vs sections '## nnc NAME' of docs/cli.md");
    }

    /** The synopsis at the top and the contents line name every command; README's cli/ row too. */
    @Test
    void synopsisContentsAndReadmeNameEveryCommand() throws IOException {
        String doc = Files.readString(CLI_MD);
        String synopsis = doc.substring(doc.indexOf("```\n") + 4, doc.indexOf("```\n",
                doc.indexOf("```\n") + 4));
        String contents = doc.substring(doc.indexOf("Contents:"), doc.indexOf("\n\n",
                doc.indexOf("Contents:")));
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher row = Pattern.compile("(?m)^\\| `cli/` \\| `(.*?)`").matcher(readme);
        assertTrue(row.find(), "README's cli/ row");
        Set<String> inRow = Set.of(row.group(1).replace("nnc ", "").split(" / "));
        for (String name : commands().keySet()) {
            assertTrue(Pattern.compile("(?m)^nnc " + name + "\\b").matcher(synopsis).find(),
                    "the synopsis of docs/cli.md names nnc " + name + ":\n" + synopsis);
            assertTrue(contents.contains("(#nnc-" + name + ")"),
                    "the contents line of docs/cli.md links " + name + ": " + contents);
            assertTrue(inRow.contains(name), "README's cli/ row names " + name + ": " + inRow);
        }
        assertEquals(commands().keySet(), inRow, "README's cli/ row");
    }

    /**
     * The table under {@code ## nnc NAME} names exactly the options of {@code nnc NAME --help}
     * (the common ones aside), and its synopsis no option the command does not have.
     */
    @Test
    void eachOptionTableNamesExactlyTheCommandsOptions() throws IOException {
        String doc = Files.readString(CLI_MD);
        Pattern name = Pattern.compile("(?<![\\w-])(--?[A-Za-z][\\w-]*)");
        for (Map.Entry<String, CommandLine> e : commands().entrySet()) {
            String section = section(doc, e.getKey());
            Set<String> documented = new TreeSet<>();
            for (String line : section.split("\n")) {
                if (line.startsWith("| `")) {
                    String cell = line.substring(2, line.indexOf(" |", 2));
                    Matcher m = Pattern.compile("`([^`]*)`").matcher(cell);
                    while (m.find()) {
                        Matcher n = name.matcher(m.group(1));
                        if (n.lookingAt()) {
                            documented.add(n.group(1));
                        }
                    }
                }
            }
            Set<String> actual = new TreeSet<>();
            for (OptionSpec o : e.getValue().getCommandSpec().options()) {
                if (!o.hidden()) {
                    for (String n : o.names()) {
                        if (!COMMON.contains(n)) {
                            actual.add(n);
                        }
                    }
                }
            }
            documented.removeAll(COMMON); // documented once, in "Conventions"; rows optional
            assertEquals(actual, documented, "options of nnc " + e.getKey()
                    + " vs the option table of its section in docs/cli.md");
            int block = section.indexOf("```\n");
            if (block >= 0) {
                String synopsis = section.substring(block + 4, section.indexOf("```", block + 4));
                Matcher m = name.matcher(synopsis);
                while (m.find()) {
                    assertTrue(e.getValue().getCommandSpec().findOption(m.group(1)) != null,
                            "the synopsis of nnc " + e.getKey() + " names " + m.group(1));
                }
            }
        }
    }

    private static String section(String doc, String command) {
        int from = doc.indexOf("\n## nnc " + command + "\n");
        assertTrue(from >= 0, "section of " + command);
        int to = doc.indexOf("\n## ", from + 1);
        return doc.substring(from, to < 0 ? doc.length() : to);
    }

    /** docs/cli-help.md is the {@code --help} text of nnc and of each command, as they are. */
    @Test
    void cliHelpMdIsTheHelpOfEveryCommand() throws IOException {
        String expected = helpDoc();
        if (Boolean.getBoolean("nnc.regen")) {
            Files.writeString(HELP_MD, expected, StandardCharsets.UTF_8);
        }
        assertEquals(expected, Files.readString(HELP_MD, StandardCharsets.UTF_8),
                "docs/cli-help.md is out of date: run docs/regen.sh");
    }

    /** The text of docs/cli-help.md: each {@code --help}, 100 columns wide. */
    static String helpDoc() {
        CommandLine nnc = Main.commandLine(new Main(null));
        nnc.setUsageHelpAutoWidth(false);
        nnc.setUsageHelpWidth(100);
        StringBuilder sb = new StringBuilder();
        sb.append("# `nnc --help` and the help of each command\n\n")
                .append("<!-- Generated from the commands by docs/regen.sh; CliDocsTest checks "
                        + "it. Do not edit. -->\n\n")
                .append("What `nnc --help` and `nnc COMMAND --help` (or `nnc help COMMAND`) "
                        + "print; [cli.md](cli.md) explains each command with real runs.\n\n");
        sb.append("## nnc\n\n```\n").append(nnc.getUsageMessage(CommandLine.Help.Ansi.OFF))
                .append("```\n");
        for (Map.Entry<String, CommandLine> e : nnc.getSubcommands().entrySet()) {
            sb.append("\n## nnc ").append(e.getKey()).append("\n\n```\n")
                    .append(e.getValue().getUsageMessage(CommandLine.Help.Ansi.OFF))
                    .append("```\n");
        }
        return sb.toString();
    }
}
