package dev.nnc.compiler;

import dev.nnc.compiler.digest.Sha256;
import dev.nnc.runtime.model.TrainableModel;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Compiled model classes on disk, so that the commands that run a model compile each generated
 * class once: {@code nnc train}, {@code eval} and {@code predict} of an unchanged model load its
 * bytecode instead of running javac again.
 *
 * <p>An entry is a directory named by the SHA-256 of the generated source, the Java version and
 * the runtime the class was compiled against (its jar's path, size and time), holding the class
 * files. A missing entry is compiled by {@code javac} in a child process: the JVM that then
 * trains the model does not spend its JIT compiler threads on javac's own code, which on a small
 * model would still be compiling while the training runs. Without a {@code javac} executable
 * (a JRE) it compiles in memory. Entries are written to a temporary directory and renamed, so
 * concurrent runs and interrupted ones leave no half entries; an entry that cannot be read is
 * compiled again.
 *
 * <p>The cache keeps the {@link #MAX_ENTRIES} entries used last: a run that loads an entry marks
 * it used (its time), and a run that stores one removes the entries used least recently beyond
 * that number, and temporary directories an interrupted run left over an hour ago. Each rebuild of
 * nnc makes new keys for every model, so without this the entries of old builds would pile up.
 *
 * <p>A load also notes, in a small file ({@code hint-<key>}) keyed by the {@code .nn} file's
 * path, size and time (with the working directory, Java version and runtime), which entry it
 * loaded: {@link #guess} defines that class before the file is compiled, for {@code nnc train} to
 * warm the JIT up with while it compiles, and {@link #load} answers that same class when its
 * entry turns out to be the one the compiled source names, with the same bytecode. A guess is
 * never trusted: the class of a run is always the one of its source's entry.
 */
public final class ClassCache {
    /** How many entries the cache keeps (a small model's entry is ~20 KB). */
    static final int MAX_ENTRIES = 256;
    /** A temporary directory older than this was left by a run that was killed. */
    private static final Duration STALE_TMP = Duration.ofHours(1);

    /** The prefix of the hint files' names. */
    private static final String HINT = "hint-";

    /** The directory holding the entries. */
    private final Path dir;
    private final int maxEntries;
    /** The class {@link #guess} defined last, or null. */
    private volatile Guess guess;

    /** A class defined by {@link #guess}, with the entry and the bytecode it was defined from. */
    private record Guess(Path entry, String className, Map<String, byte[]> classes,
            Class<? extends TrainableModel> cls) {
    }

    public ClassCache(Path dir) {
        this(dir, MAX_ENTRIES);
    }

    /** A cache in {@code dir} that keeps the {@code maxEntries} entries used last. */
    ClassCache(Path dir, int maxEntries) {
        this.dir = dir;
        this.maxEntries = maxEntries;
    }

    /**
     * The cache the command line uses: {@code $NNC_CACHE_DIR}, else
     * {@code $XDG_CACHE_HOME/nnc/classes}, else {@code ~/.cache/nnc/classes}; none when
     * {@code NNC_CACHE} is {@code off} (or the system property {@code nnc.cache} is).
     */
    public static Optional<ClassCache> fromEnvironment() {
        if ("off".equals(System.getProperty("nnc.cache", System.getenv("NNC_CACHE")))) {
            return Optional.empty();
        }
        String explicit = System.getenv("NNC_CACHE_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(new ClassCache(Path.of(explicit)));
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return Optional.of(new ClassCache(base.resolve("nnc").resolve("classes")));
    }

    /** The directory holding the entries. */
    public Path dir() {
        return dir;
    }

    /**
     * A new instance of the compiled class, from the cache or compiled now (and then cached).
     * When the cache directory cannot be written, the class is compiled in memory.
     *
     * @throws InMemoryJavac.JavacException when the generated code does not compile
     */
    public TrainableModel load(Compilation c) {
        return load(c, c.javaSource());
    }

    /**
     * {@link #load(Compilation)} with {@code c}'s source text given, {@code c.javaSource()}, when
     * the caller has it already: writing the text out of the generated code again would cost a
     * short command tens of milliseconds.
     */
    public TrainableModel load(Compilation c, String source) {
        Path entry = entry(c.className(), source);
        Map<String, byte[]> classes = read(entry);
        if (classes != null) {
            try {
                TrainableModel m = guessed(entry, c.className(), classes);
                if (m == null) {
                    m = InMemoryJavac.instantiate(c.className(), classes);
                }
                touch(entry);
                hint(c, entry);
                return m;
            } catch (InMemoryJavac.JavacException | LinkageError e) {
                // NOTE: a damaged entry: compiled again below, and replaced
            }
        }
        Path tmp;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempDirectory(dir, "tmp-");
        } catch (IOException | UnsupportedOperationException e) {
            return InMemoryJavac.instantiate(c.className(),
                    InMemoryJavac.compile(c.className(), source).classes());
        }
        try {
            classes = compile(c.className(), source, tmp);
            store(tmp, entry);
            TrainableModel m = InMemoryJavac.instantiate(c.className(), classes);
            hint(c, entry);
            return m;
        } finally {
            deleteTree(tmp);
            prune(entry);
        }
    }

    /**
     * The class that the last load of {@code nnFile}'s model from this cache loaded, defined now,
     * when the file's path, size and time are those of that load and the entry is still there:
     * a guess at the class that compiling the file will give, which {@link #load} then answers
     * if, and only if, the compiled source's entry is the same, with the same bytecode. Empty
     * when there is no such load, or on any failure (a guess is an optimization).
     */
    public Optional<Class<? extends TrainableModel>> guess(Path nnFile) {
        try {
            Path hint = hintFile(nnFile);
            if (hint == null || !Files.isRegularFile(hint)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(hint, StandardCharsets.UTF_8);
            if (lines.size() != 2 || !lines.get(0).matches("[0-9a-f]{32}")) {
                return Optional.empty();
            }
            Path entry = dir.resolve(lines.get(0));
            String className = lines.get(1);
            Map<String, byte[]> classes = read(entry);
            if (classes == null) {
                return Optional.empty();
            }
            Class<?> cls = InMemoryJavac.define(className, classes);
            if (!TrainableModel.class.isAssignableFrom(cls)) {
                return Optional.empty();
            }
            Class<? extends TrainableModel> model = cls.asSubclass(TrainableModel.class);
            guess = new Guess(entry, className, classes, model);
            return Optional.of(model);
        } catch (IOException | RuntimeException | LinkageError | ClassNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * A new instance of the class {@link #guess} defined, when it was defined from {@code entry}
     * with exactly the bytecode {@code classes} read from it now; else null.
     */
    private TrainableModel guessed(Path entry, String className, Map<String, byte[]> classes) {
        Guess g = guess;
        if (g == null || !g.entry().equals(entry) || !g.className().equals(className)
                || !g.classes().keySet().equals(classes.keySet())) {
            return null;
        }
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            if (!Arrays.equals(e.getValue(), g.classes().get(e.getKey()))) {
                return null;
            }
        }
        try {
            return g.cls().getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** Notes that {@code c}'s model file loads {@code entry}; best effort. */
    private void hint(Compilation c, Path entry) {
        if (c.model() == null || c.model().source() == null) {
            return;
        }
        try {
            Path hint = hintFile(c.model().source().path());
            if (hint == null) {
                return;
            }
            String text = entry.getFileName() + "\n" + c.className() + "\n";
            if (Files.isRegularFile(hint)
                    && text.equals(Files.readString(hint, StandardCharsets.UTF_8))) {
                touch(hint);
                return;
            }
            Path tmp = Files.createTempFile(dir, "tmp-", ".hint");
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                Files.move(tmp, hint, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            // NOTE: the next run of the file warms up without a guess
        }
    }

    /**
     * The hint file of {@code nnFile}: named by its absolute path, size and time, the working
     * directory (which the generated source names the file relative to), the Java version and
     * the runtime; null when the file cannot be read.
     */
    private Path hintFile(Path nnFile) {
        Path abs = nnFile.toAbsolutePath().normalize();
        long size = size(abs);
        long time = modified(abs);
        if (size < 0 || time < 0) {
            return null;
        }
        String key = key(abs.toString(), Long.toString(size), Long.toString(time),
                System.getProperty("user.dir", ""));
        return dir.resolve(HINT + key);
    }

    /** Marks an entry used now; best effort (a read-only cache is still read). */
    private static void touch(Path entry) {
        try {
            Files.setLastModifiedTime(entry, FileTime.from(Instant.now()));
        } catch (IOException | UnsupportedOperationException e) {
            // NOTE: the entry may then be pruned before others used less recently; harmless
        }
    }

    /**
     * Removes the entries used least recently beyond {@link #maxEntries} (never {@code keep},
     * the one just stored) and temporary directories older than {@link #STALE_TMP}. Best
     * effort: another run may be pruning, or reading an entry, at the same time (a removed
     * entry is compiled again by whoever needs it).
     */
    void prune(Path keep) {
        List<Path> entries = new ArrayList<>();
        List<Path> hints = new ArrayList<>();
        Map<Path, Long> used = new HashMap<>();
        long now = System.currentTimeMillis();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                long t = modified(p);
                String name = p.getFileName().toString();
                if (name.startsWith("tmp-")) {
                    if (t >= 0 && now - t > STALE_TMP.toMillis()) {
                        deleteTree(p);
                    }
                } else if (name.startsWith(HINT)) {
                    hints.add(p);
                    used.put(p, t);
                } else if (Files.isDirectory(p) && !p.equals(keep)) {
                    entries.add(p);
                    used.put(p, t);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return;
        }
        // NOTE: as many hints as entries, the ones noted last (a hint is one small file)
        if (hints.size() > maxEntries) {
            hints.sort(Comparator.comparing((Path p) -> used.get(p)).reversed());
            for (Path p : hints.subList(maxEntries, hints.size())) {
                deleteTree(p);
            }
        }
        int room = Files.isDirectory(keep) ? maxEntries - 1 : maxEntries;
        if (entries.size() <= room) {
            return;
        }
        entries.sort(Comparator.comparing((Path p) -> used.get(p)).reversed());
        for (Path p : entries.subList(Math.max(0, room), entries.size())) {
            deleteTree(p);
        }
    }

    /** The entry directory of {@code c}'s class. */
    Path entry(Compilation c) {
        return entry(c.className(), c.javaSource());
    }

    /** The entry directory of the class {@code className} of source text {@code source}. */
    private Path entry(String className, String source) {
        return dir.resolve(key(className, source));
    }

    /**
     * The first 16 bytes, in hex, of the SHA-256 of {@code parts}, the Java version and the
     * runtime the class is compiled against (its path, size and time).
     */
    private static String key(String... parts) {
        Sha256 d = new Sha256();
        Path runtime = Path.of(InMemoryJavac.runtimeLocation());
        String runtimeId = runtime + "|" + size(runtime) + "|" + modified(runtime);
        List<String> all = new ArrayList<>(List.of(parts));
        all.add(System.getProperty("java.vm.version", ""));
        all.add(runtimeId);
        for (String part : all) {
            d.update(part.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
        }
        return HexFormat.of().formatHex(d.digest(), 0, 16);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The class files of an entry by class name, or null when there is none or it is unreadable. */
    private static Map<String, byte[]> read(Path entry) {
        if (!Files.isDirectory(entry)) {
            return null;
        }
        Map<String, byte[]> classes = new HashMap<>();
        try (Stream<Path> files = Files.walk(entry)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String rel = entry.relativize(f).toString().replace(File.separatorChar, '/');
                if (rel.endsWith(".class")) {
                    classes.put(rel.substring(0, rel.length() - 6).replace('/', '.'),
                            Files.readAllBytes(f));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
        return classes.isEmpty() ? null : classes;
    }

    /**
     * Compiles {@code c} into {@code tmp}/classes with a javac child process, or in memory when
     * this JVM has no javac executable; returns the class files by name.
     */
    private static Map<String, byte[]> compile(String className, String source, Path tmp) {
        Path javac = Path.of(System.getProperty("java.home"), "bin",
                File.separatorChar == '\\' ? "javac.exe" : "javac");
        Path out = tmp.resolve("classes");
        if (!Files.isExecutable(javac)) {
            return inMemory(className, source, out);
        }
        Path src = tmp.resolve(className.replace('.', '/') + ".java");
        Path log = tmp.resolve("javac.log");
        try {
            Files.createDirectories(src.getParent());
            Files.createDirectories(out);
            Files.writeString(src, source, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of(javac.toString(),
                // NOTE: javac runs for well under a second: its first compiler tier alone
                // starts it soonest
                "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        cmd.addAll(InMemoryJavac.options());
        cmd.addAll(List.of("-encoding", "UTF-8", "-d", out.toString(), src.toString()));
        int code;
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new InMemoryJavac.JavacException("javac did not finish in 10 minutes "
                        + "compiling " + className);
            }
            code = p.exitValue();
        } catch (IOException e) {
            // NOTE: javac could not be started (e.g. not allowed to): compile in memory instead
            return inMemory(className, source, out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InMemoryJavac.JavacException("interrupted while compiling "
                    + className);
        }
        if (code != 0) {
            String text;
            try {
                text = Files.readString(log);
            } catch (IOException e) {
                text = "(no output)";
            }
            throw new InMemoryJavac.JavacException("generated code for " + className
                    + " did not compile:\n" + text);
        }
        Map<String, byte[]> classes = read(out);
        if (classes == null) {
            throw new InMemoryJavac.JavacException("javac wrote no class for " + className);
        }
        return classes;
    }

    /** Compiles {@code source} in this JVM and writes its class files under {@code out}. */
    private static Map<String, byte[]> inMemory(String className, String source, Path out) {
        Map<String, byte[]> classes = InMemoryJavac.compile(className, source).classes();
        write(out, classes);
        return classes;
    }

    private static void write(Path out, Map<String, byte[]> classes) {
        try {
            for (Map.Entry<String, byte[]> e : classes.entrySet()) {
                Path f = out.resolve(e.getKey().replace('.', '/') + ".class");
                Files.createDirectories(f.getParent());
                Files.write(f, e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Renames tmp/classes to the entry; another run's entry, or a failure, leaves things be. */
    private static void store(Path tmp, Path entry) {
        try {
            deleteTree(entry); // a damaged entry, if any
            Files.move(tmp.resolve("classes"), entry, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
            // NOTE: another run stored it first, or the file system cannot rename atomically
        } catch (IOException e) {
            // NOTE: not cached this time; the class is loaded from memory all the same
        }
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException | UncheckedIOException e) {
            // NOTE: best effort; a leftover temporary directory is harmless
        }
    }
}
