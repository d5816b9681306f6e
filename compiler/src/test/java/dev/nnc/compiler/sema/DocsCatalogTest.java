package dev.nnc.compiler.sema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Severity;
import dev.nnc.compiler.ops.ArgSpec;
import dev.nnc.compiler.ops.InitSpec;
import dev.nnc.compiler.ops.LayerKind;
import dev.nnc.compiler.ops.Loss;
import dev.nnc.compiler.ops.Registry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The catalogs the documentation shows are the catalogs of the code: every table of
 * docs/language.md that lists layer kinds, activations, losses, optimizers, initializers,
 * schedules, train keys, data keys, data sources and diagnostics names exactly what the
 * registries and the checker know (with their arguments and defaults where the table gives
 * them), and every "known:" list in the docs is the list the checker reports. A new kind,
 * key or code needs only its line in the doc; a stale doc fails the build.
 */
class DocsCatalogTest {
    private static final Path ROOT = Path.of("..");
    private static final Path LANGUAGE = ROOT.resolve("docs/language.md");
    private static final Registry REGISTRY = Registry.standard();
    private static final Pattern CODE = Pattern.compile("`([^`]*)`");

    /** A table of a doc: the section it is in, its header line, its rows' cells. */
    private record Table(String section, String header, List<List<String>> rows) {
        /** The table's rows by the first name in backticks of their first cell. */
        Map<String, List<String>> byName() {
            Map<String, List<String>> m = new LinkedHashMap<>();
            for (List<String> r : rows) {
                for (String n : names(r.get(0))) {
                    m.put(n, r);
                }
            }
            return m;
        }
    }

