package dev.nnc.runtime.train;

import dev.nnc.runtime.data.DataLoader;
import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.data.LoadedData;
import dev.nnc.runtime.data.Symbols;
import dev.nnc.runtime.data.Normalizer;
import dev.nnc.runtime.data.Augmenter;
import dev.nnc.runtime.data.OneHot;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.io.OutputFiles;
import dev.nnc.runtime.kernels.KernelContext;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.Ensemble;
import dev.nnc.runtime.model.Model;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.optim.Optimizer;
import dev.nnc.runtime.optim.Optimizers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A whole training run as {@code nnc train} does it: load the data the {@code .nn} file names,
 * normalize, split off validation data, initialize, train, and measure on training and test data.
 *
 * <p>Example:
 * <pre>{@code
 * RunResult r = Training.run(new Xor(), Path.of("examples"),
 *         Training.Options.defaults().withListener(new Progress(System.err, Progress.Mode.LIVE)));
 * Weights.save(model, Path.of("xor.safetensors"), r.preprocessing().toMetadata());
 * System.out.println(Json.pretty(r.metrics()));   // {"final_loss": 0.0049, ...}
 * }</pre>
 *
 * <p>The steps, in order:
 * <ol>
 * <li>Load the training file (relative paths resolve against {@code baseDir}, the directory of
 *     the {@code .nn} file), or take the in-memory training set of the options.
 * <li>Fit the feature normalizer, and for MSE the label normalizer, on the whole training file,
 *     validation part included (per column; for a sequence input [T,F] or output [T,K], per
 *     feature over all steps). NOTE: this follows the textbook, which normalizes before it splits
 *     off validation data; the validation metrics are therefore very slightly optimistic.
 * <li>Split: shuffle the sample indices once with {@code new Rng(seed ^ SPLIT_SALT)} and hold out
 *     the first {@code validation} fraction (rounded down, at least one sample), as the textbook
 *     takes "the first tenth of the shuffled training data".
 * <li>Initialize with {@code model.initParams(new Rng(seed))}; the same {@code Rng} then shuffles
 *     the batches, so one seed fixes the whole run.
 * <li>Train with a {@link TrainingLoop}, which transforms the training batches with an
 *     {@link Augmenter} seeded by {@code seed ^ AUGMENT_SALT} when the data block sets
 *     {@code augment:}; then measure the final model (see {@link
 *     RunResult#metrics()}).
 * </ol>
 *
 * <p>With {@link Options#checkpoints()} the trainer saves {@link Checkpoint}s (with the seed and
 * the preprocessing in their metadata), or continues from one: the steps above run the same way
 * with the checkpoint's seed, so the data, normalization and split are those of the first run,
 * and the trainer takes over from the saved epoch.
 */
public final class Training {
    /** Mixed into the seed for the validation split, so that it differs from the init stream. */
    public static final long SPLIT_SALT = 0x5EED_5B1D_0000_0001L;
    /** Mixed into the seed for augmentation, so that its draws differ from the other streams. */
    public static final long AUGMENT_SALT = 0x5EED_A116_0000_0002L;

    private Training() {
    }

    /**
     * Settings of a run that override or complete the {@code .nn} file.
     *
     * @param epochs maximum epochs instead of the file's, or {@code null}
     * @param seed seed instead of the file's, or {@code null}
     * @param threads threads training and the final measures may use: the run opens a {@link
     *     KernelContext} of that many for itself (see {@link TrainingLoop#threads})
     * @param listener progress listener
     * @param train in-memory training data (raw, not normalized) instead of the file's, or
     *     {@code null}; it is copied, never changed
     * @param test in-memory test data instead of the file's, or {@code null}
     * @param checkpoints where and how often to save checkpoints, and the one to resume from
     * @param interrupt asked during training; true ends the run after its last complete epoch
     *     (see {@link TrainingLoop#interruptWhen}), or {@code null}
     * @param stage the set the last checkpoint is staged in (see
     *     {@link TrainingLoop#stageLastCheckpoint}), or {@code null} to write it at once
     */
    public record Options(Integer epochs, Long seed, int threads, TrainingListener listener,
            Dataset train, Dataset test, Checkpoints checkpoints, BooleanSupplier interrupt,
            OutputFiles stage) {
        public Options {
            if (threads < 1) {
                throw new IllegalArgumentException("threads < 1: " + threads);
            }
            if (epochs != null && epochs < 0) {
                throw new IllegalArgumentException("epochs < 0: " + epochs);
            }
            listener = listener == null ? TrainingListener.NONE : listener;
            checkpoints = checkpoints == null ? Checkpoints.NONE : checkpoints;
        }

        /** The file's settings, one thread, no listener. */
        public static Options defaults() {
            return new Options(null, null, 1, TrainingListener.NONE, null, null, null, null,
                    null);
        }

        public Options withEpochs(Integer e) {
            return new Options(e, seed, threads, listener, train, test, checkpoints, interrupt,
                    stage);
        }

        public Options withSeed(Long s) {
            return new Options(epochs, s, threads, listener, train, test, checkpoints, interrupt,
                    stage);
        }

        public Options withThreads(int t) {
            return new Options(epochs, seed, t, listener, train, test, checkpoints, interrupt,
                    stage);
        }

        public Options withListener(TrainingListener l) {
            return new Options(epochs, seed, threads, l, train, test, checkpoints, interrupt,
                    stage);
        }

        /** In-memory data instead of the files; {@code testData} may be {@code null}. */
        public Options withData(Dataset trainData, Dataset testData) {
            return new Options(epochs, seed, threads, listener, trainData, testData,
                    checkpoints, interrupt, stage);
        }

        /** Checkpoints as {@code c} says. */
        public Options withCheckpoints(Checkpoints c) {
            return new Options(epochs, seed, threads, listener, train, test, c, interrupt,
                    stage);
        }

        /** Training ends after its last complete epoch once {@code stopRequested} is true. */
        public Options withInterrupt(BooleanSupplier stopRequested) {
            return new Options(epochs, seed, threads, listener, train, test, checkpoints,
                    stopRequested, stage);
        }

        /** The last checkpoint is staged in {@code set} instead of written at once. */
        public Options withStage(OutputFiles set) {
            return new Options(epochs, seed, threads, listener, train, test, checkpoints,
                    interrupt, set);
        }
    }

    /**
     * Checkpoints of a run (see {@link Checkpoint}).
     *
     * @param every save after every this many epochs and after the last; 0: after the last only
     * @param file where to save them, or {@code null} for no checkpoints
     * @param resume the checkpoint to continue from, or {@code null} to start afresh; the run
     *     then takes its seed, and must have the same model, optimizer, batch and training data
     * @param onlyIfInterrupted save one to {@code file} only when the run is interrupted
     *     ({@link Options#interrupt()}), after its last complete epoch
     */
    public record Checkpoints(int every, Path file, Checkpoint resume,
            boolean onlyIfInterrupted) {
        /** No checkpoints, a fresh start. */
        public static final Checkpoints NONE = new Checkpoints(0, null, null);

        /** Checkpoints every {@code every} epochs and after the last one. */
        public Checkpoints(int every, Path file, Checkpoint resume) {
            this(every, file, resume, false);
        }

        public Checkpoints {
            if (every < 0) {
                throw new IllegalArgumentException("every < 0: " + every);
            }
        }
    }

    /**
     * The outcome of {@link #run}.
     *
     * @param report the trainer's report (history, timing)
     * @param preprocessing what to save with the weights
     * @param metrics the measures of the final model, in a stable order: {@code final_loss} (the
     *     loss over the training part, in the model's units), {@code epochs_run},
     *     {@code train_seconds}, {@code samples_per_s}, {@code stopped_early}, {@code diverged},
     *     {@code seed}; then for classifiers {@code train_accuracy}, for regression
     *     {@code train_mse} and {@code train_r2} (in the labels' own units); with validation data
     *     {@code val_loss} and {@code val_accuracy} or {@code val_r2}; with test data
     *     {@code test_loss} and the test data's full measures (see {@link Measures#put}); without
     *     test data the training data's full measures join {@code train_accuracy} or
     *     {@code train_mse} and {@code train_r2} instead
     */
    public record RunResult(TrainReport report, Preprocessing preprocessing,
            Map<String, Object> metrics) {
        public RunResult {
            metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }
    }

    /**
     * Runs the whole training of {@code model} as its {@code .nn} file describes it.
     *
     * @param baseDir the directory relative data paths resolve against ({@code null}: the
     *     working directory)
     * @throws DataException for missing or malformed data, or settings the data cannot satisfy
     */
    public static RunResult run(TrainableModel model, Path baseDir, Options opts) {
        return runModel(model, baseDir, opts);
    }

    /**
     * Trains an ensemble as the other {@code run} trains one network, member by member ({@link
     * EnsembleTraining}); the measures are the vote's, then {@code member_test_accuracy}, ….
     */
    public static RunResult run(Ensemble ensemble, Path baseDir, Options opts) {
        return runModel(ensemble, baseDir, opts);
    }

    private static RunResult runModel(Model model, Path baseDir, Options opts) {
        try (KernelContext k = KernelContext.open(opts.threads())) {
            KernelContext.Binding binding = k.bind();
            try {
                return run(model, baseDir, opts, k);
            } finally {
                binding.close();
            }
        }
    }

    /** {@link #run(TrainableModel, Path, Options)} with the run's kernel context bound. */
    private static RunResult run(Model model, Path baseDir, Options opts,
            KernelContext kernels) {
        ModelSpec spec = model.spec();
        ModelSpec.Loss loss = spec.loss();
        Checkpoint resume = opts.checkpoints().resume();
        long seed = seed(spec, opts.seed(), resume);
        ModelSpec.TrainSpec ts = opts.epochs() != null
                ? spec.train().withEpochs(opts.epochs()) : spec.train();
        if (resume != null && model instanceof TrainableModel tm) {
            resume.check(tm, ts);
        }
        int in = model.inputSize();
        int out = model.outputSize();

        Dataset all;
        ClassLabels classes = null;
        Symbols symbols = null;
        List<String> inputNames = List.of();
        OneHot oneHot = null;
        if (opts.train() != null) {
            all = opts.train().copy();
        } else {
            DataSource src = spec.data().train();
            if (src == null) {
                throw new DataException("the model names no training data (add a data block, or"
                        + " pass the data in memory)");
            }
            opts.listener().onStatus("loading " + src.path());
            LoadedData ld = DataLoader.load(resolve(baseDir, src.path()), src.resolve(baseDir),
                    in, out, loss, null);
            all = ld.dataset();
            classes = ld.classes();
            symbols = ld.symbols();
            inputNames = Preprocessing.Fill.inputNames(src, ld);
            oneHot = ld.oneHot();
        }
        all.checkShape(model, "training");
        Symbols.checkFits(symbols, model);
        Preprocessing.Fill fill = Preprocessing.Fill.fit(spec.data().train(), all, inputNames,
                oneHot);
        if (fill != null) {
            fill.apply(all.x(), all.size());
        }
        Normalizer fx = fit(all.x(), all.size(), model.inputShape(), spec.data().features());
        Normalizer fy = loss == ModelSpec.Loss.MSE
                ? fit(all.y(), all.size(), model.outputShape(), spec.data().labels())
                : Normalizer.identity(out);
        Preprocessing prep = new Preprocessing(opts.train() != null || spec.data().train() == null
                ? 1 : spec.data().train().scale(), fx, fy, classes, fill, oneHot, symbols);

        Dataset train = all;
        Dataset val = null;
        int nVal = validationCount(all.size(), ts.validation());
        if (nVal > 0) {
            int[] idx = ValidationSplit.identity(all.size());
            new Rng(seed ^ SPLIT_SALT).shuffle(idx, idx.length);
            if (ts.stratify()) {
                idx = ValidationSplit.stratified(idx, all, nVal);
            }
            val = all.subset(idx, 0, nVal);
            train = all.subset(idx, nVal, all.size());
        }
        float[] trainRawY = train.y().clone();
        float[] valRawY = val == null ? null : val.y().clone();
        normalize(train, prep);
        if (val != null) {
            normalize(val, prep);
        }
        Set<String> stopReads = new HashSet<>();
        if (ts.stop() != null) {
            ts.stop().metrics(stopReads);
        }
        if (val == null && stopReads.stream().anyMatch(s -> s.startsWith("val_"))) {
            throw new DataException("the stop condition '" + ts.stop() + "' reads validation"
                    + " metrics, but the model holds out no validation data (add validation: 0.1"
                    + " to the train block)");
        }

        TrainReport report;
        if (model instanceof Ensemble e) {
            report = EnsembleTraining.train(e, train, val, ts, seed, opts, kernels, prep);
        } else {
            TrainableModel tm = (TrainableModel) model;
            Rng rng = new Rng(seed);
            tm.initParams(rng);
            Optimizer optimizer = Optimizers.create(spec.optimizer());
            TrainingLoop trainer = new TrainingLoop(tm, optimizer, ts, rng)
                    .labels(prep.labels())
                    .listener(opts.listener())
                    .kernels(kernels)
                    .interruptWhen(opts.interrupt())
                    .stageLastCheckpoint(opts.stage());
            if (!spec.data().augment().isNone()) {
                trainer.augment(new Augmenter(spec.data().augment(), model.inputShape(),
                        prep.features(), seed ^ AUGMENT_SALT));
            }
            checkpoints(trainer, opts.checkpoints(), seed, prep, train.size());
            report = trainer.train(train, val);
        }

        opts.listener().onStatus("measuring the final model");
        Map<String, Object> m = new LinkedHashMap<>();
        Measures.Measure trainM = Measures.measure(model, train, trainRawY, prep, loss);
        m.put("final_loss", trainM.loss());
        m.put("epochs_run", report.epochs());
        m.put("train_seconds", report.seconds());
        m.put("samples_per_s", report.samplesPerSecond());
        m.put("stopped_early", report.stoppedEarly());
        m.put("diverged", report.diverged());
        m.put("seed", seed);
        boolean testData = opts.test() != null
                || opts.train() == null && spec.data().test() != null;
        if (loss.isClassification()) {
            m.put("train_accuracy", trainM.acc().accuracy());
        } else {
            m.put("train_mse", trainM.acc().mse());
            m.put("train_r2", trainM.acc().r2());
        }
        if (!testData) {
            Measures.put(m, "train_", trainM.acc(), prep.classes(), Set.of("accuracy", "mse", "r2"));
        }
        if (val != null) {
            Measures.Measure valM = Measures.measure(model, val, valRawY, prep, loss);
            m.put("val_loss", valM.loss());
            if (loss.isClassification()) {
                m.put("val_accuracy", valM.acc().accuracy());
            } else {
                m.put("val_r2", valM.acc().r2());
            }
        }
        Dataset test = null;
        if (opts.test() != null) {
            test = opts.test().copy();
        } else if (opts.train() == null && spec.data().test() != null) {
            DataSource src = spec.data().test();
            opts.listener().onStatus("loading " + src.path());
            test = DataLoader.load(resolve(baseDir, src.path()), src.resolve(baseDir), in, out,
                    loss, classes, oneHot, symbols).dataset();
        }
        float[] testRawY = null;
        if (test != null) {
            test.checkShape(model, "test");
            testRawY = test.y().clone();
            normalize(test, prep);
            Measures.Measure t = Measures.measure(model, test, testRawY, prep, loss);
            m.put("test_loss", t.loss());
            Measures.put(m, "test_", t.acc(), prep.classes(), Set.of());
        }
        if (model instanceof Ensemble e) {
            EnsembleTraining.putMembers(m, e, prep, loss, Arrays.asList(test, val, train),
                    Arrays.asList(testRawY, valRawY, trainRawY));
        }
        return new RunResult(report, prep, m);
    }

    /**
     * Measures a trained model on a data file, as {@code nnc eval} does: the file is read with
     * {@code src}'s settings (or, when {@code null}, as a CSV file with the label settings of the
     * model's training data when that is a CSV file too, or as every window of the file when the
     * model was trained on windows, else with the label last; scaled by the saved stage),
     * normalized with the saved preprocessing and its class labels.
     *
     * @return {@code samples} and {@code loss}, then the full measures (see
     *     {@link Measures#put}) without a prefix
     */
    public static Map<String, Object> evaluate(Model model, Preprocessing prep, Path csv,
            DataSource src) {
        DataSource s = src;
        if (s == null) {
            DataSource t = model.spec().data().train();
            s = t instanceof DataSource.Csv ? t
                    : t instanceof DataSource.Windows ? t.withoutSplit()
                    : DataSource.csv(csv.toString(), List.of(), true);
        }
        // The saved stage's scale, whatever the source says: the data is read as it was trained.
        s = s.withScale(prep.scale());
        ModelSpec.Loss loss = model.spec().loss();
        Dataset d = DataLoader.load(csv, s, model.inputSize(), model.outputSize(), loss,
                prep.classes(), prep.oneHot(), prep.symbols()).dataset();
        float[] rawY = d.y().clone();
        normalize(d, prep);
        Measures.Measure me = Measures.measure(model, d, rawY, prep, loss);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples", d.size());
        m.put("loss", me.loss());
        Measures.put(m, "", me.acc(), prep.classes(), Set.of());
        return m;
    }

    /**
     * Fits a normalizer on {@code rows} samples of {@code shape}: per column for a vector or an
     * image; for a sequence {@code [T,F]}, per feature over all T steps (every step of a feature
     * gets the same shift and scale, as a time series has one range).
     */
    static Normalizer fit(float[] data, int rows, int[] shape, ModelSpec.Normalization kind) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        if (shape.length == 2) {
            return Normalizer.fitSteps(data, rows, shape[0], shape[1], kind);
        }
        return Normalizer.fit(data, rows, size, kind);
    }

    /** The seed of a run: the option's, else the checkpoint's, else the file's. */
    private static long seed(ModelSpec spec, Long option, Checkpoint resume) {
        Long saved = resume == null ? null : resume.seed();
        if (option != null && saved != null && !option.equals(saved)) {
            throw new DataException("checkpoint " + resume.file() + " is of a run with seed "
                    + saved + ", not " + option + "; a run resumes with its own seed");
        }
        return option != null ? option : saved != null ? saved : spec.seed();
    }

    private static void checkpoints(TrainingLoop trainer, Checkpoints c, long seed,
            Preprocessing prep, int trainSize) {
        if (c.resume() != null) {
            if (c.resume().trainSize() != trainSize) {
                throw new DataException("checkpoint " + c.resume().file() + " was made with "
                        + c.resume().trainSize() + " training samples, the data now gives "
                        + trainSize + "; a run resumes on the data it started with");
            }
            trainer.resume(c.resume());
        }
        if (c.file() != null) {
            Map<String, String> meta = new LinkedHashMap<>(prep.toMetadata());
            meta.put(Checkpoint.SEED, Long.toString(seed));
            if (c.onlyIfInterrupted()) {
                trainer.checkpointIfInterrupted(c.file(), meta);
            } else {
                trainer.checkpointEvery(c.every(), c.file(), meta);
            }
        }
    }

    /** The names of a classifier's outputs: its class labels as the data writes them, or 0, 1… */
    public static List<String> classNames(ClassLabels labels, int k) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            l.add(labels != null && labels.size() == k ? labels.name(i)
                    : Integer.toString(i));
        }
        return l;
    }

    /** The number of validation samples for a fraction: rounded down, at least 1 if > 0. */
    static int validationCount(int size, double fraction) {
        if (fraction <= 0) {
            return 0;
        }
        int n = Math.max(1, (int) Math.floor(size * fraction));
        if (n >= size) {
            throw new DataException("validation: " + fraction + " of " + size
                    + " samples leaves no training data");
        }
        return n;
    }

    static Path resolve(Path baseDir, String path) {
        Path p = Path.of(path);
        if (p.isAbsolute() || baseDir == null) {
            return p.normalize();
        }
        return baseDir.resolve(p).normalize();
    }

    private static void normalize(Dataset d, Preprocessing prep) {
        prep.features(d.x(), d.size());
        prep.labels().apply(d.y(), d.size());
    }
}
