package dev.nnc.compiler;

import com.palantir.javapoet.JavaFile;
import dev.nnc.compiler.diag.Diagnostic;
import dev.nnc.compiler.diag.DiagnosticPrinter;
import dev.nnc.compiler.ir.ModelIR;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The outcome of compiling one {@code .nn} file: its diagnostics and, when there were no errors,
 * the checked model and its generated Java source.
 *
 * @param inputs the .nn files the compilation read (the file and its imports), for build tools
 *     that regenerate only what changed; data files are named in the model's spec
 */
public record Compilation(List<Diagnostic> diagnostics, ModelIR model, JavaFile javaFile,
        Set<Path> inputs) {

    public Compilation {
        diagnostics = List.copyOf(diagnostics);
        inputs = Set.copyOf(inputs);
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    public boolean hasWarnings() {
        return diagnostics.stream().anyMatch(d -> !d.isError());
    }

    /** All diagnostics rendered with source lines and carets, and a count line. */
    public String renderDiagnostics() {
        return DiagnosticPrinter.renderAll(diagnostics);
    }

    /** The fully qualified name of the generated class, e.g. {@code com.example.Xor}. */
    public String className() {
        if (javaFile == null) {
            throw new IllegalStateException("no class: the compilation has errors");
        }
        String pkg = javaFile.packageName();
        return pkg.isEmpty() ? javaFile.typeSpec().name() : pkg + "." + javaFile.typeSpec().name();
    }

    /** The generated Java source text. */
    public String javaSource() {
        if (javaFile == null) {
            throw new IllegalStateException("no source: the compilation has errors");
        }
        return javaFile.toString();
    }
}
