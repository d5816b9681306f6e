package dev.nnc.maven;

import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.compiler.diag.Diagnostic;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Compiles the {@code .nn} files of a source directory into Java sources, regenerating only the
 * stale ones. The Maven goal is a thin shell around it; it needs no Maven to run or test.
 *
 * <p>A state file remembers, for each {@code .nn} file, a fingerprint of everything its class
 * depends on — the contents of every file the compilation read (the file, its imports, every
 * data file its sources name), the plugin version and the default package — and the class it
 * produced:
 * <pre>
 * xor.nn.fingerprint=3f1c…
 * xor.nn.output=com/example/Xor.java
 * xor.nn.inputs=/abs/src/main/nn/xor.nn:/abs/src/main/nn/xor.csv
 * </pre>
 * On the next run a file whose fingerprint is unchanged and whose class is still there is not
 * compiled and its class is not touched (byte-identical, same timestamp); the class of a file
 * that disappeared is deleted; any other file is compiled and its class written only when the
 * text differs. A file with warnings is not remembered, so its warnings are reported on every
 * build (as javac does) and {@code failOnWarning} cannot be dodged by an unchanged file.
 *
 * <pre>
 * Generator.Result r = new Generator(config).run();
 * r.generated();   // [com/example/Xor.java]   (relative to the output directory)
 * r.upToDate();    // [rings.nn]
 * </pre>
 */
public final class Generator {
    /** Patterns used when the configuration names no includes. */
    public static final List<String> DEFAULT_INCLUDES = List.of("**/*.nn");

    private static final String FINGERPRINT = ".fingerprint";
    private static final String OUTPUT = ".output";
    private static final String INPUTS = ".inputs";

    private final Config config;

    /**
     * What to compile and where.
     *
     * @param sourceDirectory directory holding the {@code .nn} files
     * @param outputDirectory root of the generated Java sources
     * @param stateFile where the fingerprints are kept between runs
     * @param displayBase directory that diagnostics name files relative to
     * @param packageName package for models whose file names none ("" for none)
     * @param includes glob patterns, relative to {@code sourceDirectory}, of files to compile
     *     (empty: {@link #DEFAULT_INCLUDES})
     * @param excludes glob patterns of files not to compile
     * @param toolVersion version of the plugin, part of every fingerprint
     */
    public record Config(Path sourceDirectory, Path outputDirectory, Path stateFile,
            Path displayBase, String packageName, List<String> includes, List<String> excludes,
            String toolVersion) {
        public Config {
            sourceDirectory = sourceDirectory.toAbsolutePath().normalize();
            outputDirectory = outputDirectory.toAbsolutePath().normalize();
            stateFile = stateFile.toAbsolutePath().normalize();
            displayBase = displayBase.toAbsolutePath().normalize();
            packageName = packageName == null ? "" : packageName.strip();
            includes = includes == null || includes.isEmpty() ? DEFAULT_INCLUDES
                    : List.copyOf(includes);
            excludes = excludes == null ? List.of() : List.copyOf(excludes);
            toolVersion = Objects.requireNonNull(toolVersion, "toolVersion");
        }
    }

    /**
     * The outcome of a run. Paths of {@code .nn} files are relative to the source directory,
     * paths of classes to the output directory, both with {@code /}.
     *
     * @param generated classes written because their text changed or they were missing
     * @param unchanged classes compiled again whose text was the same, left untouched
     * @param upToDate {@code .nn} files not compiled because nothing they read changed
     * @param deleted classes removed because their {@code .nn} file went away (or now makes
     *     another class)
     * @param diagnostics every diagnostic of the files compiled, in file order
     */
    public record Result(List<String> generated, List<String> unchanged, List<String> upToDate,
            List<String> deleted, List<Diagnostic> diagnostics) {
        public Result {
            generated = List.copyOf(generated);
            unchanged = List.copyOf(unchanged);
            upToDate = List.copyOf(upToDate);
            deleted = List.copyOf(deleted);
            diagnostics = List.copyOf(diagnostics);
        }

        public long errorCount() {
            return diagnostics.stream().filter(Diagnostic::isError).count();
        }

        public long warningCount() {
            return diagnostics.size() - errorCount();
        }
    }

