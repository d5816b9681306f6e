package dev.nnc.maven;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The goal's incremental behaviour in acts, over a temporary project: build; build again with
 * nothing changed; change one model; change a file a model imports or reads; delete one model;
 * break one. (As {@code Antlr4MojoTest} does for the ANTLR plugin.)
 */
class GeneratorTest {
    private static final String XOR = """
            package com.example.gates

            model Xor {
                input [2]
                dense(2) -> sigmoid
                dense(1) -> sigmoid
                loss binary_cross_entropy
                optimizer sgd(lr: 0.5)
                seed 3
                data { train: csv("xor.csv", label: last) }
                train { epochs: 10000, batch: 1, stop: loss <= 0.005 }
            }
            """;
    private static final String LAYERS = """
            let units = 3
            """;
    private static final String RINGS = """
            import "layers.nn"

            model Rings {
                input [2]
                dense(units) -> sigmoid
                dense(3) -> softmax
                loss cross_entropy
                optimizer sgd(lr: 0.1)
                seed 42
                data { train: csv("rings.csv", label: "class") }
                train { epochs: 10, batch: 10 }
            }
            """;
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
    private Path src;
    private Path out;

    @BeforeEach
    void project() throws IOException {
        src = base.resolve("src/main/nn");
        out = base.resolve("target/generated-sources/nn");
        Files.createDirectories(src.resolve("gates"));
        Files.writeString(src.resolve("gates/xor.nn"), XOR);
        Files.writeString(src.resolve("gates/xor.csv"), "x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n");
        Files.writeString(src.resolve("rings.nn"), RINGS);
        Files.writeString(src.resolve("layers.nn"), LAYERS);
        Files.writeString(src.resolve("rings.csv"),
                "x1,x2,class\n0.1,0.2,1\n0.4,0.4,2\n0.8,0.9,3\n");
        Files.writeString(src.resolve("neuron.nn"), NEURON);
    }

    private Generator.Result generate() throws IOException {
        return generate("demo.models", List.of());
    }

    private Generator.Result generate(String pkg, List<String> excludes) throws IOException {
        return new Generator(new Generator.Config(src, out,
                base.resolve("target/nn-maven-plugin/state.properties"), base, pkg, List.of(),
                excludes, "1.0")).run();
    }

