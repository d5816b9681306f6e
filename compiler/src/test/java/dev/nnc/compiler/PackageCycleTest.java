package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The compiler's packages depend on each other one way: a scan of the main sources' references
 * to {@code dev.nnc.compiler.*} classes (imports and qualified names) finds no cycle. Example of
 * what it refuses: {@code ops} naming {@code onnx.OnnxGraph} while {@code onnx} names
 * {@code ops.ExportSite}.
 */
class PackageCycleTest {
    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
    /** A qualified reference to a class: the package, then a capitalized name. */
    private static final Pattern REFERENCE =
            Pattern.compile("\\b(dev\\.nnc\\.compiler(?:\\.[a-z]\\w*)*)\\.[A-Z]");

    @Test
    void theCompilersPackagesHaveNoCycle() throws IOException {
        Map<String, Set<String>> uses = dependencies(SOURCES);
        assertTrue(uses.size() >= 8, "packages found: " + uses.keySet());
        List<List<String>> cycles = cycles(uses);
        assertTrue(cycles.isEmpty(), "package cycles: " + cycles);
    }

    @Test
    void theScanFindsACycle() {
        Map<String, Set<String>> uses = new TreeMap<>();
        uses.put("a", Set.of("b"));
        uses.put("b", Set.of("c"));
        uses.put("c", Set.of("a"));
        uses.put("d", Set.of("a"));
        assertEquals(List.of(List.of("a", "b", "c")), cycles(uses));
    }

    /** Package → the other compiler packages its classes name. */
    static Map<String, Set<String>> dependencies(Path root) throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        List<Path> files;
        try (var walk = Files.walk(root)) {
            files = walk.filter(f -> f.toString().endsWith(".java")).toList();
        }
        for (Path f : files) {
            String text = Files.readString(f);
            Matcher p = PACKAGE.matcher(text);
            if (!p.find()) {
                continue;
            }
            String pkg = p.group(1);
            Set<String> to = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
            Matcher r = REFERENCE.matcher(text.substring(p.end()));
            while (r.find()) {
                if (!r.group(1).equals(pkg)) {
                    to.add(r.group(1));
                }
            }
        }
        return uses;
    }

    /** The strongly connected components of more than one package (Tarjan), each sorted. */
    static List<List<String>> cycles(Map<String, Set<String>> uses) {
        var t = new Object() {
            final Map<String, Integer> index = new TreeMap<>();
            final Map<String, Integer> low = new TreeMap<>();
            final List<String> stack = new ArrayList<>();
            final List<List<String>> found = new ArrayList<>();

            void visit(String v) {
                index.put(v, index.size());
                low.put(v, index.get(v));
                stack.add(v);
                for (String w : uses.getOrDefault(v, Set.of())) {
                    if (!index.containsKey(w)) {
                        visit(w);
                        low.put(v, Math.min(low.get(v), low.get(w)));
                    } else if (stack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                }
                if (low.get(v).equals(index.get(v))) {
                    List<String> component = new ArrayList<>();
                    String w;
                    do {
                        w = stack.remove(stack.size() - 1);
                        component.add(w);
                    } while (!w.equals(v));
                    if (component.size() > 1) {
                        component.sort(null);
                        found.add(component);
                    }
                }
            }
        };
        for (String v : uses.keySet()) {
            if (!t.index.containsKey(v)) {
                t.visit(v);
            }
        }
        return t.found;
    }
}