    public Generator(Config config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Brings the output directory up to date with the source directory.
     *
     * @throws IOException when a file cannot be read or written (not for problems in the
     *     {@code .nn} files: those are diagnostics)
     */
    public Result run() throws IOException {
        Properties state = loadState();
        List<String> sources = scan();
        List<String> generated = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        List<String> upToDate = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        Map<String, Diagnostic> diagnostics = new LinkedHashMap<>();   // an import's, once
        Map<String, String> owners = new LinkedHashMap<>();

        for (String old : staleEntries(state, sources)) {
            deleteOutput(state.getProperty(old + OUTPUT), deleted);
            forget(state, old);
        }
        for (String rel : sources) {
            String output = state.getProperty(rel + OUTPUT);
            if (isUpToDate(state, rel)) {
                upToDate.add(rel);
                owners.put(output, rel);
                continue;
            }
            Compilation c;
            try {
                c = NnCompiler.compile(config.sourceDirectory().resolve(rel),
                        new NnCompiler.Options(config.displayBase(), config.packageName(), false));
            } catch (RuntimeException | StackOverflowError e) {
                // NOTE: a compiler bug; the build must still say which file it was compiling.
                throw new IOException(rel + ": internal error of the nnc compiler: " + e, e);
            }
            c.diagnostics().forEach(d -> diagnostics.putIfAbsent(d.toString(), d));
            forget(state, rel);
            if (c.hasErrors()) {
                if (output != null) {
                    state.setProperty(rel + OUTPUT, output);    // still its class, if deleted
                }
                continue;
            }
            String newOutput = c.javaFile() == null ? null : outputPath(c);
            if (output != null && !output.equals(newOutput)) {
                deleteOutput(output, deleted);
            }
            if (newOutput == null) {
                continue;                   // a library of groups and constants: no class
            }
            String other = owners.putIfAbsent(newOutput, rel);
            if (other != null) {
                throw new IOException(rel + " and " + other + " both generate " + newOutput
                        + "; give one of the models another name or package");
            }
            (write(newOutput, c.javaSource()) ? generated : unchanged).add(newOutput);
            state.setProperty(rel + OUTPUT, newOutput);
            if (c.diagnostics().isEmpty()) {
                remember(state, rel, c);
            }
        }
        saveState(state);
        return new Result(generated, unchanged, upToDate, deleted,
                List.copyOf(diagnostics.values()));
    }

    private List<String> scan() throws IOException {
        Path src = config.sourceDirectory();
        if (!Files.isDirectory(src)) {
            return List.of();
        }
        List<PathMatcher> in = matchers(config.includes());
        List<PathMatcher> out = matchers(config.excludes());
        try (Stream<Path> files = Files.walk(src)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> src.relativize(p))
                    .filter(p -> matches(in, p) && !matches(out, p))
                    .map(Generator::slashes)
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    /** Ant-like globs: {@code **}{@code /} also matches no directory at all. */
    private static List<PathMatcher> matchers(List<String> patterns) {
        List<PathMatcher> ms = new ArrayList<>();
        for (String p : patterns) {
            String glob = p.strip().replace('\\', '/');
            if (glob.endsWith("/")) {
                glob += "**";
            }
            ms.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
            while (glob.startsWith("**/")) {
                glob = glob.substring(3);
                ms.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
            }
        }
        return ms;
    }

    private static boolean matches(List<PathMatcher> ms, Path rel) {
        return ms.stream().anyMatch(m -> m.matches(rel));
    }

    private static List<String> staleEntries(Properties state, List<String> sources) {
        TreeSet<String> known = new TreeSet<>();
        for (String key : state.stringPropertyNames()) {
            if (key.endsWith(OUTPUT)) {
                known.add(key.substring(0, key.length() - OUTPUT.length()));
            }
        }
        known.removeAll(sources);
        return new ArrayList<>(known);
    }

    private boolean isUpToDate(Properties state, String rel) throws IOException {
        String fingerprint = state.getProperty(rel + FINGERPRINT);
        String output = state.getProperty(rel + OUTPUT);
        String inputs = state.getProperty(rel + INPUTS);
        if (fingerprint == null || output == null || inputs == null
                || !Files.isRegularFile(config.outputDirectory().resolve(output))) {
            return false;
        }
        List<Path> paths = Arrays.stream(inputs.split(java.io.File.pathSeparator))
                .map(Path::of).collect(Collectors.toList());
        return fingerprint.equals(fingerprint(paths));
    }

    /** Records the fingerprint that lets the next run skip {@code rel}. */
    private void remember(Properties state, String rel, Compilation c) throws IOException {
        TreeSet<Path> all = new TreeSet<>();
        c.inputs().forEach(p -> all.add(p.toAbsolutePath().normalize()));
        all.addAll(dataFiles(c, config.sourceDirectory().resolve(rel)));
        List<Path> inputs = new ArrayList<>(all);
        String fp = fingerprint(inputs);
        if (fp == null) {
            return;
        }
        state.setProperty(rel + FINGERPRINT, fp);
        state.setProperty(rel + INPUTS, inputs.stream().map(Path::toString)
                .collect(Collectors.joining(java.io.File.pathSeparator)));
    }

    /**
     * Every data file the model names, which the compiler read: each file of the training and
     * the test source (both of {@code idx(images:, labels:)} and {@code npy(x:, y:)}). NOTE:
     * {@link Compilation#inputs()} holds the {@code .nn} files only (the file and its imports),
     * so they are added here; paths resolve against the {@code .nn} file's directory, as the
     * compiler resolves them.
     */
    private static List<Path> dataFiles(Compilation c, Path nn) {
        List<Path> files = new ArrayList<>();
        ModelSpec.DataSpec data = c.model().spec().data();
        for (DataSource src : Arrays.asList(data.train(), data.test())) {
            for (String f : src == null ? List.<String>of() : src.files()) {
                try {
                    files.add(nn.toAbsolutePath().getParent().resolve(f).normalize());
                } catch (InvalidPathException e) {
                    // the compiler reported it; nothing to watch
                }
            }
        }
        return files;
    }

    private static void forget(Properties state, String rel) {
        state.remove(rel + FINGERPRINT);
        state.remove(rel + OUTPUT);
        state.remove(rel + INPUTS);
    }

    /**
     * SHA-256 over the plugin version, the default package and each input's path and contents,
     * or {@code null} when an input cannot be read (then the file is compiled every time).
     */
    private String fingerprint(List<Path> inputs) throws IOException {
        MessageDigest md = sha256();
        update(md, config.toolVersion());
        update(md, config.packageName());
        byte[] buf = new byte[1 << 16];
        for (Path p : inputs) {
            update(md, p.toString());
            if (!Files.isRegularFile(p)) {
                return null;
            }
            try (InputStream in = Files.newInputStream(p)) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
            }
            md.update((byte) 0);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void update(MessageDigest md, String s) {
        md.update(s.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JVM has SHA-256", e);
        }
    }

    private static String outputPath(Compilation c) {
        String pkg = c.javaFile().packageName();
        String name = c.javaFile().typeSpec().name() + ".java";
        return pkg.isEmpty() ? name : pkg.replace('.', '/') + "/" + name;
    }

    /** Writes {@code text} unless the file already holds it; true when it wrote. */
    private boolean write(String output, String text) throws IOException {
        Path file = config.outputDirectory().resolve(output);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), bytes)) {
            return false;
        }
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return true;
    }

