package dev.nnc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.InMemoryJavac;
import dev.nnc.compiler.diag.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile {@code .nn} files in a build: no injected code, no hang, every error told. */
class HostileModelsTest {
    /** A file name that would close the class comment and declare a class {@code System}. */
    private static final String HOSTILE_NAME = "a\\u002a\\u002f class System{static{java.lang"
            + ".System.exit(7);}public static void arraycopy(Object a,int b,Object c,int d,"
            + "int e){}}\\u002f\\u002a.nn";
    private static final String NEURON = """
            model Neuron {
                input [1]
                dense(1)
                loss mse
                optimizer sgd(lr: 0.1)
                train { epochs: 10, batch: 1 }
            }
            """;

    @TempDir
    Path base;

    private Generator.Result generate() throws IOException {
        return new Generator(new Generator.Config(base.resolve("src/main/nn"),
                base.resolve("target/generated-sources/nn"),
                base.resolve("target/nn-maven-plugin/state.properties"), base, "demo", List.of(),
                List.of(), "1.0")).run();
    }

    private Path write(String name, String text) throws IOException {
        Path p = base.resolve("src/main/nn").resolve(name);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    @Test
    void aFileNameCannotInjectCodeIntoTheGeneratedClass() throws IOException {
        write(HOSTILE_NAME, NEURON);
        Generator.Result r = generate();
        assertEquals(0, r.errorCount(), r.diagnostics().toString());
        assertEquals(List.of("demo/Neuron.java"), r.generated());
        String source = Files.readString(base.resolve("target/generated-sources/nn")
                .resolve(r.generated().get(0)));
        InMemoryJavac.Result classes = InMemoryJavac.compile("demo.Neuron", source);
        assertEquals(Set.of("demo.Neuron"), classes.classes().keySet());
        assertTrue(classes.warnings().isEmpty(), classes.warnings().toString());
    }

    @Test
    void aSyntaxErrorInAnImportLeavesTheModelsOwnErrorsVisible() throws IOException {
        write("lib.nn", "let units = 3\nlet broken = )\n");
        write("model.nn", "import \"lib.nn\"\n" + NEURON.replace("lr: 0.1", "lr: -1"));
        Generator.Result r = generate();
        List<String> texts = r.diagnostics().stream().map(Diagnostic::toString).toList();
        assertEquals(2, r.errorCount(), texts.toString());
        assertTrue(texts.stream().anyMatch(t -> t.startsWith("src/main/nn/lib.nn:2:")), texts
                .toString());
        assertTrue(texts.stream().anyMatch(t -> t.startsWith("src/main/nn/model.nn:6:")
                && t.contains("'lr' of sgd")), texts.toString());
    }

    @Test
    void filesThatWouldHangOrOverflowTheBuildFailWithTheirFileNamed() throws IOException {
        StringBuilder groups = new StringBuilder("group g0() { }\n");
        for (int i = 1; i <= 30; i++) {
            groups.append("group g").append(i).append("() { g").append(i - 1).append(" g")
                    .append(i - 1).append(" }\n");
        }
        write("groups.nn", groups + NEURON.replace("dense(1)", "dense(1) g30"));
        write("repeat.nn", NEURON.replace("dense(1)",
                "dense(1) repeat 10000 { repeat 10000 { repeat 10000 { } } }"));
        write("deep.nn", "let x = " + "(".repeat(10_000) + "1" + ")".repeat(10_000) + "\n"
                + "let y = " + "1 + ".repeat(3000) + "1\n");
        Generator.Result r = assertTimeoutPreemptively(Duration.ofSeconds(20), this::generate);
        List<String> texts = r.diagnostics().stream().map(Diagnostic::toString).toList();
        for (String f : List.of("groups.nn", "repeat.nn", "deep.nn")) {
            assertTrue(texts.stream().anyMatch(t -> t.startsWith("src/main/nn/" + f + ":")
                    && t.contains("error[NN")), f + ": " + texts);
        }
        assertFalse(r.generated().contains("demo/Neuron.java"), r.generated().toString());
    }
}
