package dev.nnc.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * What the {@code nnc} launcher runs once per build of the CLI jar, with
 * {@code -XX:DumpLoadedClassList}, to write the class-data archive (AppCDS) that later commands
 * start from: the classes this run loads are then stored parsed and verified by
 * {@code -Xshare:dump}, so a command does not load them from the jar again.
 *
 * <p>It runs the commands most runs use ({@code check}, {@code train}, {@code eval},
 * {@code predict}, {@code summary}, {@code fmt --check}) in this process on a small model of its
 * own, written to a temporary directory, so that the classes and lambdas they touch (the JDK's
 * too) are archived; then it loads, without initializing them, the rest of nnc's classes and of
 * the libraries every command uses (ANTLR's runtime, JavaPoet). It prints nothing and always
 * exits with 0 when it got that far: a failure of one of its commands only makes the archive
 * smaller.
 */
final class ClassArchiveWorkload {
    /** The packages whose every class is loaded, as jar path prefixes. */
    private static final List<String> PREFIXES = List.of("dev/nnc/", "org/antlr/v4/runtime/",
            "com/palantir/javapoet/");

    private ClassArchiveWorkload() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("nnc-cds-");
        try {
            runCommands(dir);
        } finally {
            deleteTree(dir);
        }
        loadClasses();
    }

    /** A small classifier whose first layer is large enough for the dense kernels. */
    private static final String MODEL = """
            model ArchiveWorkload {
                input [64]
                dense(64) -> relu
                dense(3) -> softmax
                loss cross_entropy
                optimizer adam(lr: 0.01)
                seed 1
                data {
                    train: csv("train.csv", label: "y")
                    normalize: zscore
                }
                train {
                    epochs: 3
                    batch: 8
                    shuffle: true
                    validation: 0.25
                }
            }
            """;

    /** Runs the commands on the workload's model in {@code dir}; returns their exit statuses. */
    static List<Integer> runCommands(Path dir) throws IOException {
        Path model = dir.resolve("workload.nn");
        Files.writeString(model, MODEL, StandardCharsets.UTF_8);
        StringBuilder csv = new StringBuilder();
        for (int j = 0; j < 64; j++) {
            csv.append('x').append(j).append(',');
        }
        csv.append("y\n");
        Random r = new Random(1);
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 64; j++) {
                csv.append(r.nextInt(100) / 10.0).append(',');
            }
            csv.append(i % 3).append('\n');
        }
        Path data = dir.resolve("train.csv");
        Files.writeString(data, csv, StandardCharsets.UTF_8);
        String m = model.toString();
        String w = dir.resolve("w.safetensors").toString();
        String[][] commands = {
            {"check", m},
            {"summary", m},
            {"fmt", "--check", m},
            {"train", m, "--quiet", "--out", w, "--metrics-json",
                dir.resolve("metrics.json").toString()},
            {"eval", m, "--weights", w},
            {"predict", m, "--weights", w, "--input", data.toString(),
                "--output", dir.resolve("out.csv").toString()},
        };
        PrintStream none = new PrintStream(OutputStream.nullOutputStream(), false,
                StandardCharsets.UTF_8);
        List<Integer> codes = new ArrayList<>();
        for (String[] c : commands) {
            try {
                codes.add(Main.run(c, none, none, Map.of()));
            } catch (RuntimeException | LinkageError e) {
                // NOTE: the archive only holds fewer classes
                codes.add(-1);
            }
        }
        return codes;
    }

    /** Loads (without initializing) every class of {@link #PREFIXES} in this class's jar. */
    private static void loadClasses() {
        Path jar;
        try {
            jar = Path.of(ClassArchiveWorkload.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI());
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return;
        }
        if (!Files.isRegularFile(jar)) {
            return;
        }
        ClassLoader loader = ClassArchiveWorkload.class.getClassLoader();
        try (JarFile f = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> en = f.entries(); en.hasMoreElements(); ) {
                String name = en.nextElement().getName();
                if (!name.endsWith(".class") || name.startsWith("META-INF/")
                        || PREFIXES.stream().noneMatch(name::startsWith)) {
                    continue;
                }
                try {
                    Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false,
                            loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    // NOTE: a class that needs a library left out of the jar
                }
            }
        } catch (IOException e) {
            // NOTE: the archive holds what the commands loaded
        }
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException | RuntimeException e) {
            // NOTE: a temporary directory left behind is harmless
        }
    }
}
