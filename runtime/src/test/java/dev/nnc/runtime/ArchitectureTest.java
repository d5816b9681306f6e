package dev.nnc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house rules read from the sources: no package cycle in the main sources of any module of
 * the project, the runtime uses nothing outside the JDK, no main source file of any module
 * (runtime, compiler, cli, lsp, maven-plugin, spark, …) is over 600 lines, and CONTRIBUTING.md's
 * module map names every runtime package. A package uses another when one of its files imports a
 * class of it or names one by its full name.
 *
 * <p>Example of a failure: {@code compiler: package cycle dev.nnc.compiler.a -> dev.nnc.compiler.b
 * -> dev.nnc.compiler.a (a/X.java uses dev.nnc.compiler.b, b/Y.java uses dev.nnc.compiler.a)}.
 */
class ArchitectureTest {
    /** The project's root: the runtime module's parent. */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    /**
     * Cycles known and on their way out, each with the reason it is still here. A cycle not
     * listed fails the test; a listed one that is gone fails it too, so the list stays true.
     */
    /**
     * Cycles known and accepted, each with why (the test fails when one is gone, so the entry
     * goes with it). None today: the compiler's ops <-> onnx cycle was broken by moving the
     * exporter to gen.
     */
    private static final Map<String, String> KNOWN_CYCLES = Map.of();

    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;",
            Pattern.MULTILINE);
    /** A class named by its package, in an import or in code: {@code a.b.c.Name}. */
    private static final Pattern QUALIFIED = Pattern.compile(
            "(?<![\\w.])((?:[a-z][a-z0-9_]*\\.)+[a-z][a-z0-9_]*)\\.[A-Z]");
    private static final Pattern IMPORT = Pattern.compile(
            "^import\\s+(?:static\\s+)?([\\w.]+)\\s*;", Pattern.MULTILINE);

    @Test
    void noModuleHasAPackageCycle() throws IOException {
        List<String> found = new ArrayList<>();
        int modules = 0;
        for (Path module : modules()) {
            modules++;
            Map<String, Map<String, String>> uses = uses(module);
            for (List<String> cycle : cycles(uses)) {
                String key = ROOT.relativize(module) + ": " + String.join(" <-> ", cycle);
                found.add(key + describe(cycle, uses));
            }
        }
        assertTrue(modules >= 5, "modules found under " + ROOT + ": " + modules);
        List<String> unknown = new ArrayList<>();
        for (String f : found) {
            if (KNOWN_CYCLES.keySet().stream().noneMatch(k -> f.startsWith(k + " ("))) {
                unknown.add(f);
            }
        }
        assertEquals(List.of(), unknown, "package cycles");
        for (String k : KNOWN_CYCLES.keySet()) {
            assertTrue(found.stream().anyMatch(f -> f.startsWith(k + " (")),
                    "the known cycle '" + k + "' is gone: take it off KNOWN_CYCLES");
        }
    }

    @Test
    void theRuntimeUsesOnlyTheJdk() throws IOException {
        Set<String> outside = new TreeSet<>();
        for (Path src : List.of(ROOT.resolve("runtime/src/main/java"),
                ROOT.resolve("runtime/src/main/vector"))) {
            for (Path f : javaFiles(src)) {
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    String name = m.group(1);
                    if (!(name.startsWith("java.") || name.startsWith("jdk.")
                            || name.startsWith("dev.nnc.runtime."))) {
                        outside.add(ROOT.relativize(f) + " imports " + name);
                    }
                }
            }
        }
        assertEquals(Set.of(), outside);
    }

    /**
     * One vector width for the whole JVM ({@code VectorWidth}, see its NOTE on JDK 17's boxed
     * vectors): no main source of any module, nor the benchmarks, names a species or a shape of
     * its own, in code or in the code it generates (string literals count).
     */
    @Test
    void onlyVectorWidthChoosesAVectorSpecies() throws IOException {
        Pattern species = Pattern.compile(
                "SPECIES_\\w+|VectorSpecies\\.of|VectorShape\\.|\\.withShape\\(|\\.withLanes\\(");
        List<Path> dirs = new ArrayList<>(List.of(ROOT.resolve("bench")));
        for (Path module : modules()) {
            dirs.add(module.resolve("src/main/java"));
            dirs.add(module.resolve("src/main/vector"));
        }
        Set<String> found = new TreeSet<>();
        int files = 0;
        for (Path dir : dirs) {
            for (Path f : javaFiles(dir)) {
                files++;
                String src = Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", " ")
                        .replaceAll("(?m)^\\s*//[^\\n]*", " ");
                Matcher m = species.matcher(src);
                if (m.find() && !f.endsWith(Path.of("dev/nnc/runtime/kernels/VectorWidth.java"))) {
                    found.add(ROOT.relativize(f) + ": " + m.group());
                }
            }
        }
        assertTrue(files > 100, "sources read: " + files);
        assertEquals(Set.of(), found, "vector species chosen outside VectorWidth");
    }

    @Test
    void noMainSourceOfAnyModuleIsOver600Lines() throws IOException {
        Map<String, Integer> over = new TreeMap<>();
        Set<String> checked = new TreeSet<>();
        for (Path module : modules()) {
            for (Path src : List.of(module.resolve("src/main/java"),
                    module.resolve("src/main/vector"))) {
                for (Path f : javaFiles(src)) {
                    checked.add(ROOT.relativize(module).toString());
                    int lines = Files.readAllLines(f).size();
                    if (lines > 600) {
                        over.put(ROOT.relativize(f).toString(), lines);
                    }
                }
            }
        }
        // generated code (the ANTLR parser, the model classes) lies under target/, not src/main
        assertTrue(checked.containsAll(List.of("runtime", "compiler", "cli", "lsp",
                "maven-plugin", "spark")), "modules checked: " + checked);
        assertEquals(Map.of(), over, "main sources over 600 lines");
    }

    @Test
    void contributingMapsEveryRuntimePackage() throws IOException {
        Set<String> tree = new TreeSet<>();
        for (Path f : javaFiles(ROOT.resolve("runtime/src/main/java"))) {
            Matcher m = PACKAGE.matcher(Files.readString(f));
            if (m.find()) {
                tree.add(m.group(1).substring("dev.nnc.runtime.".length()));
            }
        }
        String doc = Files.readString(ROOT.resolve("CONTRIBUTING.md"));
        int from = doc.indexOf("- `runtime` —");
        int to = doc.indexOf("\n- `", from + 1);
        assertTrue(from >= 0 && to > from, "CONTRIBUTING.md has a runtime entry");
        Set<String> mapped = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^  - `(\\w+)` —").matcher(doc.substring(from, to));
        while (m.find()) {
            mapped.add(m.group(1));
        }
        assertEquals(tree, mapped, "the runtime packages in CONTRIBUTING.md's module map");
    }

    /** Every directory of the project with main sources of its own. */
    private static List<Path> modules() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(ROOT, 4)) {
            s.filter(p -> p.endsWith(Path.of("src", "main")) && !p.toString().contains("target"))
                    .filter(p -> !p.toString().contains("node_modules"))
                    .sorted()
                    .forEach(p -> out.add(p.getParent().getParent()));
        }
        return out;
    }

    /** package → (used package → one file of the first that uses it), within the module. */
    private static Map<String, Map<String, String>> uses(Path module) throws IOException {
        Map<String, Map<String, String>> uses = new TreeMap<>();
        Map<Path, String> packageOf = new HashMap<>();
        List<Path> files = new ArrayList<>();
        for (Path src : List.of(module.resolve("src/main/java"),
                module.resolve("src/main/vector"))) {
            files.addAll(javaFiles(src));
        }
        for (Path f : files) {
            Matcher m = PACKAGE.matcher(Files.readString(f));
            packageOf.put(f, m.find() ? m.group(1) : "");
            uses.computeIfAbsent(packageOf.get(f), k -> new TreeMap<>());
        }
        for (Path f : files) {
            String from = packageOf.get(f);
            Matcher m = QUALIFIED.matcher(code(Files.readString(f)));
            while (m.find()) {
                String to = m.group(1);
                if (!to.equals(from) && uses.containsKey(to)) {
                    uses.get(from).putIfAbsent(to, module.relativize(f).toString());
                }
            }
        }
        return uses;
    }

    /** The source without comments and string literals, whose names are not uses. */
    private static String code(String src) {
        return src.replaceAll("(?s)/\\*.*?\\*/", " ")
                .replaceAll("//[^\\n]*", " ")
                .replaceAll("\"(?:\\\\.|[^\"\\\\\\n])*\"", "\"\"");
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** The strongly connected sets of more than one package, each sorted (Tarjan). */
    static List<List<String>> cycles(Map<String, Map<String, String>> uses) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> out = new ArrayList<>();
        int[] next = {0};
        for (String p : uses.keySet()) {
            if (!index.containsKey(p)) {
                connect(p, uses, index, low, stack, onStack, out, next);
            }
        }
        return out;
    }

    private static void connect(String p, Map<String, Map<String, String>> uses,
            Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
            Set<String> onStack, List<List<String>> out, int[] next) {
        index.put(p, next[0]);
        low.put(p, next[0]);
        next[0]++;
        stack.push(p);
        onStack.add(p);
        for (String q : uses.get(p).keySet()) {
            if (!index.containsKey(q)) {
                connect(q, uses, index, low, stack, onStack, out, next);
                low.put(p, Math.min(low.get(p), low.get(q)));
            } else if (onStack.contains(q)) {
                low.put(p, Math.min(low.get(p), index.get(q)));
            }
        }
        if (low.get(p).equals(index.get(p))) {
            List<String> component = new ArrayList<>();
            String q;
            do {
                q = stack.pop();
                onStack.remove(q);
                component.add(q);
            } while (!q.equals(p));
            if (component.size() > 1) {
                component.sort(null);
                out.add(component);
            }
        }
    }

    /** Which file makes each arrow inside the cycle, e.g. {@code (a/X.java uses b, …)}. */
    private static String describe(List<String> cycle, Map<String, Map<String, String>> uses) {
        List<String> arrows = new ArrayList<>();
        for (String p : cycle) {
            for (Map.Entry<String, String> e : uses.get(p).entrySet()) {
                if (cycle.contains(e.getKey())) {
                    arrows.add(e.getValue() + " uses " + e.getKey());
                }
            }
        }
        return " (" + String.join(", ", arrows) + ")";
    }
}