    private void deleteOutput(String output, List<String> deleted) throws IOException {
        if (output != null && Files.deleteIfExists(config.outputDirectory().resolve(output))) {
            deleted.add(output);
        }
    }

    private Properties loadState() throws IOException {
        Properties p = new Properties();
        if (Files.isRegularFile(config.stateFile())) {
            try (InputStream in = Files.newInputStream(config.stateFile())) {
                p.load(in);
            } catch (IllegalArgumentException e) {
                return new Properties();    // a damaged state file means: rebuild everything
            }
        }
        return p;
    }

    /** Saved sorted and without the date comment, so an unchanged state is byte-identical. */
    private void saveState(Properties state) throws IOException {
        Files.createDirectories(config.stateFile().getParent());
        StringBuilder sb = new StringBuilder("# nn-maven-plugin: fingerprints of the .nn files"
                + " and the classes they generated\n");
        Map<String, String> sorted = new TreeMap<>();
        state.stringPropertyNames().forEach(k -> sorted.put(k, state.getProperty(k)));
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            sb.append(escape(e.getKey(), true)).append('=').append(escape(e.getValue(), false))
                    .append('\n');
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        Path file = config.stateFile();
        if (!Files.isRegularFile(file) || !Arrays.equals(Files.readAllBytes(file), bytes)) {
            Files.write(file, bytes);
        }
    }

    /** Properties escaping: {@code \}, separators in keys, leading blanks, non-Latin-1. */
    private static String escape(String s, boolean key) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' || c == '#' || c == '!' || (key && (c == '=' || c == ':' || c == ' '))
                    || (c == ' ' && i == 0)) {
                sb.append('\\').append(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c < 0x20 || c > 0x7e) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String slashes(Path rel) {
        return rel.toString().replace(java.io.File.separatorChar, '/');
    }
}
