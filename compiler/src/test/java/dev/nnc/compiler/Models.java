package dev.nnc.compiler;

import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.runtime.TrainableModel;
import java.nio.file.Path;

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
}