    /** Every file under the output directory → its bytes and its last-modified time. */
    private Map<String, Snapshot> snapshot() throws IOException {
        Map<String, Snapshot> m = new TreeMap<>();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path p : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                m.put(out.relativize(p).toString().replace('\\', '/'),
                        new Snapshot(Files.readAllBytes(p), Files.getLastModifiedTime(p)));
            }
        }
        return m;
    }

    private record Snapshot(byte[] bytes, FileTime modified) {
    }

    /** Sets every generated file's time well into the past, so a rewrite cannot go unseen. */
    private void ageOutputs() throws IOException {
        FileTime past = FileTime.fromMillis(1_000_000_000_000L);
        try (Stream<Path> files = Files.walk(out)) {
            for (Path p : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                Files.setLastModifiedTime(p, past);
            }
        }
    }

    private void assertUntouched(Map<String, Snapshot> before, Map<String, Snapshot> after,
            String... except) {
        List<String> changed = List.of(except);
        assertEquals(before.keySet(), after.keySet());
        for (String k : before.keySet()) {
            if (changed.contains(k)) {
                assertNotEquals(before.get(k).modified(), after.get(k).modified(), k);
            } else {
                assertArrayEquals(before.get(k).bytes(), after.get(k).bytes(), k);
                assertEquals(before.get(k).modified(), after.get(k).modified(), k);
            }
        }
    }

    @Test
    void firstBuildGeneratesEveryModel() throws IOException {
        Generator.Result r = generate();

        assertEquals(List.of("com/example/gates/Xor.java", "demo/models/Neuron.java",
                "demo/models/Rings.java"), r.generated().stream().sorted().toList());
        assertEquals(List.of(), r.diagnostics());
        assertEquals(r.generated().stream().sorted().toList(),
                List.copyOf(snapshot().keySet()));
        String xor = Files.readString(out.resolve("com/example/gates/Xor.java"));
        assertTrue(xor.startsWith("package com.example.gates;"), xor);
        assertTrue(xor.contains("class Xor"), xor);
    }

    @Test
    void secondBuildWithNothingChangedLeavesEveryOutputUntouched() throws IOException {
        generate();
        ageOutputs();
        Map<String, Snapshot> before = snapshot();

        Generator.Result r = generate();

        assertEquals(List.of(), r.generated());
        assertEquals(List.of(), r.unchanged(), "nothing is even compiled");
        assertEquals(List.of("gates/xor.nn", "neuron.nn", "rings.nn"), r.upToDate());
        assertUntouched(before, snapshot());
    }

    @Test
    void changingOneModelRegeneratesOnlyItsClass() throws IOException {
        generate();
        ageOutputs();
        Map<String, Snapshot> before = snapshot();
        Files.writeString(src.resolve("gates/xor.nn"), XOR.replace("lr: 0.5", "lr: 0.25"));

        Generator.Result r = generate();

        assertEquals(List.of("com/example/gates/Xor.java"), r.generated());
        assertEquals(List.of("neuron.nn", "rings.nn"), r.upToDate());
        assertUntouched(before, snapshot(), "com/example/gates/Xor.java");
        assertTrue(Files.readString(out.resolve("com/example/gates/Xor.java")).contains("0.25"));
    }

    @Test
    void touchingOneModelWithoutChangingItRewritesNothing() throws IOException {
        generate();
        ageOutputs();
        Map<String, Snapshot> before = snapshot();
        Files.setLastModifiedTime(src.resolve("rings.nn"),
                FileTime.fromMillis(System.currentTimeMillis() + 10_000));

        Generator.Result r = generate();

        assertEquals(List.of(), r.generated());
        assertUntouched(before, snapshot());
    }

    @Test
    void changingAnImportedFileRegeneratesTheModelsThatImportIt() throws IOException {
        generate();
        ageOutputs();
        Map<String, Snapshot> before = snapshot();
        Files.writeString(src.resolve("layers.nn"), "let units = 5\n");

        Generator.Result r = generate();

        assertEquals(List.of("demo/models/Rings.java"), r.generated());
        assertUntouched(before, snapshot(), "demo/models/Rings.java");
    }

    @Test
    void changingTheDataHeaderRecompilesTheModel() throws IOException {
        generate();
        Files.writeString(src.resolve("gates/xor.csv"), "a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n");

        Generator.Result r = generate();

        assertEquals(List.of("neuron.nn", "rings.nn"), r.upToDate());
        assertEquals(1, r.generated().size() + r.unchanged().size());
    }

    /** A NumPy {@code .npy} file of little-endian doubles of shape {@code shape}. */
    private static void writeNpy(Path p, int[] shape, double... values) throws IOException {
        String dims = java.util.Arrays.stream(shape).mapToObj(Integer::toString)
                .collect(Collectors.joining(", ", "(", shape.length == 1 ? ",)" : ")"));
        StringBuilder header = new StringBuilder("{'descr': '<f8', 'fortran_order': False, "
                + "'shape': " + dims + ", }");
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + header.length()
                + 8 * values.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .put((byte) 1).put((byte) 0).putShort((short) header.length())
                .put(header.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (double v : values) {
            b.putDouble(v);
        }
        Files.write(p, b.array());
    }

    @Test
    void changingTheLabelFileOfATwoFileSourceRecompilesTheModel() throws IOException {
        // npy(x:, y:) and idx(images:, labels:) read two files; the labels one must be watched
        Files.writeString(src.resolve("pairs.nn"), """
                model Pairs {
                    input [2]
                    dense(2) -> softmax
                    loss cross_entropy
                    optimizer sgd(lr: 0.1)
                    data { train: npy(x: "x.npy", y: "y.npy") }
                    train { epochs: 1, batch: 1 }
                }
                """);
        writeNpy(src.resolve("x.npy"), new int[] {2, 2}, 0, 1, 1, 0);
        writeNpy(src.resolve("y.npy"), new int[] {2}, 0, 1);
        Generator.Result first = generate();
        assertEquals(0, first.errorCount(), first.diagnostics().toString());
        assertTrue(generate().upToDate().contains("pairs.nn"));

        writeNpy(src.resolve("y.npy"), new int[] {3}, 0, 1, 1);   // one label too many
        Generator.Result r = generate();

        assertFalse(r.upToDate().contains("pairs.nn"), r.upToDate().toString());
        assertEquals(1, r.errorCount(), r.diagnostics().toString());
        assertTrue(r.diagnostics().get(0).toString().contains("pairs.nn"),
                r.diagnostics().toString());
    }

    @Test
    void deletingOneModelRemovesItsClass() throws IOException {
        generate();
        ageOutputs();
        Map<String, Snapshot> before = snapshot();
        Files.delete(src.resolve("neuron.nn"));

        Generator.Result r = generate();

        assertEquals(List.of("demo/models/Neuron.java"), r.deleted());
        assertFalse(Files.exists(out.resolve("demo/models/Neuron.java")));
        before.remove("demo/models/Neuron.java");
        assertUntouched(before, snapshot());
    }

    @Test
    void excludingOneModelRemovesItsClass() throws IOException {
        generate();

        Generator.Result r = generate("demo.models", List.of("neuron.nn"));

        assertEquals(List.of("demo/models/Neuron.java"), r.deleted());
        assertEquals(List.of("gates/xor.nn", "rings.nn"), r.upToDate());
    }

    @Test
    void changingThePackageMovesTheClassesWithoutOne() throws IOException {
        generate();

        Generator.Result r = generate("other", List.of());

        assertEquals(List.of("other/Neuron.java", "other/Rings.java"),
                r.generated().stream().sorted().toList());
        assertEquals(List.of("demo/models/Neuron.java", "demo/models/Rings.java"),
                r.deleted().stream().sorted().toList());
        assertEquals(List.of("com/example/gates/Xor.java"), r.unchanged(),
                "compiled again, its text the same, its file untouched");
    }

    @Test
    void aDeletedClassIsGeneratedAgain() throws IOException {
        generate();
        Files.delete(out.resolve("demo/models/Rings.java"));

        Generator.Result r = generate();

        assertEquals(List.of("demo/models/Rings.java"), r.generated());
        assertTrue(Files.exists(out.resolve("demo/models/Rings.java")));
    }

    @Test
    void aBrokenModelReportsItsDiagnosticWithFileLineAndColumn() throws IOException {
        generate();
        Files.writeString(src.resolve("neuron.nn"), NEURON.replace("dense(1)", "desne(1)"));

        Generator.Result r = generate();

        assertEquals(1, r.errorCount(), r.diagnostics().toString());
        String d = r.diagnostics().get(0).toString();
        assertTrue(d.startsWith("src/main/nn/neuron.nn:3:5: error["), d);
        assertTrue(d.contains("desne"), d);
        assertEquals(List.of("gates/xor.nn", "rings.nn"), r.upToDate());
        assertEquals(1, generate().errorCount(), "a broken model is compiled on every build");
    }

    @Test
    void aModelWithWarningsIsCompiledAndWarnsOnEveryBuild() throws IOException {
        Files.writeString(src.resolve("neuron.nn"),
                NEURON.replace("    optimizer sgd(lr: 0.1)\n", ""));

        Generator.Result first = generate();
        ageOutputs();
        Map<String, Snapshot> before = snapshot();
        Generator.Result second = generate();

        assertEquals(0, first.errorCount());
        assertEquals(1, first.warningCount(), first.diagnostics().toString());
        assertTrue(first.generated().contains("demo/models/Neuron.java"));
        assertEquals(first.diagnostics().toString(), second.diagnostics().toString());
        assertEquals(List.of("demo/models/Neuron.java"), second.unchanged());
        assertUntouched(before, snapshot());
    }

    @Test
    void deletingABrokenModelRemovesTheClassItOnceGenerated() throws IOException {
        generate();
        Files.writeString(src.resolve("neuron.nn"), NEURON.replace("dense(1)", "desne(1)"));
        generate();
        Files.delete(src.resolve("neuron.nn"));

        Generator.Result r = generate();

        assertEquals(List.of("demo/models/Neuron.java"), r.deleted());
        assertFalse(Files.exists(out.resolve("demo/models/Neuron.java")));
    }

    @Test
    void deletingAModelWithWarningsRemovesItsClass() throws IOException {
        Files.writeString(src.resolve("neuron.nn"),
                NEURON.replace("    optimizer sgd(lr: 0.1)\n", ""));
        generate();
        Files.delete(src.resolve("neuron.nn"));

        Generator.Result r = generate();

        assertEquals(List.of("demo/models/Neuron.java"), r.deleted());
    }

    @Test
    void twoModelsOfTheSameClassAreRefused() throws IOException {
        Files.writeString(src.resolve("neuron2.nn"), NEURON);

        IOException e = assertThrows(IOException.class, this::generate);

        assertTrue(e.getMessage().contains("both generate demo/models/Neuron.java"),
                e.getMessage());
    }

    @Test
    void aLibraryFileYieldsNoClass() throws IOException {
        Generator.Result r = generate();

        assertFalse(r.generated().stream().anyMatch(c -> c.toLowerCase().contains("layers")));
    }
}
