package dev.nnc.compiler.sema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.ops.InitSpec;
import dev.nnc.compiler.ops.Registry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The "known:" lists that the documentation shows in diagnostics ({@code unknown layer 'desne';
 * known: ...}) are the lists the checker reports, taken from where the checker takes them; a list
 * shortened with "…" is not compared.
 */
class DocsKnownListsTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern KNOWN = Pattern.compile(
            "unknown (layer|activation|loss|optimizer|initializer|train setting|data setting"
            + "|block|data format) '[^']*'; known: ([^;`\\n]*)");

    private static Map<String, Collection<String>> expected() {
        Registry r = Registry.standard();
        return Map.of("layer", r.layerNames(), "activation", r.activationNames(),
                "loss", r.lossNames(), "optimizer", r.optimizerNames(),
                "initializer", InitSpec.NAMES, "train setting", TrainChecker.KEYS,
                "data setting", DataChecker.KEYS, "block", Checker.BLOCKS,
                "data format", SourceKind.names());
    }

    @Test
    void knownListsInTheDocsAreTheCheckersLists() throws IOException {
        List<Path> docs = new ArrayList<>();
        try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        docs.add(ROOT.resolve("maven-plugin/README.md"));
        docs.add(ROOT.resolve("README.md"));
        Map<String, Collection<String>> lists = expected();
        int compared = 0;
        List<String> stale = new ArrayList<>();
        for (Path doc : docs) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = KNOWN.matcher(lines.get(i));
                while (m.find()) {
                    String shown = m.group(2).trim();
                    if (shown.contains("…")) {
                        continue;
                    }
                    String want = Names.list(lists.get(m.group(1)));
                    if (!want.equals(shown)) {
                        stale.add(ROOT.relativize(doc) + ":" + (i + 1) + ": the " + m.group(1)
                                + " names known are " + want + ", not " + shown);
                    }
                    compared++;
                }
            }
        }
        assertTrue(compared >= 5, "lists compared: " + compared);
        assertEquals(List.of(), stale, String.join("\n", stale));
    }
}
