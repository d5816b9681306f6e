package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.compiler.gen.StandaloneGenerator;
import dev.nnc.compiler.ir.ModelIR;
import dev.nnc.runtime.data.Preprocessing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated code reads like code a person wrote: in the model class of every example and of
 * drawn models (every layer kind, the recurrent ones with every option), no line is longer than
 * {@value #MAX_LINE} characters, and in the model class and the standalone class no runtime class
 * is named by its full name outside the imports (the generators name types through JavaPoet's
 * {@code $T}). The standalone class's lines are not held to the length: its weights are string
 * constants of any length.
 */
class GeneratedSourceShapeTest {
    static final int MAX_LINE = 120;
    private static final int DRAWN = 60;
    /** A runtime class named in full: {@code dev.nnc.runtime.kernels.SequenceKernels}. */
    private static final Pattern QUALIFIED = Pattern.compile("dev\\.nnc\\.runtime(\\.[a-z]\\w*)*"
            + "\\.[A-Z]");

    @TempDir
    Path dir;

    @Test
    void generatedClassesHaveShortLinesAndImportedNames() throws IOException {
        List<Path> files = new ArrayList<>();
        try (var walk = Files.walk(Path.of("..", "examples"))) {
            walk.filter(f -> f.toString().endsWith(".nn") && !f.toString().contains("target")
                    && !f.toString().contains("common")).sorted().forEach(files::add);
        }
        for (long seed = 1; seed <= DRAWN; seed++) {
            files.add(RandomModels.draw(seed, dir).file());
        }
        List<String> problems = new ArrayList<>();
        int recurrent = 0;
        Path root = Path.of("..").toAbsolutePath().normalize();
        for (Path f : files) {
            // the file's name as `nnc compile` run from the project's (or the models') directory
            // writes it into the class comment
            Path base = f.startsWith(dir) ? dir : root;
            Compilation c = NnCompiler.compile(f, new NnCompiler.Options(base, "", true));
            assertFalse(c.hasErrors(), f + ": " + c.renderDiagnostics());
            ModelIR m = c.model();
            int members = m.spec().ensemble() == null ? 1 : m.spec().ensemble().members();
            String standalone = StandaloneGenerator.generate(m,
                    new float[m.paramCount() * members], new float[m.bufferCount() * members],
                    Preprocessing.identity(m.input().size(),
                            m.output().size()), "weights.safetensors").toString();
            check(f + " (model class)", c.javaSource(), MAX_LINE, problems);
            check(f + " (standalone class)", standalone, Integer.MAX_VALUE, problems);
            if (c.javaSource().contains("SequenceKernels")) {
                recurrent++;
            }
        }
        assertTrue(recurrent >= 10, recurrent + " models with recurrent layers");
        assertTrue(problems.isEmpty(), problems.size() + " problems, the first: "
                + problems.subList(0, Math.min(10, problems.size())));
    }

    @Test
    void theCheckFindsALongLineAndAFullName() {
        List<String> problems = new ArrayList<>();
        check("sample", "import dev.nnc.runtime.kernels.Kernels;\nclass A {\n  int x = "
                + "1".repeat(MAX_LINE) + ";\n  Object k = dev.nnc.runtime.kernels.Kernels.class;\n}\n",
                MAX_LINE, problems);
        assertTrue(problems.size() == 2, problems.toString());
    }

    private static void check(String what, String source, int maxLine, List<String> problems) {
        String[] lines = source.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.length() > maxLine) {
                problems.add(what + " line " + (i + 1) + " has " + line.length() + " characters: "
                        + line.substring(0, 60) + "...");
            }
            Matcher q = QUALIFIED.matcher(line);
            if (!line.startsWith("import ") && q.find()) {
                problems.add(what + " line " + (i + 1) + " names " + q.group() + "...: "
                        + line.strip());
            }
        }
    }
}
