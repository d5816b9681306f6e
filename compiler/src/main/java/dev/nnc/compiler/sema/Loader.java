package dev.nnc.compiler.sema;

import dev.nnc.compiler.diag.Limits;
import dev.nnc.compiler.ast.Ast.FileNode;
import dev.nnc.compiler.ast.Ast.ImportNode;
import dev.nnc.compiler.ast.AstBuilder;
import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.diag.SourceFile;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a {@code .nn} file and, transitively, every file it imports. Import paths are relative to
 * the importing file. A missing file and an import cycle are diagnostics at the import.
 *
 * <p>An overlay gives the text of files that are open in an editor and not yet saved: an imported
 * file the overlay knows is read from it, not from disk ({@code nnc lsp} passes its open
 * documents).
 */
public final class Loader {
    private final Diagnostics diags;
    private final Path displayBase;
    private final Map<Path, FileNode> loaded = new LinkedHashMap<>();
    private final Deque<Path> stack = new ArrayDeque<>();
    private final Set<Path> read = new LinkedHashSet<>();
    private final Function<Path, String> overlay;

    /**
     * @param displayBase directory that diagnostics show file names relative to (usually the
     *     working directory)
     */
    public Loader(Diagnostics diags, Path displayBase) {
        this(diags, displayBase, p -> null);
    }

    /**
     * @param overlay the unsaved text of a file by absolute, normalized path, or {@code null} to
     *     read the file from disk
     */
    public Loader(Diagnostics diags, Path displayBase, Function<Path, String> overlay) {
        this.diags = diags;
        this.displayBase = displayBase.toAbsolutePath().normalize();
        this.overlay = overlay;
    }

    /** Every file read so far, by absolute path, the main file first. */
    public Map<Path, FileNode> files() {
        return loaded;
    }

    /** Every file read so far, those that failed to parse included. */
    public Set<Path> read() {
        return read;
    }

    /** Parses source text given in memory, with its imports read from disk. */
    public FileNode load(SourceFile source) {
        Path path = source.path().toAbsolutePath().normalize();
        read.add(path);
        stack.push(path);
        FileNode file = AstBuilder.parse(source, diags);
        if (file != null) {
            loaded.put(path, file);
            loadImports(file, path);
        }
        stack.pop();
        return file;
    }

    /** A file that is binary or not UTF-8: its content is never shown. */
    public static final class NotText extends IOException {
        private static final long serialVersionUID = 1L;

        NotText(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Reads and parses {@code path}; {@code null} after an I/O problem reported by the caller. */
    public static SourceFile read(Path path, Path displayBase) throws IOException {
        Path abs = path.toAbsolutePath().normalize();
        String text;
        try {
            text = Files.readString(abs, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new NotText(display(abs, displayBase) + ": not a UTF-8 text file", e);
        }
        if (text.indexOf('\0') >= 0) {
            throw new NotText(display(abs, displayBase) + ": not a UTF-8 text file", null);
        }
        return new SourceFile(abs, display(abs, displayBase), text);
    }

    /** The path as diagnostics show it: relative to the base when below it. */
    public static String display(Path abs, Path base) {
        Path b = base.toAbsolutePath().normalize();
        return abs.startsWith(b) ? b.relativize(abs).toString() : abs.toString();
    }

    private void loadImports(FileNode file, Path path) {
        Path dir = path.getParent();
        for (ImportNode imp : file.imports()) {
            Path target;
            try {
                target = dir.resolve(imp.path()).toAbsolutePath().normalize();
            } catch (java.nio.file.InvalidPathException e) {
                diags.report(Code.FILE_NOT_FOUND, imp.span(), "invalid path \"%s\"", imp.path());
                continue;
            }
            if (stack.contains(target)) {
                diags.report(Code.IMPORT_CYCLE, imp.span(), "import cycle: %s imports %s, which "
                        + "imports it back", display(path, displayBase),
                        display(target, displayBase));
                continue;
            }
            if (loaded.containsKey(target)) {
                continue;
            }
            if (!target.getFileName().toString().endsWith(".nn")) {
                diags.report(Code.BAD_IMPORT, imp.span(), "cannot import \"%s\": an import "
                        + "names a .nn file", imp.path());
                continue;
            }
            if (stack.size() >= Limits.IMPORT_DEPTH) {
                diags.report(Code.IMPORTS_TOO_DEEP, imp.span(), "imports nest deeper than %d "
                        + "files; import the files you need from fewer levels",
                        Limits.IMPORT_DEPTH);
                continue;
            }
            String unsaved = overlay.apply(target);
            if (unsaved != null) {
                load(new SourceFile(target, display(target, displayBase), unsaved));
                continue;
            }
            if (!Files.isRegularFile(target)) {
                diags.report(Code.FILE_NOT_FOUND, imp.span(), "cannot import \"%s\": no such file "
                        + "(looked for %s)", imp.path(), display(target, displayBase));
                continue;
            }
            SourceFile src;
            try {
                src = read(target, displayBase);
            } catch (NotText e) {
                diags.report(Code.BAD_IMPORT, imp.span(), "cannot import \"%s\": not a "
                        + "UTF-8 text file", imp.path());
                continue;
            } catch (IOException e) {
                diags.report(Code.FILE_NOT_FOUND, imp.span(), "cannot read \"%s\"",
                        imp.path());
                continue;
            }
            load(src);
        }
    }
}