    private static List<Table> tables(Path doc) throws IOException {
        List<Table> tables = new ArrayList<>();
        List<String> lines = Files.readAllLines(doc);
        String section = "";
        boolean fence = false;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            fence ^= l.startsWith("```");
            if (fence) {
                continue;
            }
            if (l.startsWith("#")) {
                section = l.replaceFirst("^#+ *", "");
            }
            if (l.startsWith("|") && i + 1 < lines.size()
                    && lines.get(i + 1).matches("\\|(\\s*-+\\s*\\|)+")) {
                List<List<String>> rows = new ArrayList<>();
                int j = i + 2;
                for (; j < lines.size() && lines.get(j).startsWith("|"); j++) {
                    rows.add(cells(lines.get(j)));
                }
                tables.add(new Table(section, l, rows));
                i = j - 1;
            }
        }
        return tables;
    }

    /** The cells of a table row ({@code \|} is a bar inside a cell). */
    private static List<String> cells(String row) {
        String[] parts = row.substring(1, row.length() - (row.endsWith("|") ? 1 : 0))
                .split("(?<!\\\\)\\|", -1);
        return Arrays.stream(parts).map(String::strip).toList();
    }

    /** The tables of docs/language.md whose header is {@code header} (in that section). */
    private static List<Table> find(String header, String section) throws IOException {
        List<Table> found = tables(LANGUAGE).stream().filter(t -> t.header().equals(header)
                && (section == null || t.section().equals(section))).toList();
        assertTrue(!found.isEmpty(), "docs/language.md has a table " + header
                + (section == null ? "" : " under '" + section + "'"));
        return found;
    }

    /**
     * The names a cell gives: each code span's leading name ({@code `dense(units)`} →
     * {@code dense}, {@code `l1`, `l2`} → both).
     */
    private static List<String> names(String cell) {
        List<String> names = new ArrayList<>();
        Matcher m = CODE.matcher(cell);
        while (m.find()) {
            Matcher n = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*").matcher(m.group(1));
            if (n.find()) {
                names.add(n.group());
            }
        }
        return names;
    }

    /** The argument names of a signature in a cell, {@code `step(every: k, gamma: 0.1)`}. */
    private static List<String> signature(String cell) {
        Matcher m = Pattern.compile("`[A-Za-z_0-9]+\\(([^)`]*)\\)").matcher(cell);
        List<String> args = new ArrayList<>();
        if (m.find()) {
            // NOTE: the commas of a list value, [30, 60], do not part arguments
            int depth = 0;
            StringBuilder arg = new StringBuilder();
            for (char c : (m.group(1) + ",").toCharArray()) {
                depth += c == '[' ? 1 : c == ']' ? -1 : 0;
                if (c == ',' && depth == 0) {
                    String name = arg.toString().strip().replaceFirst("[:\\s].*", "");
                    if (!name.isEmpty() && !name.equals("...")) {
                        args.add(name);
                    }
                    arg.setLength(0);
                } else {
                    arg.append(c);
                }
            }
        }
        return args;
    }

    private static List<String> argNames(List<ArgSpec> specs) {
        return specs.stream().map(ArgSpec::name).toList();
    }

    private static void assertSameNames(Collection<String> expected, Collection<String> shown,
            String what) {
        assertEquals(new TreeSet<>(expected), new TreeSet<>(shown), what);
    }

    @Test
    void layerKindsTableNamesEveryKindWithItsArguments() throws IOException {
        Table t = find("| kind | arguments | section |", "Layers").get(0);
        Map<String, List<String>> rows = t.byName();
        List<String> expected = new ArrayList<>();
        List<String> kinds = REGISTRY.layerNames().stream()
                .filter(n -> !REGISTRY.layer(n).isActivation()).toList();
        for (String name : kinds) {
            LayerKind k = REGISTRY.layer(name);
            expected.add("| `" + name + "` | " + String.join(", ", argNames(k.args()).stream()
                    .map(a -> "`" + a + "`").toList()) + " |");
        }
        // NOTE: an activation has its one row in the activations' table; this table points there
        assertSameNames(kinds, rows.keySet(), "the layer kinds of the table under 'Layers' in "
                + "docs/language.md (activations only in the table of activations, which one "
                + "row here points to); the registry's, each with its arguments:\n"
                + String.join("\n", expected));
        assertEquals(1, t.rows().stream().filter(r -> names(r.get(0)).isEmpty()
                && r.get(2).equals("[Activations](#activations)")).count(),
                "one row of the layer kinds' table points to the table of activations");
        for (Map.Entry<String, List<String>> e : rows.entrySet()) {
            assertEquals(argNames(REGISTRY.layer(e.getKey()).args()), names(e.getValue().get(1)),
                    "the arguments of " + e.getKey() + ", in order");
            assertTrue(e.getValue().get(2).contains("](#"), e.getKey() + " links its section");
        }
    }

    @Test
    void activationsTableIsTheRegistrysActivations() throws IOException {
        Table t = find("| name | forward A = f(Z) | backward dZ = |", "Activations").get(0);
        assertSameNames(REGISTRY.activationNames(), t.byName().keySet(), "activations");
        for (Map.Entry<String, List<String>> e : t.byName().entrySet()) {
            assertEquals(argNames(REGISTRY.layer(e.getKey()).args()),
                    signature(e.getValue().get(0)), "the arguments of " + e.getKey());
        }
    }

    @Test
    void lossesTableNamesEachLossWithItsAliases() throws IOException {
        Table t = find("| loss (aliases) | value | needs | gradient starting backward |",
                "Losses").get(0);
        List<String> shown = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (List<String> r : t.rows()) {
            shown.addAll(names(r.get(0)));
        }
        for (String name : REGISTRY.lossNames()) {
            expected.add(name);
            expected.addAll(REGISTRY.lossNamed(name).aliases());
        }
        assertSameNames(expected, shown, "losses and their aliases");
        for (List<String> r : t.rows()) {
            List<String> n = names(r.get(0));
            Loss loss = REGISTRY.lossNamed(n.get(0));
            assertEquals(loss.aliases(), n.subList(1, n.size()), "aliases of " + n.get(0));
        }
    }

    /** Each optimizer with its arguments and their defaults: {@code `momentum` (0.9)}. */
    @Test
    void optimizersTableNamesEachOptimizerWithItsArgumentsAndDefaults() throws IOException {
        Table t = find("| optimizer | arguments (defaults) | update |", "Optimizer").get(0);
        assertSameNames(REGISTRY.optimizerNames(), t.byName().keySet(), "optimizers");
        Pattern arg = Pattern.compile("`(\\w+)`(?: \\(([^)]*)\\))?");
        for (Map.Entry<String, List<String>> e : t.byName().entrySet()) {
            Map<String, Object> shown = new TreeMap<>();
            Matcher m = arg.matcher(e.getValue().get(1));
            while (m.find()) {
                shown.put(m.group(1), m.group(2) == null ? null : Double.valueOf(m.group(2)));
            }
            Map<String, Object> expected = new TreeMap<>();
            for (ArgSpec a : REGISTRY.optimizerArgs(e.getKey())) {
                expected.put(a.name(), a.defaultValue() == null ? null
                        : ((Number) a.defaultValue()).doubleValue());
            }
            assertEquals(expected, shown, "the arguments (defaults) of " + e.getKey());
        }
    }

    @Test
    void initializersTableIsTheCheckersInitializers() throws IOException {
        Table t = find("| name (alias) | weights drawn from |", "Initializers").get(0);
        List<String> shown = new ArrayList<>();
        t.rows().forEach(r -> shown.addAll(names(r.get(0))));
        assertSameNames(InitSpec.NAMES, shown, "initializers and their aliases");
    }

    @Test
    void trainKeysAndSchedulesAreTheCheckers() throws IOException {
        Table keys = find("| key | value | default | meaning |", "The train block").get(0);
        List<String> shown = new ArrayList<>();
        keys.rows().forEach(r -> shown.addAll(names(r.get(0))));
        assertSameNames(TrainChecker.KEYS, shown, "train keys");

        Table schedules = find("| schedule | rate |", "Learning-rate schedules").get(0);
        assertSameNames(TrainChecker.SCHEDULES.keySet(), schedules.byName().keySet(),
                "schedules");
        for (Map.Entry<String, List<String>> e : schedules.byName().entrySet()) {
            assertEquals(argNames(TrainChecker.SCHEDULES.get(e.getKey())),
                    signature(e.getValue().get(0)), "the arguments of " + e.getKey());
        }
    }

    @Test
    void ensembleKeysAndWordsAreTheCheckers() throws IOException {
        Table keys = find("| key | value | default | meaning |", "The ensemble block").get(0);
        List<String> shown = new ArrayList<>();
        keys.rows().forEach(r -> shown.addAll(names(r.get(0))));
        assertSameNames(EnsembleChecker.KEYS, shown, "ensemble keys");
        Map<String, List<String>> rows = keys.byName();
        assertSameNames(EnsembleChecker.VARY, names(rows.get("vary").get(1)), "vary words");
        assertSameNames(EnsembleChecker.VOTES, names(rows.get("vote").get(1)), "vote words");
    }

    @Test
    void dataKeysSourcesAndWindowArgumentsAreTheCheckers() throws IOException {
        Table keys = find("| key | value | meaning |", "The data block").get(0);
        List<String> shown = new ArrayList<>();
        keys.rows().forEach(r -> shown.addAll(names(r.get(0))));
        assertSameNames(DataChecker.KEYS, shown, "data keys");

        Table sources = find("| source | reads |", "The data block").get(0);
        assertSameNames(SourceKind.names(), sources.byName().keySet(), "data sources");
        for (Map.Entry<String, List<String>> e : sources.byName().entrySet()) {
            List<String> args = signature(e.getValue().get(0));
            List<String> all = SourceKind.named(e.getKey()).params();
            assertTrue(all.containsAll(args) && (e.getValue().get(0).contains("...")
                    || args.equals(all)), "the arguments of " + e.getKey() + ": " + all
                    + ", shown " + args);
        }
        Table windows = find("| argument | type | default | meaning |", "Sequence data").get(0);
        List<String> w = new ArrayList<>();
        windows.rows().forEach(r -> w.addAll(names(r.get(0))));
        assertEquals(SourceKind.named("windows").params(), w, "the arguments of windows");
    }

    @Test
    void recurrentArgumentsTableIsTheLayersArguments() throws IOException {
        Table t = find("| argument | type | default | meaning |", "Recurrent layers").get(0);
        List<String> shown = new ArrayList<>();
        t.rows().forEach(r -> shown.addAll(names(r.get(0))));
        for (String kind : List.of("rnn", "lstm", "gru")) {
            assertEquals(argNames(REGISTRY.layer(kind).args()), shown, kind);
        }
    }

    /**
     * The diagnostics table names every code of the catalog, in order, marks the warnings, and
     * each example message has the form of a message a fixture of that code expects: the same
     * words, quoted names and numbers aside, up to where either says {@code …}.
     */
    @Test
    void diagnosticsTableIsTheCatalogWithExamplesTheFixturesHold() throws IOException {
        Table t = find("| code | meaning | example message |", "Diagnostics").get(0);
        List<String> codes = t.rows().stream().map(r -> r.get(0)).toList();
        List<String> catalog = Arrays.stream(Code.values()).map(Code::id).sorted().toList();
        assertEquals(catalog, codes, "the codes of the diagnostics table");
        Map<String, List<String>> fixtures = fixtureMessages();
        List<String> stale = new ArrayList<>();
        int compared = 0;
        for (List<String> r : t.rows()) {
            Code code = Arrays.stream(Code.values()).filter(c -> c.id().equals(r.get(0)))
                    .findFirst().orElseThrow();
            assertEquals(code.severity() == Severity.WARNING, r.get(1).startsWith("warning:"),
                    code.id() + ": a warning's meaning starts with 'warning:'");
            List<String> expected = fixtures.getOrDefault(code.id(), List.of());
            Matcher m = CODE.matcher(r.get(2));
            while (m.find()) {
                String example = m.group(1);
                if (expected.isEmpty() || example.contains(": error[")
                        || !example.contains(" ")) {
                    continue;
                }
                compared++;
                if (expected.stream().noneMatch(f -> sameForm(example, f))) {
                    stale.add(code.id() + ": `" + example + "` has the form of none of the "
                            + "fixtures' messages: " + expected);
                }
            }
        }
        assertTrue(compared >= 40, "examples compared: " + compared);
        assertEquals(List.of(), stale, String.join("\n", stale));
    }

    /** The messages the diagnostics fixtures expect, by code. */
    private static Map<String, List<String>> fixtureMessages() throws IOException {
        Path dir = Path.of("src/test/resources/diagnostics");
        Pattern expect = Pattern.compile(
                "// (?:error|warning) (NN\\d{4}): (.*?)(?= // (?:error|warning) NN|$)");
        Map<String, List<String>> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".nn")).toList()) {
                for (String line : Files.readAllLines(p)) {
                    Matcher e = expect.matcher(line);
                    while (e.find()) {
                        m.computeIfAbsent(e.group(1), k -> new ArrayList<>()).add(e.group(2));
                    }
                }
            }
        }
        return m;
    }

    /** Two messages of one form: one is the start of the other, names and numbers aside. */
    static boolean sameForm(String a, String b) {
        String x = form(a);
        String y = form(b);
        return x.startsWith(y) || y.startsWith(x);
    }

    private static String form(String message) {
        int cut = message.indexOf('…');
        String s = cut >= 0 ? message.substring(0, cut) : message;
        return s.replaceAll("'[^']*'", "'_'")
                .replaceAll("\"[^\"]*\"", "\"_\"")
                .replaceAll("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?", "#")
                .replaceAll("\\[[#, ]*\\]", "[_]")
                .replaceAll("[\\w./-]+\\.(nn|csv)\\b", "F")
                .replaceAll("\\b(classes|class|steps|step|rows|row|columns|column|values|value"
                        + "|outputs|output|terms|term|levels|level|files|file)\\b", "N")
                .strip();
    }

    /**
     * The "known:" lists that the documentation shows in diagnostics ({@code unknown layer
     * 'desne'; known: ...}) are the lists the checker reports, taken from where the checker
     * takes them; a list shortened with "…" is not compared.
     */
    @Test
    void knownListsInTheDocsAreTheCheckersLists() throws IOException {
        Pattern known = Pattern.compile(
                "unknown (layer|activation|loss|optimizer|initializer|train setting"
                + "|data setting|ensemble setting|block|data format|schedule) '[^']*'; known: "
                + "([^;`\\n]*)");
        Map<String, Collection<String>> lists = new java.util.HashMap<>(Map.of("layer",
                REGISTRY.layerNames(),
                "activation", REGISTRY.activationNames(), "loss", REGISTRY.lossNames(),
                "optimizer", REGISTRY.optimizerNames(), "initializer", InitSpec.NAMES,
                "train setting", TrainChecker.KEYS, "data setting", DataChecker.KEYS,
                "block", Checker.BLOCKS, "data format", SourceKind.names(),
                "schedule", TrainChecker.SCHEDULES.keySet()));
        lists.put("ensemble setting", EnsembleChecker.KEYS);
        List<Path> docs = new ArrayList<>();
        try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        docs.add(ROOT.resolve("maven-plugin/README.md"));
        docs.add(ROOT.resolve("README.md"));
        int compared = 0;
        List<String> stale = new ArrayList<>();
        for (Path doc : docs) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = known.matcher(lines.get(i));
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

    /** The fixtures say "known: …", so that a new kind, key or format breaks none of them. */
    @Test
    void fixturesDoNotSpellOutKnownLists() throws IOException {
        List<String> spelt = new ArrayList<>();
        try (Stream<Path> s = Files.walk(Path.of("src/test/resources/diagnostics"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".nn")).toList()) {
                for (String line : Files.readAllLines(p)) {
                    if (line.matches(".*// (error|warning) NN\\d{4}: .*; known: (?!…).*")) {
                        spelt.add(p.getFileName() + ": " + line.strip());
                    }
                }
            }
        }
        assertEquals(List.of(), spelt, "fixtures assert up to '; known: ' (then …)");
    }

}
