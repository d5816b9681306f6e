package dev.nnc.cli;

import dev.nnc.compiler.InMemoryJavac;
import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.io.WeightsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Which exceptions are the user's to fix, and how to say them in one line. */
final class Errors {
    private Errors() {
    }

    /**
     * Data and weights problems, file-system problems, a heap too small for the work and a JRE
     * without a compiler. (Generated code that does not compile is a bug of nnc, not the user's.)
     */
    static boolean isUserError(Throwable t) {
        return t instanceof DataException || t instanceof WeightsException
                || t instanceof OutOfMemoryError
                || t instanceof IOException || t instanceof UncheckedIOException
                || t instanceof InMemoryJavac.JavacException j && j.getMessage() != null
                        && j.getMessage().startsWith("no Java compiler");
    }

    /** The message for {@code nnc: error: ...}. */
    static String message(Throwable t) {
        Throwable e = t instanceof UncheckedIOException u && u.getCause() != null
                ? u.getCause() : t;
        if (e instanceof FileSystemException f) {
            String file = f.getFile() == null ? "" : f.getFile() + ": ";
            if (f instanceof NoSuchFileException) {
                return file + "no such file or directory";
            }
            if (f instanceof AccessDeniedException) {
                return file + "permission denied";
            }
            if (f instanceof FileAlreadyExistsException) {
                return file + "already exists (and is not a directory?)";
            }
            if (f instanceof NotDirectoryException) {
                return file + "not a directory";
            }
            return file + (f.getReason() == null ? f.getClass().getSimpleName() : f.getReason());
        }
        if (e instanceof OutOfMemoryError) {
            long mb = Runtime.getRuntime().maxMemory() / 1_000_000;
            return "out of memory: the Java heap is limited to " + mb + " MB; raise the limit with"
                    + " NNC_JAVA_OPTS=-Xmx" + Math.max(1, 2 * mb / 1000) + "g (the nnc launcher"
                    + " passes it to java) or java -Xmx... -jar ...";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
