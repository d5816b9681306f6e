package dev.nnc.lsp;

import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.compiler.ast.Ast.FileNode;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.compiler.ir.LayerIR;
import dev.nnc.compiler.ir.ModelIR;
import dev.nnc.compiler.sema.Loader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the compiler knows about one version of an open document: its diagnostics, the checked
 * model (when the file has no errors), the syntax trees of the file and its imports, and the
 * index of names in them.
 *
 * <p>The file is compiled as {@code nnc check} compiles it, except that a file without a model is
 * no error (a file of groups and constants that others import) and that imported files open in
 * the editor are read from their unsaved buffers.
 */
final class Analysis {
    final Path path;
    final int version;
    final String text;
    final Compilation compilation;
    final Map<Path, FileNode> files;
    final Index index;
    /** Set when the compiler failed on this text: the server reports it and goes on. */
    final Throwable failure;

    private Analysis(Path path, int version, String text, Compilation compilation,
            Map<Path, FileNode> files, Throwable failure) {
        this.path = path;
        this.version = version;
        this.text = text;
        this.compilation = compilation;
        this.files = files;
        this.index = new Index(files);
        this.failure = failure;
    }

    /** A text too large to analyze: no diagnostics of the compiler, no names. */
    static Analysis tooLarge(Path path, int version, String text) {
        return new Analysis(path, version, text, null, Map.of(), null);
    }

    boolean isTooLarge() {
        return compilation == null && failure == null;
    }

    /** Compiles {@code text} as the file at {@code path}. Never throws for what a file holds. */
    static Analysis run(Path path, int version, String text, Function<Path, String> overlay) {
        Path dir = path.getParent() == null ? Path.of("").toAbsolutePath() : path.getParent();
        SourceFile source = new SourceFile(path, path.getFileName().toString(), text);
        NnCompiler.Options options = new NnCompiler.Options(dir, "", false);
        Compilation c = null;
        Map<Path, FileNode> files = new LinkedHashMap<>();
        Throwable failure = null;
        try {
            c = NnCompiler.compile(source, options, p -> p.equals(path) ? null : overlay.apply(p));
            Loader loader = new Loader(new Diagnostics(), dir,
                    p -> p.equals(path) ? null : overlay.apply(p));
            loader.load(source);
            files.putAll(loader.files());
        } catch (RuntimeException | StackOverflowError e) {
            failure = e;
        }
        return new Analysis(path, version, text, c, files, failure);
    }

    /** The checked model, or {@code null} when the file has errors or no model. */
    ModelIR model() {
        return compilation == null ? null : compilation.model();
    }

    FileNode main() {
        return files.get(path);
    }

    /** The layers of the checked model written at this place (several for a group body). */
    List<LayerIR> layersAt(Path file, int line, int column) {
        List<LayerIR> out = new ArrayList<>();
        ModelIR m = model();
        if (m == null) {
            return out;
        }
        for (LayerIR l : m.layers()) {
            if (l.span() != null && l.span().file().path().equals(file)
                    && l.span().line() == line && l.span().column() == column) {
                out.add(l);
            }
        }
        return out;
    }
}
