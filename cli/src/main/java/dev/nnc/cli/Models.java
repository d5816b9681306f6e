package dev.nnc.cli;

import dev.nnc.compiler.ClassCache;
import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.InMemoryJavac;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.compiler.diag.Diagnostic;
import dev.nnc.compiler.diag.DiagnosticPrinter;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.io.Weights;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.Ensemble;
import dev.nnc.runtime.model.Model;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.train.ClassWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** What several commands do alike: compile a file, load its class, find and load weights. */
final class Models {
    private Models() {
    }

    /**
     * Compiles {@code file}, printing its diagnostics (warnings too) to stderr.
     *
     * @throws CliException when the file has errors (already printed)
     */
    static Compilation compile(Io io, Path file, NnCompiler.Options options) {
        Compilation c = NnCompiler.compile(file, options);
        report(io, c.diagnostics());
        if (c.hasErrors()) {
            throw CliException.reported();
        }
        return c;
    }

    /** Compiles a file that must hold a model. */
    static Compilation compileModel(Io io, Path file) {
        return compileModel(io, file, NnCompiler.Options.defaults());
    }

    /**
     * Prints diagnostics on stderr with their count; with {@code -q} the errors alone (warnings
     * are not errors).
     */
    static void report(Io io, List<Diagnostic> diagnostics) {
        List<Diagnostic> shown = io.quiet()
                ? diagnostics.stream().filter(Diagnostic::isError).toList() : diagnostics;
        if (!shown.isEmpty()) {
            io.err().print(DiagnosticPrinter.renderAll(shown));
            io.err().flush();
        }
    }

    /** Compiles a file that must hold a model, with {@code options}. */
    static Compilation compileModel(Io io, Path file, NnCompiler.Options options) {
        Compilation c = compile(io, file, options);
        if (c.model() == null) {
            throw new CliException(file + " holds no model (only lets and groups)");
        }
        return c;
    }

    /**
     * Generated classes by their source text: a process that runs several commands (the tests,
     * an embedding application) compiles each model once. Generated classes hold no mutable
     * static state, so instances of one class are independent.
     */
    private static final Map<String, Class<? extends TrainableModel>> CLASSES =
            new ConcurrentHashMap<>();

    /** The compiled classes kept on disk between runs; none when NNC_CACHE=off. */
    private static final Optional<ClassCache> CACHE = ClassCache.fromEnvironment();

    /**
     * Loads the generated class (once per source text in a process) and returns an instance:
     * from the class cache, compiling it there when it is not yet, or in memory without a cache.
     */
    static TrainableModel load(Compilation c) {
        String source = c.javaSource();
        Class<? extends TrainableModel> cls = CLASSES.get(source);
        if (cls == null) {
            TrainableModel m = CACHE.map(cache -> cache.load(c, source))
                    .orElseGet(() -> InMemoryJavac.instantiate(c.className(),
                            InMemoryJavac.compile(c.className(), source).classes()));
            CLASSES.putIfAbsent(source, m.getClass());
            return m;
        }
        return instantiate(cls);
    }

    /** A new instance of a generated class. */
    static TrainableModel instantiate(Class<? extends TrainableModel> cls) {
        try {
            return cls.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate " + cls.getName(), e);
        }
    }

    /**
     * The class that the class cache loaded for {@code file}'s model last time, defined now,
     * before the file is compiled: a guess, which {@link #load} answers only when compiling
     * gives that class's source (see {@link ClassCache#guess}). Empty without a cache or such a
     * load.
     */
    static Optional<Class<? extends TrainableModel>> guess(Path file) {
        return CACHE.flatMap(cache -> cache.guess(file));
    }

    /**
     * The model of {@code c} as eval, predict, serve and export run it: one network, or for a
     * file with an {@code ensemble { }} block the {@link Ensemble} of its members.
     */
    static Model loadModel(Compilation c) {
        TrainableModel first = load(c);
        ModelSpec.EnsembleSpec e = first.spec().ensemble();
        return e == null ? first : ensemble(first, () -> load(c));
    }

    /** The ensemble of {@code first} and fresh networks from {@code more}, as many as it needs. */
    static Ensemble ensemble(TrainableModel first, Supplier<TrainableModel> more) {
        List<TrainableModel> members = new ArrayList<>();
        members.add(first);
        while (members.size() < first.spec().ensemble().members()) {
            members.add(more.get());
        }
        return Ensemble.of(members);
    }

    /**
     * Makes {@link #load} answer the model of {@code source} with {@code cls}, compiled elsewhere
     * (with other models in one javac task, say) instead of compiling it again.
     */
    static void preload(String source, Class<? extends TrainableModel> cls) {
        CLASSES.putIfAbsent(source, cls);
    }

    /** The directory that the model's relative data paths are relative to. */
    static Path baseDir(Compilation c) {
        Path p = c.model().source().path().toAbsolutePath().getParent();
        return p == null ? Path.of("").toAbsolutePath() : p;
    }

    /** A data path as written in the {@code .nn} file, resolved against its directory. */
    static Path resolve(Compilation c, String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p.normalize() : baseDir(c).resolve(p).normalize();
    }

    /** A path for messages: relative to the working directory when inside it. */
    static String display(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath().normalize();
        return abs.startsWith(cwd) && !abs.equals(cwd) ? cwd.relativize(abs).toString()
                : abs.toString();
    }

    /** Where {@code nnc train} saves weights by default: {@code <file-stem>.safetensors} here. */
    static Path defaultWeights(Path nnFile) {
        String name = nnFile.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return Path.of(stem + ".safetensors");
    }

    /**
     * Loads weights into {@code model} and returns the preprocessing saved with them.
     *
     * @param weightsOrNull the file given with {@code --weights}, or {@code null} for the default
     */
    static Preprocessing loadWeights(Model model, Path nnFile, Path weightsOrNull) {
        Path w = weightsOrNull != null ? weightsOrNull : defaultWeights(nnFile);
        if (!Files.exists(w)) {
            if (weightsOrNull != null) {
                throw new CliException(w + ": no such weights file");
            }
            throw new CliException("no weights file " + w + " (the default for " + nnFile
                    + "); train the model first with 'nnc train " + nnFile
                    + "', or pass --weights FILE");
        }
        if (Files.isDirectory(w)) {
            throw new CliException(w + ": is a directory, not a weights file");
        }
        Map<String, String> meta = Weights.load(model, w);
        if (model instanceof TrainableModel tm) {
            // NOTE: an ensemble's vote is measured unweighted; its members keep none
            ClassWeights.restore(tm, meta);
        }
        return Preprocessing.fromMetadata(meta, model);
    }

    /** The data source of the model's training data, or {@code null}. */
    static DataSource trainSource(Model model) {
        return model.spec().data().train();
    }
}
