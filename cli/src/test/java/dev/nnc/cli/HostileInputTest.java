package dev.nnc.cli;

import static dev.nnc.cli.MainTest.assertNoStackTrace;
import static dev.nnc.cli.MainTest.nnc;
import static dev.nnc.cli.MainTest.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.cli.MainTest.Run;
import dev.nnc.compiler.ClassCache;
import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.InMemoryJavac;
import dev.nnc.compiler.NnCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile {@code .nn} files through the command line: a file name that would end the generated
 * class's comment and declare a class of its own, files that would expand without end, and
 * control characters and foreign files that would reach the terminal.
 */
class HostileInputTest {
    /** A model whose file name holds a class {@code System} that marks that it ran. */
    static final String HOSTILE_NAME = "a\\u002a\\u002f class System{static{java.lang.System"
            + ".setProperty(\"nnc.pwned\",\"1\");}public static void arraycopy(Object a,int b,"
            + "Object c,int d,int e){java.lang.System.arraycopy(a,b,c,d,e);}}\\u002f\\u002a.nn";

    private static Path hostileModel(Path dir) throws IOException {
        Files.copy(Path.of(res("xor.csv")), dir.resolve("xor.csv"));
        Path nn = dir.resolve(HOSTILE_NAME);
        Files.writeString(nn, Files.readString(Path.of(res("xor.nn")))
                .replace("epochs: 5000", "epochs: 3"));
        return nn;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void aFileNameCannotInjectCodeIntoTrainOrTheStandaloneClass(@TempDir Path dir)
            throws IOException {
        Path nn = hostileModel(dir);
        Path weights = dir.resolve("w.safetensors");
        Run check = nnc("check", nn.toString());
        assertEquals(0, check.code(), check.all());
        Run train = nnc("train", nn.toString(), "--quiet", "--out", weights.toString());
        assertEquals(0, train.code(), train.all());
        assertNull(System.getProperty("nnc.pwned"), "code from the file name ran");

        Path src = dir.resolve("src");
        Run compile = nnc("compile", nn.toString(), "--weights", weights.toString(),
                "--standalone", "-d", src.toString());
        assertEquals(0, compile.code(), compile.all());
        List<Path> java = files(src).stream().filter(p -> p.toString().endsWith(".java"))
                .toList();
        assertEquals(1, java.size(), java.toString());
        InMemoryJavac.Result r = InMemoryJavac.compile("Xor", Files.readString(java.get(0)));
        assertEquals(Set.of("Xor"), r.classes().keySet(), "class files of the standalone class");
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
        assertEquals(Set.of(nn, dir.resolve("xor.csv"), weights, dir.resolve("w.history.csv"),
                src, java.get(0), dir),
                Set.copyOf(files(dir)), "no other file was created");
    }

    @Test
    void aFileNameCannotInjectCodeThroughTheClassCache(@TempDir Path dir) throws IOException {
        Path nn = hostileModel(dir);
        Compilation c = NnCompiler.compile(nn, NnCompiler.Options.defaults());
        assertFalse(c.hasErrors(), c.renderDiagnostics());
        Path cacheDir = dir.resolve("cache");
        new ClassCache(cacheDir).load(c).predict(new float[2], 1, new float[1]);
        assertNull(System.getProperty("nnc.pwned"), "code from the file name ran");
        try (Stream<Path> s = Files.walk(cacheDir)) {
            List<String> classes = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".class")).toList();
            assertEquals(List.of("Xor.class"), classes);
        }
    }

    @Test
    void filesThatWouldExpandWithoutEndAreAnsweredAtOnce(@TempDir Path dir) throws IOException {
        StringBuilder groups = new StringBuilder("group g0() { }\n");
        for (int i = 1; i <= 30; i++) {
            groups.append("group g").append(i).append("() { g").append(i - 1).append(" g")
                    .append(i - 1).append(" }\n");
        }
        Path exp = dir.resolve("groups.nn");
        Files.writeString(exp, groups + "model M { input [2] dense(1) g30 loss mse }\n");
        Path rep = dir.resolve("repeat.nn");
        Files.writeString(rep, "model M { input [2] dense(1) "
                + "repeat 10000 { repeat 10000 { repeat 10000 { } } } loss mse }\n");
        Path deep = dir.resolve("deep.nn");
        Files.writeString(deep, "let x = " + "1 + ".repeat(3000) + "1\n"
                + "let y = " + "(".repeat(10_000) + "1" + ")".repeat(10_000) + "\n"
                + "let z = " + "-".repeat(10_000) + "1\n"
                + "model M { input [2] " + "repeat 1 { ".repeat(3000) + "dense(1)"
                + " }".repeat(3000) + " loss mse }\n");
        for (Path p : List.of(exp, rep, deep)) {
            Run r = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> nnc("check", p.toString()));
            assertEquals(1, r.code(), r.all());
            assertTrue(r.err().contains("error[NN04") || r.err().contains("error[NN01"),
                    r.all());
            assertNoStackTrace(r);
        }
    }

    @Test
    void diagnosticsEscapeControlCharactersAndDoNotEchoForeignFiles(@TempDir Path dir)
            throws IOException {
        Path nn = dir.resolve("esc\u001b]0;title\u0007.nn");
        Files.writeString(nn, "model M {\n    input [2]\n    desne(1) // \u001b[2J\u0007\n"
                + "    loss mse\n}\n");
        Run r = nnc("check", nn.toString());
        assertEquals(1, r.code(), r.all());
        assertFalse(r.err().contains("\u001b") || r.err().contains("\u0007"), r.all());
        assertTrue(r.err().contains("\\x1b[2J\\x07"), r.all());
        assertTrue(r.err().contains("esc\\x1b]0;title\\x07.nn:3:5"), r.all());

        Path imports = dir.resolve("imports.nn");
        Files.writeString(imports, "import \"/etc/passwd\"\nimport \"/proc/self/environ\"\n");
        r = nnc("check", imports.toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("error[NN0111]: cannot import \"/etc/passwd\""), r.all());
        assertFalse(r.err().contains("root:"), r.all());
        assertFalse(r.err().contains("PATH="), r.all());
    }
}
