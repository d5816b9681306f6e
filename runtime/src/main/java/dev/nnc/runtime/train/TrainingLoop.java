package dev.nnc.runtime.train;

import dev.nnc.runtime.data.Augmenter;
import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.data.Normalizer;
import dev.nnc.runtime.io.OutputFiles;
import dev.nnc.runtime.kernels.KernelContext;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.Schedule;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.optim.Optimizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The mini-batch training loop: shuffles, slices batches, calls the model's {@code trainStep} and
 * the optimizer, measures, and stops when the stop condition holds.
 *
 * <p>Example:
 * <pre>{@code
 * TrainReport r = new TrainingLoop(model, new Sgd(0.1), spec.train(), new Rng(1))
 *         .listener(new Progress(System.err, Progress.Mode.LINES))
 *         .train(trainSet, validationSetOrNull);
 * }</pre>
 *
 * <p>Each epoch: if {@code shuffle}, the index permutation is shuffled again (starting from the
 * previous one) with the trainer's {@link Rng}; batches are consecutive slices of it, the last one
 * smaller when the size does not divide; each batch is copied into buffers allocated once before
 * the loop, so a training step allocates nothing. After the epoch come the metrics (see
 * {@link EpochRecord}) and the stop checks: the stop condition, early stopping, and divergence
 * (the epoch's training loss NaN, infinite, or above {@link #DIVERGENCE_FACTOR} times the loss of
 * the initial model, measured on its first {@value #START_LOSS_SAMPLES} training samples before
 * the first step). {@link #interruptWhen} lets another thread end the run after its last complete
 * epoch.
 *
 * <p>Given the same model, initial parameters, data, settings and {@code Rng} state, two runs give
 * the same parameters bit for bit. With {@link #checkpointEvery} the trainer saves a
 * {@link Checkpoint} every n epochs and after the last; {@link #resume} continues from one, and the
 * final parameters are those of a run that never stopped, bit for bit.
 */
public final class TrainingLoop {
    // NOTE: evaluation runs in chunks of at least this many samples, so that small training
    // batches do not make evaluation slow; the model grows its buffers once for this size.
    static final int MIN_EVAL_CHUNK = 256;
    /**
     * Training has diverged when its loss exceeds this many times the initial model's loss (or
     * becomes NaN or infinite).
     */
    public static final double DIVERGENCE_FACTOR = 1000;
    /** The initial model's loss is measured on at most this many training samples. */
    static final int START_LOSS_SAMPLES = 1024;

    private final TrainableModel model;
    private final Optimizer optimizer;
    private final ModelSpec.TrainSpec spec;
    private final Rng rng;
    private final ModelSpec.Loss loss;
    private TrainingListener listener = TrainingListener.NONE;
    private int threads = 1;
    private KernelContext kernels;
    private Path checkpointFile;
    private int checkpointEvery;
    private Map<String, String> checkpointMetadata = Map.of();
    private Checkpoint resume;
    private BooleanSupplier interrupt;
    private boolean checkpointOnlyIfInterrupted;
    private OutputFiles stageLast;
    private Augmenter augmenter;
    private Normalizer labels;

    /** A trainer of {@code model} with {@code optimizer} under {@code spec}, shuffling with rng. */
    public TrainingLoop(TrainableModel model, Optimizer optimizer, ModelSpec.TrainSpec spec,
            Rng rng) {
        this.model = model;
        this.optimizer = optimizer;
        this.spec = spec;
        this.rng = rng;
        this.loss = model.spec().loss();
    }

    /** Sets the label normalization: a differenced series' metrics are on its own scale. */
    public TrainingLoop labels(Normalizer n) {
        this.labels = n;
        return this;
    }

    /** Sets the listener (default: none). */
    public TrainingLoop listener(TrainingListener l) {
        this.listener = l == null ? TrainingListener.NONE : l;
        return this;
    }

    /**
     * The most threads a thread count may ask for on this machine: four per processor, at least
     * 8. NOTE: more cannot make anything faster, and a count of 100000 would start that many
     * threads before the first epoch.
     */
    public static int maxThreads() {
        return Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    }

    /**
     * Sets the number of threads training may use (default 1, at most {@link #maxThreads}): the
     * loop opens a {@link KernelContext} of that many threads for the run, binds it to the
     * calling thread and closes it at the end; the kernels split each large product across them.
     * Results do not depend on it: every output is computed by one thread in the same order.
     */
    public TrainingLoop threads(int t) {
        if (t < 1 || t > maxThreads()) {
            throw new IllegalArgumentException("threads not in 1.." + maxThreads() + ": " + t);
        }
        this.threads = t;
        this.kernels = null;
        return this;
    }

    /**
     * Trains with the threads of {@code k} (instead of {@link #threads(int)}), which the caller
     * opened and closes: the loop binds it to the calling thread while it runs.
     */
    public TrainingLoop kernels(KernelContext k) {
        this.kernels = Objects.requireNonNull(k, "kernels");
        return this;
    }

    /**
     * Saves a {@link Checkpoint} to {@code file} after epochs n, 2n, ... and after the last epoch
     * (n = 0: after the last only; never after a diverged epoch), with {@code metadata} added.
     */
    public TrainingLoop checkpointEvery(int n, Path file, Map<String, String> metadata) {
        if (n < 0) {
            throw new IllegalArgumentException("checkpoint interval < 0: " + n);
        }
        this.checkpointEvery = n;
        this.checkpointFile = Objects.requireNonNull(file, "file");
        this.checkpointMetadata = Map.copyOf(metadata);
        return this;
    }

    /**
     * Saves a {@link Checkpoint} to {@code file} only if the run is interrupted
     * ({@link #interruptWhen}), after its last complete epoch, with {@code metadata} added.
     */
    public TrainingLoop checkpointIfInterrupted(Path file, Map<String, String> metadata) {
        checkpointEvery(0, file, metadata);
        this.checkpointOnlyIfInterrupted = true;
        return this;
    }

    /**
     * Lets the run be interrupted: {@code stopRequested} is asked after every batch and after
     * every epoch; once it answers true, training ends with the last complete epoch. An epoch cut
     * short is undone (parameters, optimizer, generators and sample order go back to their state
     * after the epoch before; the parameters of epoch start are kept for that), so the last
     * checkpoint, the weights and the history are those of a run stopped after that epoch, and
     * a run resumed from the checkpoint ends with the weights of a run never stopped.
     */
    public TrainingLoop interruptWhen(BooleanSupplier stopRequested) {
        this.interrupt = stopRequested;
        return this;
    }

    /**
     * Writes the last checkpoint of the run (after its last epoch, or after the last complete
     * one when interrupted) into {@code set} instead of to its file at once, so that the caller
     * replaces it together with the weights and history of the run.
     */
    public TrainingLoop stageLastCheckpoint(OutputFiles set) {
        this.stageLast = set;
        return this;
    }

    /**
     * Continues the run saved in {@code c} instead of starting one: {@link #train} restores the
     * parameters, optimizer, generators, sample order and trackers, starts at epoch
     * {@code c.epoch() + 1} and reports the whole run, the saved epochs included. The model's
     * initial parameters and the trainer's {@code Rng} state do not matter then.
     *
     * @throws dev.nnc.runtime.io.WeightsException when {@code c} is of another model,
     *     architecture, optimizer or
     *     batch size
     */
    public TrainingLoop resume(Checkpoint c) {
        c.check(model, spec);
        this.resume = c;
        return this;
    }

    /**
     * Transforms every training batch with {@code a} before its step (the data block's
     * {@code augment:}); measurements, validation included, see the samples as they are. With
     * {@code augment_copies: n} an epoch goes through (n + 1) times the training set in one
     * shuffled order: entry v of the order is view v / size of training sample v % size, view 0
     * the sample as it is.
     */
    public TrainingLoop augment(Augmenter a) {
        this.augmenter = a;
        return this;
    }

    /** The metric names of accuracy-like measures for this model: accuracy or r2. */
    static String qualityMetric(ModelSpec.Loss loss) {
        return loss.isClassification() ? "accuracy" : "r2";
    }

    /** The epochs with full metrics: every {@code logEvery}-th, or about 20 per run when 0. */
    public static int logInterval(int logEvery, int epochs) {
        return logEvery > 0 ? logEvery : Math.max(1, epochs / 20);
    }

    /**
     * Trains on {@code train}, measuring on {@code validation} too when it is not null.
     *
     * @throws IllegalArgumentException when the data does not fit the model, or the stop
     *     condition reads validation metrics and there is no validation data
     */
    public TrainReport train(Dataset train, Dataset validation) {
        KernelContext own = kernels == null ? KernelContext.open(threads) : null;
        KernelContext k = own != null ? own : kernels;
        KernelContext.Binding binding = k.bind();
        try {
            return train(train, validation, k.threads());
        } finally {
            binding.close();
            if (own != null) {
                own.close();
            }
        }
    }

    private TrainReport train(Dataset train, Dataset validation, int threads) {
        checkShape(train, "training");
        if (validation != null) {
            checkShape(validation, "validation");
        }
        int trainSize = train.size();
        if (trainSize == 0) {
            throw new IllegalArgumentException("no training samples");
        }
        Set<String> needed = new HashSet<>();
        if (spec.stop() != null) {
            spec.stop().metrics(needed);
        }
        Schedule.EarlyStopping early = spec.earlyStopping();
        if (early != null) {
            needed.add(early.metric());
        }
        if (spec.schedule() instanceof Schedule.Plateau plateau) {
            needed.add(plateau.metric());
        }
        boolean stopNeedsVal = needed.stream().anyMatch(s -> s.startsWith("val_"));
        if (stopNeedsVal && (validation == null || validation.size() == 0)) {
            String reader = spec.stop() != null && spec.stop().toString().contains("val_")
                    ? "the stop condition '" + spec.stop() + "'"
                    : early != null && early.metric().startsWith("val_") ? "early stopping"
                    : "the learning-rate schedule";
            throw new IllegalArgumentException(reader + " reads validation metrics, but there is"
                    + " no validation data (set validation: 0.1 in the train block)");
        }
        String quality = qualityMetric(loss);
        boolean stopNeedsTrain = needed.contains("loss") || needed.contains(quality);
        double baseRate = optimizer.learningRate();
        Schedule.Tracker earlyTracker = early == null ? null
                : new Schedule.Tracker(early.metric(), early.minDelta());
        Schedule.Tracker plateauTracker = spec.schedule() instanceof Schedule.Plateau pl
                ? new Schedule.Tracker(pl.metric(), 0) : null;
        // The restore-best snapshot holds the parameters, then the buffers (batch norm's
        // running statistics), so the restored model is the best epoch's in both.
        float[] buffers = model.buffers();
        float[] best = early != null && early.restoreBest()
                ? new float[model.params().length + buffers.length] : null;
        int bestEpoch = 0;

        // NOTE: size counts the samples of an epoch, augment_copies' views included; the loss
        // of the start and the measurements read the training set itself.
        int size = trainSize * (augmenter == null ? 1 : augmenter.views());
        int batch = spec.batch() == 0 ? size : Math.min(spec.batch(), size);
        int batches = (size + batch - 1) / batch;
        int epochs = spec.epochs();
        int logEvery = logInterval(spec.logEvery(), epochs);
        int in = train.inputSize();
        int out = train.outputSize();
        int[] perm = new int[size];
        for (int i = 0; i < size; i++) {
            perm[i] = i;
        }
        boolean direct = batch == size && !spec.shuffle() && augmenter == null;
        float[] xb = direct ? train.x() : new float[batch * in];
        float[] yb = direct ? train.y() : new float[batch * out];
        int[] rows = new int[batch];
        Evaluator eval = new Evaluator(Math.max(batch, MIN_EVAL_CHUNK),
                Math.max(trainSize, validation == null ? 0 : validation.size()), in, out);
        float[] params = model.params();
        if (spec.classWeights() != null) {
            // NOTE: balanced weights count the training split only, never the validation data.
            model.setClassWeights(ClassWeights.of(spec.classWeights(), train));
        }
        float[] cw = model.classWeights();
        BatchStep steps = new BatchStep(model, optimizer, spec, train, augmenter, size, batch,
                perm, rows, xb, yb, cw, direct);

        listener.onData(train, validation);
        TrainInfo info = new TrainInfo(model.name(), params.length, epochs, size,
                validation == null ? 0 : validation.size(), batch, batches, logEvery, spec.stop(),
                threads);
        listener.onPlan(info);
        long start = System.nanoTime();
        // NOTE: the initial model's loss is measured before onStart, not after it: a JIT
        // warm-up (Warmup, nnc train) goes on until onStart, on its own core, while this first
        // evaluation runs cold here; the loss is the same either way. What is about to run is
        // told before it (onPlan): a user sees the header at once.
        double startLoss = resume != null ? 0
                : eval.loss(train, Math.min(trainSize, START_LOSS_SAMPLES));
        listener.onStart(info);
        List<EpochRecord> history = new ArrayList<>();
        boolean stopped = false;
        boolean diverged = false;
        boolean interrupted = false;
        String reason = null;
        long samples = 0;
        long batchNanos = 0;
        int epoch = 0;
        if (resume != null) {
            resume.restore(model, optimizer, rng, perm, earlyTracker, plateauTracker, best);
            history.addAll(resume.history());
            epoch = resume.epoch();
            stopped = resume.stopped();
            bestEpoch = resume.bestEpoch();
            samples = resume.samples();
            start -= (long) (resume.seconds() * 1e9);
            batchNanos = (long) (resume.stepSeconds() * 1e9);
            startLoss = resume.startLoss();
        }
        EpochSnapshot snapshot = interrupt != null ? new EpochSnapshot(params, buffers) : null;
        while (epoch < epochs && !stopped && !diverged && !interrupted) {
            if (snapshot != null) {
                snapshot.take(optimizer, rng, model, perm);
            }
            epoch++;
            long epochStart = System.nanoTime();
            if (spec.shuffle()) {
                rng.shuffle(perm, size);
            }
            if (spec.schedule() != null && plateauTracker == null) {
                optimizer.setLearningRate(spec.schedule().rate(baseRate, epoch - 1));
            }
            double rate = optimizer.learningRate();
            steps.startEpoch();
            long batchStart = System.nanoTime();
            for (int b = 0; b < batches; b++) {
                double l = steps.step(epoch, b);
                listener.onBatch(epoch, b, batches, l);
                if (interrupt != null && interrupt.getAsBoolean() && b < batches - 1) {
                    interrupted = true;
                    break;
                }
            }
            steps.finish(); // a batch gathered ahead for a step that did not come
            if (interrupted) {
                // NOTE: the epoch is incomplete: back to the state after the last complete one,
                // so that what is saved is that epoch's, and a resumed run goes on from it.
                snapshot.restore(optimizer, rng, model, perm);
                epoch--;
                break;
            }
            samples += size;
            batchNanos += System.nanoTime() - batchStart;

            Map<String, Double> m = new LinkedHashMap<>();
            double trainLoss = steps.lossSum / steps.weightSum;
            m.put("train_loss", trainLoss);
            m.put("lr", rate);
            // NOTE: an initial loss of 0 (or NaN, from a checkpoint of an older version) leaves
            // only the NaN/infinity rule.
            diverged = !Double.isFinite(trainLoss)
                    || startLoss > 0 && trainLoss > DIVERGENCE_FACTOR * startLoss;
            if (diverged) {
                reason = !Double.isFinite(trainLoss)
                        ? "the training loss became "
                                + (Double.isNaN(trainLoss) ? "NaN" : "infinite")
                        : "the training loss " + Progress.number(trainLoss) + " is over "
                                + (long) DIVERGENCE_FACTOR + " times the initial model's "
                                + Progress.number(startLoss);
            }
            boolean trainDone = false;
            boolean valDone = false;
            if (stopNeedsTrain && !diverged) {
                listener.onStatus("measuring the training data");
                eval.measure(train, "", m);
                trainDone = true;
            }
            if (stopNeedsVal && !diverged) {
                listener.onStatus("measuring the validation data");
                eval.measure(validation, "val_", m);
                valDone = true;
            }
            stopped = !diverged && spec.stop() != null && spec.stop().test(m);
            if (stopped) {
                reason = spec.stop() + " holds";
            }
            if (!diverged && earlyTracker != null) {
                if (earlyTracker.offer(m.get(early.metric()))) {
                    bestEpoch = epoch;
                    if (best != null) {
                        System.arraycopy(params, 0, best, 0, params.length);
                        System.arraycopy(buffers, 0, best, params.length, buffers.length);
                    }
                } else if (earlyTracker.sinceBest() >= early.patience() && !stopped) {
                    stopped = true;
                    reason = early.metric() + " did not improve for " + early.patience()
                            + (early.patience() == 1 ? " epoch" : " epochs")
                            + (early.minDelta() > 0 ? " by more than " + early.minDelta() : "")
                            + " (best " + Progress.number(earlyTracker.best()) + " at epoch "
                            + bestEpoch + ")";
                }
            }
            if (!diverged && plateauTracker != null) {
                Schedule.Plateau pl = (Schedule.Plateau) spec.schedule();
                optimizer.setLearningRate(pl.next(rate, m.get(pl.metric()), plateauTracker));
            }
            // NOTE: a stop requested during the evaluation ends the run after this epoch, which
            // is complete.
            interrupted = interrupt != null && interrupt.getAsBoolean() && !diverged;
            boolean last = epoch == epochs || stopped || diverged || interrupted;
            if (last || epoch % logEvery == 0) {
                if (!trainDone) {
                    listener.onStatus("measuring the training data");
                    eval.measure(train, "", m);
                }
                if (!valDone && validation != null && validation.size() > 0) {
                    listener.onStatus("measuring the validation data");
                    eval.measure(validation, "val_", m);
                }
            }
            EpochRecord rec = new EpochRecord(epoch, m, (System.nanoTime() - epochStart) * 1e-9);
            history.add(rec);
            listener.onEpoch(rec);
            if (checkpointFile != null && !diverged && !last && checkpointEvery > 0
                    && epoch % checkpointEvery == 0) {
                Checkpoint.write(checkpointFile, model, optimizer, rng, loop(epoch, stopped,
                        trainSize, perm, earlyTracker, plateauTracker, best, bestEpoch, start,
                        batchNanos, samples, history, startLoss), checkpointMetadata);
            }
        }
        if (checkpointFile != null && !diverged && epoch > 0
                && (resume == null || epoch > resume.epoch())
                && (interrupted || !checkpointOnlyIfInterrupted)) {
            OutputFiles.Content c = Checkpoint.content(model, optimizer, rng, loop(epoch, stopped,
                    trainSize, perm, earlyTracker, plateauTracker, best, bestEpoch, start,
                    batchNanos,
                    samples, history, startLoss), checkpointMetadata);
            if (stageLast != null) {
                stageLast.stage(checkpointFile, c);
            } else {
                OutputFiles.write(checkpointFile, c);
            }
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        int restored = 0;
        if (best != null && bestEpoch > 0 && bestEpoch != epoch) {
            // NOTE: restored after the clock stops; the history keeps the last epoch's metrics.
            System.arraycopy(best, 0, params, 0, params.length);
            System.arraycopy(best, params.length, buffers, 0, buffers.length);
            restored = bestEpoch;
        }
        // NOTE: samples/s counts the time spent in training steps only, not the full-set
        // evaluations between epochs, as the PyTorch peers measure it.
        TrainReport report = new TrainReport(epoch, stopped, diverged, seconds,
                batchNanos > 0 ? samples / (batchNanos * 1e-9) : 0, history, size,
                batchNanos * 1e-9, interrupted, reason, restored);
        listener.onEnd(report);
        return report;
    }

    private Checkpoint.Loop loop(int epoch, boolean stopped, int trainSize, int[] perm,
            Schedule.Tracker early, Schedule.Tracker plateau, float[] best, int bestEpoch,
            long start, long batchNanos, long samples, List<EpochRecord> history,
            double startLoss) {
        return new Checkpoint.Loop(epoch, stopped, checkpointEvery, spec.batch(), trainSize, perm,
                early, plateau, best, bestEpoch, (System.nanoTime() - start) * 1e-9,
                batchNanos * 1e-9, samples, history, startLoss);
    }

    /**
     * Gradient clipping by value, then by global norm, as the train block {@code spec} asks; the
     * one definition of it, which distributed training applies to its summed gradient too.
     */
    public static void clip(float[] g, ModelSpec.TrainSpec spec) {
        double value = spec.clipValue();
        if (value > 0) {
            float v = (float) value;
            for (int i = 0; i < g.length; i++) {
                g[i] = Math.max(-v, Math.min(v, g[i]));
            }
        }
        double norm = spec.clipNorm();
        if (norm > 0) {
            double sq = 0;
            for (float x : g) {
                sq += (double) x * x;
            }
            double n = Math.sqrt(sq);
            if (n > norm) {
                float f = (float) (norm / n);
                for (int i = 0; i < g.length; i++) {
                    g[i] *= f;
                }
            }
        }
    }

    private void checkShape(Dataset d, String what) {
        if (d.inputSize() != model.inputSize() || d.outputSize() != model.outputSize()) {
            throw new IllegalArgumentException("the " + what + " data has " + d.inputSize()
                    + " inputs and " + d.outputSize() + " outputs per sample, the model "
                    + model.inputSize() + " and " + model.outputSize());
        }
    }

    /** Full-set evaluation in chunks through buffers allocated once. */
    private final class Evaluator {
        private final int chunk;
        private final float[] xb;
        private final float[] yb;
        private final float[] ob;

        Evaluator(int chunk, int largest, int in, int out) {
            this.chunk = Math.max(1, Math.min(chunk, largest));
            this.xb = new float[this.chunk * in];
            this.yb = new float[this.chunk * out];
            this.ob = new float[this.chunk * out];
        }

        /** The mean loss over the first {@code n} samples of {@code d}. */
        double loss(Dataset d, int n) {
            int in = d.inputSize();
            int out = d.outputSize();
            double sum = 0;
            for (int from = 0; from < n; from += chunk) {
                int count = Math.min(chunk, n - from);
                System.arraycopy(d.x(), from * in, xb, 0, count * in);
                System.arraycopy(d.y(), from * out, yb, 0, count * out);
                sum += model.evaluate(xb, yb, count, ob);
            }
            return sum / ModelSpec.ClassWeighting.total(model.classWeights(), d.y(), n, out);
        }

        void measure(Dataset d, String prefix, Map<String, Double> m) {
            int n = d.size();
            int in = d.inputSize();
            int out = d.outputSize();
            Metrics.Accumulator acc = new Metrics.Accumulator(loss, out,
                Metrics.steps(model.outputShape()));
            double lossSum = 0;
            if (n <= chunk && (d.base() == null || labels == null)) {
                lossSum = model.evaluate(d.x(), d.y(), n, ob);
                acc.add(ob, d.y(), n);
            } else {
                for (int from = 0; from < n; from += chunk) {
                    int count = Math.min(chunk, n - from);
                    System.arraycopy(d.x(), from * in, xb, 0, count * in);
                    System.arraycopy(d.y(), from * out, yb, 0, count * out);
                    lossSum += model.evaluate(xb, yb, count, ob);
                    if (d.base() != null && labels != null) { // a differenced series
                        Measures.onSeriesScale(labels, d, from, count, ob, yb);
                    }
                    acc.add(ob, yb, count);
                }
            }
            m.put(prefix + "loss", lossSum
                    / ModelSpec.ClassWeighting.total(model.classWeights(), d.y(), n, out));
            if (loss.isClassification()) {
                m.put(prefix + "accuracy", acc.accuracy());
            } else {
                m.put(prefix + "r2", acc.r2());
            }
        }
    }
}
