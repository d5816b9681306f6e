package dev.nnc.compiler;

import com.palantir.javapoet.JavaFile;
import dev.nnc.compiler.ast.Ast.FileNode;
import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.compiler.diag.Span;
import dev.nnc.compiler.gen.ModelGenerator;
import dev.nnc.compiler.ir.ModelIR;
import dev.nnc.compiler.ops.Registry;
import dev.nnc.compiler.sema.Checker;
import dev.nnc.compiler.sema.Loader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * The compiler's entry point. The pipeline reads as its table of contents: load (parse the file
 * and its imports) → check (resolve names, expand groups, infer shapes, check settings and data)
 * → generate (JavaPoet). It stops before generating when errors were reported.
 *
 * <pre>
 * Compilation c = NnCompiler.compile(Path.of("xor.nn"), NnCompiler.Options.defaults());
 * if (c.hasErrors()) System.err.print(c.renderDiagnostics());
 * else System.out.print(c.javaSource());
 * </pre>
 */
public final class NnCompiler {
    private NnCompiler() {
    }

    /**
     * Options of a compilation.
     *
     * @param displayBase directory that diagnostics name files relative to
     * @param defaultPackage package for models whose file names none ("" for the default package)
     * @param requireModel a file without a model is an error (false for checking library files)
     */
    public record Options(Path displayBase, String defaultPackage, boolean requireModel) {
        public static Options defaults() {
            return new Options(Path.of("").toAbsolutePath(), "", true);
        }

        public Options withDefaultPackage(String pkg) {
            return new Options(displayBase, pkg, requireModel);
        }

        public Options withRequireModel(boolean require) {
            return new Options(displayBase, defaultPackage, require);
        }
    }

    /** Compiles the file at {@code path}. Never throws for a problem in the user's files. */
    public static Compilation compile(Path path, Options options) {
        Path abs = path.toAbsolutePath().normalize();
        String display = Loader.display(abs, options.displayBase());
        if (!Files.isRegularFile(abs)) {
            SourceFile empty = new SourceFile(abs, display, "");
            Diagnostics d = new Diagnostics();
            d.report(Code.FILE_NOT_FOUND, Span.wholeFile(empty), Files.isDirectory(abs)
                    ? "is a directory, not a .nn file" : "no such file");
            return new Compilation(d.all(), null, null, Set.of(abs));
        }
        SourceFile source;
        try {
            source = Loader.read(abs, options.displayBase());
        } catch (IOException e) {
            SourceFile empty = new SourceFile(abs, display, "");
            Diagnostics d = new Diagnostics();
            d.report(Code.FILE_NOT_FOUND, Span.wholeFile(empty), "cannot read: %s",
                    e.getMessage());
            return new Compilation(d.all(), null, null, Set.of(abs));
        }
        return compile(source, options);
    }

    /** Compiles source text; imports and data files are resolved against its path. */
    public static Compilation compile(SourceFile source, Options options) {
        return compile(source, options, p -> null);
    }

    /**
     * Compiles source text, reading an imported file from {@code overlay} when it gives a text
     * for the file's absolute, normalized path (an editor's unsaved buffer), else from disk.
     */
    public static Compilation compile(SourceFile source, Options options,
            Function<Path, String> overlay) {
        Diagnostics diags = new Diagnostics();
        Loader loader = new Loader(diags, options.displayBase(), overlay);
        FileNode main = loader.load(source);
        Set<Path> inputs = new LinkedHashSet<>(loader.read());
        inputs.add(source.path().toAbsolutePath().normalize());
        if (main == null) {
            return new Compilation(diags.all(), null, null, inputs);
        }
        Checker checker = new Checker(diags, Registry.standard());
        if (diags.hasErrors()) {
            if (ownErrors(diags, source)) {
                return new Compilation(diags.all(), null, null, inputs);
            }
            // Only imports failed: the file's own errors are still worth telling.
            checker.importsIncomplete().check(main, loader.files(), options.requireModel());
            return new Compilation(diags.all(), null, null, inputs);
        }
        ModelIR model = checker.check(main, loader.files(), options.requireModel());
        if (model == null || diags.hasErrors()) {
            return new Compilation(diags.all(), null, null, inputs);
        }
        if (model.javaPackage().isEmpty() && !options.defaultPackage().isEmpty()) {
            model = withPackage(model, options.defaultPackage());
        }
        JavaFile file = ModelGenerator.generate(model);
        return new Compilation(diags.all(), model, file, inputs);
    }

    /** Errors in {@code source} itself, other than its imports failing. */
    private static boolean ownErrors(Diagnostics diags, SourceFile source) {
        return diags.all().stream().anyMatch(d -> d.isError() && d.span().file() == source
                && !IMPORT_FAILURES.contains(d.code()));
    }

    private static final Set<Code> IMPORT_FAILURES = Set.of(Code.FILE_NOT_FOUND,
            Code.IMPORT_CYCLE, Code.BAD_IMPORT, Code.IMPORTS_TOO_DEEP);

    private static ModelIR withPackage(ModelIR m, String pkg) {
        return new ModelIR(m.name(), pkg, m.className(), m.input(), m.layers(), m.paramCount(),
                m.loss(), m.spec(), m.archHash(), m.architecture(), m.source());
    }
}
