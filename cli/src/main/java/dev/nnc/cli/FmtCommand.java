package dev.nnc.cli;

import dev.nnc.compiler.diag.DiagnosticPrinter;
import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.compiler.format.Formatter;
import dev.nnc.compiler.sema.Loader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code nnc fmt}: rewrite .nn files in the canonical layout, or check that they are in it. */
@Command(name = "fmt",
        header = "Format .nn files in the one canonical layout.",
        sortOptions = false,
        description = {
            "Rewrites .nn files in nnc's canonical layout: one statement per line, 4 spaces per "
                    + "level of braces, one space around operators and after ',' and ':', "
                    + "optional ';' and ',' between statements dropped, argument lists longer "
                    + "than 100 columns filled and aligned after their bracket, runs of blank "
                    + "lines collapsed into one. Comments stay where they were; comments at the "
                    + "ends of consecutive lines are aligned. Only the layout changes: the "
                    + "formatted file compiles to the same class.",
            "A directory stands for every *.nn file below it. A file is rewritten only when "
                    + "its layout changes, through a temporary file renamed over it, and it is "
                    + "listed as 'FILE: formatted'. A file with syntax errors is left as it is "
                    + "and its errors are reported (file:line:col)."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  nnc fmt model.nn                  format one file in place",
            "  nnc fmt examples/                 every .nn file below examples/",
            "  nnc fmt --check examples/         list the files that are not formatted",
            "",
            "Exit status: 0 done (with --check: every file is formatted), 1 a file has syntax "
                    + "errors or cannot be read or written (with --check: or is not "
                    + "formatted), 2 bad command line."
        })
final class FmtCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Mixin
    private HelpOption help;

    @Parameters(arity = "1..*", paramLabel = "FILE",
            description = "The .nn files to format, or directories to search for *.nn files.")
    private List<Path> paths;

    @Option(names = "--check",
            description = "Change nothing; list the files whose layout would change and exit "
                    + "with 1 when there is one.")
    private boolean check;

    @Mixin
    private OutputOptions output;

    /** {@code --json}: each file and whether its layout changed (or would, with --check). */
    private final List<Object> results = new ArrayList<>();

    @Override
    public Integer call() {
        Io io = output.io(main.io());
        int status = Main.OK;
        for (Path file : files(io)) {
            if (file == null) {
                status = Main.ERROR;
                continue;
            }
            try {
                if (!format(io, file)) {
                    status = Main.ERROR;
                }
            } catch (IOException | UncheckedIOException e) {
                io.err().println("nnc: error: " + Errors.message(e));
                status = Main.ERROR;
            }
        }
        if (output.json) {
            output.print(io, () -> json(), () -> "");
        }
        io.out().flush();
        io.err().flush();
        return status;
    }

    private Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("check", check);
        m.put("files", results);
        return m;
    }

    /** The files named and those found in the directories named; {@code null} for a problem. */
    private List<Path> files(Io io) {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(f -> f.getFileName().toString().endsWith(".nn")
                                    && Files.isRegularFile(f))
                            .sorted()
                            .forEach(out::add);
                } catch (IOException | UncheckedIOException e) {
                    io.err().println("nnc: error: " + Errors.message(e));
                    out.add(null);
                }
            } else if (!Files.exists(p)) {
                io.err().println("nnc: error: " + p + ": no such file or directory");
                out.add(null);
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /** Formats (or checks) one file; {@code false} when it fails the run. */
    private boolean format(Io io, Path file) throws IOException {
        SourceFile source = Loader.read(file, Path.of("").toAbsolutePath());
        Formatter.Result result = Formatter.format(source);
        if (!result.ok()) {
            io.err().print(DiagnosticPrinter.renderAll(result.diagnostics()));
            io.err().flush();
            return false;
        }
        boolean changed = !result.text().equals(source.text());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("file", file.toString());
        r.put("changed", changed);
        results.add(r);
        if (!changed) {
            return true;
        }
        if (check) {
            if (!output.json) {
                io.out().println(file);
            }
            return false;
        }
        write(file, result.text());
        if (!output.json) {
            io.out().println(file + ": formatted");
        }
        return true;
    }

    /**
     * Replaces the file's text at once: a reader sees the old text or the new, never half. A
     * symbolic link stays one: the file it points to is replaced.
     */
    private static void write(Path file, String text) throws IOException {
        Path abs = file.toRealPath();
        if (!Files.isWritable(abs)) {
            throw new AccessDeniedException(file.toString());
        }
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            PosixFileAttributeView view =
                    Files.getFileAttributeView(abs, PosixFileAttributeView.class);
            if (view != null) {
                Files.setPosixFilePermissions(tmp, view.readAttributes().permissions());
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
