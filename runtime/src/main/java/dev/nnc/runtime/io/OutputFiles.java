package dev.nnc.runtime.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A set of output files written together: each is first written whole beside its target under a
 * temporary name and flushed to the disk ({@link #stage}); only when every one of them is written
 * are they moved over their targets ({@link #commit}). A failure while staging (a full disk, a
 * permission) leaves every target as it was and names the file; {@link #close} removes the
 * temporary files of a set that was not committed.
 *
 * <p>Example:
 * <pre>{@code
 * try (OutputFiles set = new OutputFiles()) {
 *     set.stage(Path.of("m.safetensors"), Safetensors.content(tensors, meta));
 *     set.stage(Path.of("m.history.csv"), out -> out.write(csv));
 *     set.commit();        // both files are replaced, or (on an error above) neither
 * }
 * }</pre>
 *
 * <p>A temporary file is named {@code .<target-name>.<pid>.<hex>.tmp} in the target's directory
 * (so that the move stays on one file system); {@link #cleanStale} removes those left by a process
 * that was killed while writing.
 */
public final class OutputFiles implements AutoCloseable {
    private static final Pattern TEMP = Pattern.compile("\\.(.+)\\.(\\d+)\\.[0-9a-f]+\\.tmp");

    /** What goes into one file. */
    @FunctionalInterface
    public interface Content {
        /** Writes the file's bytes to {@code out}. */
        void writeTo(OutputStream out) throws IOException;
    }

    private record Staged(Path target, Path temp) {
    }

    private final List<Staged> staged = new ArrayList<>();
    private boolean committed;
    private boolean discarded;

    /**
     * Writes {@code content} to a temporary file beside {@code target} and flushes it to the disk;
     * missing directories are created.
     *
     * @throws WeightsException naming {@code target} when it cannot be written
     */
    public void stage(Path target, Content content) {
        Path temp = tempFor(target);
        try {
            Files.createDirectories(temp.getParent());
            FileChannel opened;
            // NOTE: the file is created under the lock that discard takes, so a discard either
            // sees it and removes it, or comes first and no file is created after it.
            synchronized (this) {
                if (discarded) {
                    throw new WeightsException("cannot write " + target + ": the run was stopped");
                }
                staged.add(new Staged(target, temp));
                opened = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
            }
            try (FileChannel ch = opened;
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch),
                            1 << 16)) {
                content.writeTo(out);
                out.flush();
                // NOTE: the bytes reach the disk before the move, so that after a power cut the
                // name points at either the old file or the whole new one.
                ch.force(false);
            }
        } catch (IOException e) {
            throw cannotWrite(target, e);
        }
    }

    /**
     * Stages files of a directory: {@code fill} writes them into a temporary directory beside
     * {@code target}; {@link #commit} moves each of them into {@code target} (created when
     * missing), over the file of that name. Other files in {@code target} stay.
     */
    public void stageDirectory(Path target, Consumer<Path> fill) {
        Path temp = tempFor(target);
        synchronized (this) {
            if (discarded) {
                throw new WeightsException("cannot write " + target + ": the run was stopped");
            }
            try {
                Files.createDirectories(temp);
            } catch (IOException e) {
                throw cannotWrite(target, e);
            }
            staged.add(new Staged(target, temp));
        }
        fill.accept(temp);
    }

    /**
     * Moves every staged file over its target, in the order staged. Synchronized with
     * {@link #discard}: a process that halts on a second interrupt waits for the moves to end.
     */
    public synchronized void commit() {
        for (Staged s : staged) {
            try {
                if (Files.isDirectory(s.temp())) {
                    Files.createDirectories(s.target());
                    try (Stream<Path> files = Files.list(s.temp())) {
                        for (Path f : files.sorted().toList()) {
                            move(f, s.target().resolve(f.getFileName().toString()));
                        }
                    }
                    deleteTree(s.temp());
                } else {
                    move(s.temp(), s.target());
                }
            } catch (IOException e) {
                throw cannotWrite(s.target(), e);
            }
        }
        committed = true;
    }

    /**
     * Removes the temporary files of a set not committed; waits for a commit under way. Returns
     * false when the set was committed (its files are in place).
     */
    public synchronized boolean discard() {
        if (committed) {
            return false;
        }
        discarded = true;
        for (Staged s : staged) {
            try {
                deleteTree(s.temp());
            } catch (IOException e) {
                // best effort: cleanStale removes it on the next run
            }
        }
        staged.clear();
        return true;
    }

    @Override
    public void close() {
        discard();
    }

    /**
     * Writes one file atomically: a set of {@code target} alone.
     *
     * @throws WeightsException naming {@code target} when it cannot be written
     */
    public static void write(Path target, Content content) {
        try (OutputFiles set = new OutputFiles()) {
            set.stage(target, content);
            set.commit();
        }
    }

    /**
     * Removes the temporary files and directories of {@code target} left behind by processes that
     * no longer run (killed while writing); returns how many were removed.
     */
    public static int cleanStale(Path target) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return 0;
        }
        String name = abs.getFileName().toString();
        long self = ProcessHandle.current().pid();
        int removed = 0;
        String pattern = "." + glob(name) + ".*.tmp";
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, pattern)) {
            for (Path p : ds) {
                Matcher m = TEMP.matcher(p.getFileName().toString());
                if (!m.matches() || !m.group(1).equals(name)) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(m.group(2));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid != self && ProcessHandle.of(pid).isEmpty()) {
                    deleteTree(p);
                    removed++;
                }
            }
        } catch (IOException e) {
            // a directory we cannot list holds nothing we could remove
        }
        return removed;
    }

    /**
     * Checks, before any work, that {@code target} (a file, or a directory of files when
     * {@code directory}) can be written: its directory exists or is created, and a file can be
     * made in it; {@code target} itself is not a directory (or, for a directory, not a file).
     * Removes the stale temporary files of {@code target} ({@link #cleanStale}).
     *
     * @throws WeightsException naming {@code target} and the reason
     */
    public static void checkWritable(Path target, boolean directory) {
        Path abs = target.toAbsolutePath();
        if (directory ? Files.exists(abs) && !Files.isDirectory(abs) : Files.isDirectory(abs)) {
            throw new WeightsException("cannot write " + target + ": "
                    + (directory ? "a file of that name is in the way" : "it is a directory"));
        }
        Path dir = directory ? abs : abs.getParent();
        try {
            Files.createDirectories(dir);
            cleanStale(abs);
            Path probe = tempFor(directory ? abs.resolve("index") : abs);
            Files.newByteChannel(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                    .close();
            Files.delete(probe);
        } catch (IOException e) {
            throw cannotWrite(target, e);
        }
    }

    /** The temporary name of {@code target}: {@code .<name>.<pid>.<hex>.tmp} beside it. */
    static Path tempFor(Path target) {
        Path abs = target.toAbsolutePath();
        return abs.resolveSibling("." + abs.getFileName() + "." + ProcessHandle.current().pid()
                + "." + Long.toHexString(System.nanoTime()) + ".tmp");
    }

    /** An error naming the file: "cannot write w.history.csv: No space left on device". */
    static WeightsException cannotWrite(Path target, IOException e) {
        return new WeightsException("cannot write " + target + ": " + reason(e), e);
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException f) {
            String file = f.getFile() == null ? "" : f.getFile() + ": ";
            if (f instanceof FileAlreadyExistsException) {
                return file + "not a directory";
            }
            if (f instanceof AccessDeniedException) {
                return file + "permission denied";
            }
            if (f instanceof NoSuchFileException) {
                return file + "no such file or directory";
            }
            if (f instanceof NotDirectoryException) {
                return file + "not a directory";
            }
            return file + (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName());
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static String glob(String name) {
        return name.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p)) {
            try (Stream<Path> s = Files.walk(p)) {
                for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(q);
                }
            }
        } else {
            Files.deleteIfExists(p);
        }
    }
}
