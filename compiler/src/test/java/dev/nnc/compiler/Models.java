package dev.nnc.compiler;

import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.runtime.model.TrainableModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helper: compiles {@code .nn} source text in memory and loads the generated class. */
final class Models {
    private Models() {
    }

    static Compilation compile(String source) {
        Path path = Path.of("src/test/resources/inline.nn").toAbsolutePath();
        return NnCompiler.compile(new SourceFile(path, "inline.nn", source),
                NnCompiler.Options.defaults());
    }

    static TrainableModel load(String source) {
        Compilation c = compile(source);
        if (c.hasErrors()) {
            throw new AssertionError(c.renderDiagnostics());
        }
        return InMemoryJavac.load(c);
    }

    /** Loads several models (of distinct names) compiled in one javac task, in their order. */
    static List<TrainableModel> loadAll(List<String> sources) {
        List<Compilation> cs = new ArrayList<>();
        Map<String, String> java = new LinkedHashMap<>();
        for (String source : sources) {
            Compilation c = compile(source);
            if (c.hasErrors()) {
                throw new AssertionError(c.renderDiagnostics());
            }
            cs.add(c);
            java.put(c.className(), c.javaSource());
        }
        Map<String, byte[]> classes = InMemoryJavac.compileAll(java).classes();
        List<TrainableModel> models = new ArrayList<>();
        for (Compilation c : cs) {
            models.add(InMemoryJavac.instantiate(c.className(), classes));
        }
        return models;
    }
}
