package dev.nnc.runtime.train;

import dev.nnc.runtime.io.Json;
import dev.nnc.runtime.io.OutputFiles;
import dev.nnc.runtime.io.Safetensors;
import dev.nnc.runtime.io.Tensor;
import dev.nnc.runtime.io.Weights;
import dev.nnc.runtime.io.WeightsException;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.ParamTensor;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.Schedule;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.optim.Optimizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training run frozen between two epochs: everything {@link TrainingLoop} needs to go on as if
 * it had never stopped, saved as one safetensors file.
 *
 * <p>Example:
 * <pre>{@code
 * new TrainingLoop(model, optimizer, spec.train(), rng)
 *         .checkpointEvery(10, Path.of("m.ckpt.safetensors"), Map.of())
 *         .train(train, val);             // writes after epochs 10, 20, ... and after the last
 *
 * Checkpoint c = Checkpoint.read(Path.of("m.ckpt.safetensors"));
 * new TrainingLoop(freshModel, freshOptimizer, spec.train(), new Rng(0))
 *         .resume(c)                      // starts at epoch c.epoch() + 1
 *         .train(train, val);             // same final parameters, bit for bit
 * }</pre>
 *
 * <p>What the file holds:
 * <ul>
 * <li>the model's parameters and buffers under their own names, with {@code nnc.model},
 *     {@code nnc.arch} and {@code nnc.format} as a weights file has them, so that
 *     {@link Weights#load} reads a checkpoint too;
 * <li>{@code nnc.ckpt.optimizer.0}, {@code .1}, ...: the optimizer's state arrays;
 *     {@code nnc.ckpt.perm}: the sample order the next epoch reshuffles; {@code nnc.ckpt.best}:
 *     the parameters of the best epoch when early stopping restores them;
 * <li>metadata {@code nnc.checkpoint}: a JSON object with the epoch completed, whether the run
 *     had stopped, the checkpoint interval, the optimizer (name, arguments, steps, current rate),
 *     the shuffle and mask generators' states, the number of training samples and the batch, the
 *     early-stopping and plateau trackers, the best epoch, the time and samples so far, the
 *     initial model's loss;
 *     {@code nnc.history}: the epochs run so far, so that a resumed run reports all of them;
 *     plus what the caller adds ({@code nnc train} adds the seed and the preprocessing).
 * </ul>
 *
 * <p>Files are written atomically (see {@link OutputFiles}): a run killed while writing leaves
 * the previous checkpoint whole. The last checkpoint of a run can instead be staged with the
 * weights and history ({@link TrainingLoop#stageLastCheckpoint}), so that they are replaced
 * together.
 */
public final class Checkpoint {
    /** Metadata key of the run state (a JSON object). */
    public static final String STATE = "nnc.checkpoint";
    /** Metadata key of the history so far (a JSON array). */
    public static final String HISTORY = "nnc.history";
    /** Metadata key of the seed of the run, when the caller saves it. */
    public static final String SEED = "nnc.seed";
    private static final String PREFIX = "nnc.ckpt.";
    private static final String PERM = PREFIX + "perm";
    private static final String BEST = PREFIX + "best";
    private static final String OPTIMIZER = PREFIX + "optimizer.";

    private final Path file;
    private final Safetensors.Contents contents;
    private final Map<String, Object> state;
    private final List<EpochRecord> history;

    private Checkpoint(Path file, Safetensors.Contents contents, Map<String, Object> state,
            List<EpochRecord> history) {
        this.file = file;
        this.contents = contents;
        this.state = state;
        this.history = List.copyOf(history);
    }

    /**
     * Reads a checkpoint.
     *
     * @throws WeightsException when the file is unreadable or is not a checkpoint (a weights file,
     *     say)
     */
    public static Checkpoint read(Path file) {
        Safetensors.Contents c = Safetensors.read(file);
        String s = c.metadata().get(STATE);
        if (s == null) {
            throw new WeightsException(file + " is not a checkpoint (no " + STATE + " metadata;"
                    + " a weights file?); checkpoints are written by nnc train --checkpoint-every");
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> state = (Map<String, Object>) Json.parse(s);
            List<EpochRecord> history = new ArrayList<>();
            String h = c.metadata().get(HISTORY);
            if (h != null) {
                for (Object o : (List<?>) Json.parse(h)) {
                    history.add(record((Map<?, ?>) o));
                }
            }
            Checkpoint ck = new Checkpoint(file, c, state, history);
            ck.epoch();
            ck.optimizer();
            return ck;
        } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
            throw new WeightsException(file + ": a damaged checkpoint (" + e.getMessage() + ")",
                    e);
        }
    }

    /** The file read. */
    public Path file() {
        return file;
    }

    /** The model's name. */
    public String modelName() {
        return contents.metadata().get(Weights.MODEL);
    }

    /** The epochs completed. */
    public int epoch() {
        return (int) (long) (Long) state.get("epoch");
    }

    /** True when the run had ended by its stop condition or early stopping. */
    public boolean stopped() {
        return Boolean.TRUE.equals(state.get("stopped"));
    }

    /** The checkpoint interval of the run, in epochs; 0 when it wrote one at the end only. */
    public int every() {
        return (int) (long) (Long) state.get("every");
    }

    /** The number of training samples the run had. */
    public int trainSize() {
        return (int) (long) (Long) state.get("train_size");
    }

    /** The seed the caller saved under {@link #SEED}, or {@code null}. */
    public Long seed() {
        String s = contents.metadata().get(SEED);
        return s == null ? null : Long.parseLong(s);
    }

    /** The optimizer of the run, as the model's spec named it. */
    public ModelSpec.OptimizerSpec optimizer() {
        Map<?, ?> o = (Map<?, ?>) state.get("optimizer");
        Map<String, Double> args = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) o.get("args")).entrySet()) {
            args.put((String) e.getKey(), Double.parseDouble((String) e.getValue()));
        }
        return new ModelSpec.OptimizerSpec((String) o.get("name"), args);
    }

    /** The epochs run so far, oldest first. */
    public List<EpochRecord> history() {
        return history;
    }

    /** All metadata entries of the file. */
    public Map<String, String> metadata() {
        return contents.metadata();
    }

    /**
     * Throws unless a run of {@code model} with {@code ts} can continue from this checkpoint:
     * the same model name, architecture, optimizer and arguments, and batch size.
     *
     * @throws WeightsException naming what differs
     */
    public void check(TrainableModel model, ModelSpec.TrainSpec ts) {
        String name = modelName();
        String arch = contents.metadata().get(Weights.ARCH);
        if (!model.name().equals(name)) {
            throw new WeightsException("checkpoint " + file + " is of model '" + name
                    + "', not of '" + model.name() + "'");
        }
        if (!model.architectureHash().equals(arch)) {
            throw new WeightsException("checkpoint " + file + " is of another architecture of"
                    + " model '" + name + "' (arch " + shortHash(arch) + ", the model now has "
                    + shortHash(model.architectureHash()) + "); start the training again");
        }
        ModelSpec.OptimizerSpec mine = optimizer();
        ModelSpec.OptimizerSpec now = model.spec().optimizer();
        if (!mine.name().equals(now.name()) || !mine.args().equals(now.args())) {
            throw new WeightsException("checkpoint " + file + " was made with optimizer "
                    + describe(mine) + ", the model now has " + describe(now)
                    + "; a run resumes with the optimizer it started with");
        }
        long batch = (Long) state.get("batch");
        if (batch != ts.batch()) {
            throw new WeightsException("checkpoint " + file + " was made with batch " + batch
                    + ", the model now has batch " + ts.batch());
        }
    }

    private static String describe(ModelSpec.OptimizerSpec o) {
        StringBuilder sb = new StringBuilder(o.name()).append('(');
        String sep = "";
        for (Map.Entry<String, Double> e : new java.util.TreeMap<>(o.args()).entrySet()) {
            sb.append(sep).append(e.getKey()).append(": ").append(e.getValue());
            sep = ", ";
        }
        return sb.append(')').toString();
    }

    private static String shortHash(String h) {
        return h == null ? "unknown" : h.length() > 8 ? h.substring(0, 8) + "…" : h;
    }

    // ---- the trainer's side

    /**
     * The loop state of a run after an epoch, as the trainer holds it.
     *
     * @param every the checkpoint interval (0: at the end only)
     * @param trainSize the samples of the training set
     * @param perm the sample order the next epoch starts from: {@code trainSize} entries, or
     *     (n + 1) times that many with {@code augment_copies: n}
     * @param early the early-stopping tracker, or {@code null}
     * @param plateau the plateau schedule's tracker, or {@code null}
     * @param best the restore-best snapshot, or {@code null}
     * @param seconds the wall time of the loop so far
     * @param stepSeconds the part of it spent in training steps (samples/s counts that)
     */
    public record Loop(int epoch, boolean stopped, int every, int batch, int trainSize, int[] perm,
            Schedule.Tracker early, Schedule.Tracker plateau, float[] best, int bestEpoch,
            double seconds, double stepSeconds, long samples, List<EpochRecord> history,
            double startLoss) {
    }

    /** Writes the state of a run to {@code file}, atomically. */
    public static void write(Path file, TrainableModel model, Optimizer optimizer, Rng rng, Loop loop,
            Map<String, String> extraMetadata) {
        OutputFiles.write(file, content(model, optimizer, rng, loop, extraMetadata));
    }

    /** The bytes {@link #write} writes, to stage in an {@link OutputFiles} set. */
    static OutputFiles.Content content(TrainableModel model, Optimizer optimizer, Rng rng,
            Loop loop, Map<String, String> extraMetadata) {
        List<Tensor> tensors = new ArrayList<>();
        addTensors(tensors, model.paramTensors(), model.params());
        addTensors(tensors, model.bufferTensors(), model.buffers());
        List<float[]> opt = optimizer.state();
        for (int i = 0; i < opt.size(); i++) {
            float[] s = opt.get(i);
            tensors.add(new Tensor(OPTIMIZER + i, new int[] {s.length}, s.clone()));
        }
        // NOTE: indices go in as the raw bits of floats: exact for every index below 2^31 - 2^23
        // (none of them is a NaN pattern), where a float value would be exact only below 2^24.
        float[] perm = new float[loop.perm().length];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = Float.intBitsToFloat(loop.perm()[i]);
        }
        tensors.add(new Tensor(PERM, new int[] {perm.length}, perm));
        if (loop.best() != null) {
            tensors.add(new Tensor(BEST, new int[] {loop.best().length}, loop.best().clone()));
        }

        Map<String, Object> opts = new LinkedHashMap<>();
        ModelSpec.OptimizerSpec os = model.spec().optimizer();
        opts.put("name", os.name());
        Map<String, String> args = new LinkedHashMap<>();
        new java.util.TreeMap<>(os.args()).forEach((k, v) -> args.put(k, Double.toString(v)));
        opts.put("args", args);
        opts.put("steps", optimizer.steps());
        opts.put("lr", Double.toString(optimizer.learningRate()));
        opts.put("state_arrays", opt.size());
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("epoch", loop.epoch());
        s.put("stopped", loop.stopped());
        s.put("every", loop.every());
        s.put("optimizer", opts);
        s.put("rng", rng.state());
        s.put("mask_rng", model.rngState());
        s.put("train_size", loop.trainSize());
        s.put("batch", loop.batch());
        s.put("early", tracker(loop.early()));
        s.put("plateau", tracker(loop.plateau()));
        s.put("best_epoch", loop.bestEpoch());
        s.put("seconds", Double.toString(loop.seconds()));
        s.put("step_seconds", Double.toString(loop.stepSeconds()));
        s.put("samples", loop.samples());
        s.put("start_loss", Double.toString(loop.startLoss()));
        List<Object> hist = new ArrayList<>(loop.history().size());
        for (EpochRecord r : loop.history()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("epoch", r.epoch());
            o.put("seconds", r.seconds());
            o.put("metrics", r.metrics());
            hist.add(o);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(Weights.MODEL, model.name());
        meta.put(Weights.ARCH, model.architectureHash());
        meta.put(Weights.FORMAT, Weights.FORMAT_VERSION);
        meta.put(STATE, Json.write(s));
        meta.put(HISTORY, Json.write(hist));
        for (Map.Entry<String, String> e : extraMetadata.entrySet()) {
            meta.putIfAbsent(e.getKey(), e.getValue());
        }
        return Safetensors.content(tensors, meta);
    }

    /**
     * Restores the model, optimizer, generators and loop state of the run into a trainer's fresh
     * objects; returns nothing the trainer can set in place (epoch, counters: see accessors).
     */
    public void restore(TrainableModel model, Optimizer optimizer, Rng rng, int[] perm,
            Schedule.Tracker early, Schedule.Tracker plateau, float[] best) {
        int size = perm.length;
        Tensor saved = contents.tensor(PERM);
        if (saved != null && saved.data().length != size) {
            throw new WeightsException("checkpoint " + file + " was made with "
                    + (saved.data().length == trainSize() ? trainSize() + " training samples, "
                    + "the data now has " + size : saved.data().length + " samples an epoch ("
                    + trainSize() + " training samples and augment_copies' views), the run now "
                    + "has " + size));
        }
        if ((best != null) != (contents.tensor(BEST) != null)
                || (early != null) != (state.get("early") != null)
                || (plateau != null) != (state.get("plateau") != null)) {
            throw new WeightsException("checkpoint " + file + " was made with other early"
                    + " stopping or learning-rate schedule settings");
        }
        float[] params = model.params();
        for (ParamTensor p : model.paramTensors()) {
            System.arraycopy(tensor(p.name(), p.size()), 0, params, p.offset(), p.size());
        }
        float[] buffers = model.buffers();
        for (ParamTensor b : model.bufferTensors()) {
            System.arraycopy(tensor(b.name(), b.size()), 0, buffers, b.offset(), b.size());
        }
        Map<?, ?> o = (Map<?, ?>) state.get("optimizer");
        int arrays = (int) (long) (Long) o.get("state_arrays");
        List<float[]> opt = new ArrayList<>();
        for (int i = 0; i < arrays; i++) {
            opt.add(tensor(OPTIMIZER + i, params.length));
        }
        optimizer.restore(opt, (Long) o.get("steps"));
        optimizer.setLearningRate(Double.parseDouble((String) o.get("lr")));
        rng.setState((Long) state.get("rng"));
        model.setRngState((Long) state.get("mask_rng"));
        float[] p = tensor(PERM, size);
        for (int i = 0; i < size; i++) {
            perm[i] = Float.floatToRawIntBits(p[i]);
        }
        restoreTracker(early, state.get("early"));
        restoreTracker(plateau, state.get("plateau"));
        if (best != null) {
            System.arraycopy(tensor(BEST, best.length), 0, best, 0, best.length);
        }
    }

    int bestEpoch() {
        return (int) (long) (Long) state.get("best_epoch");
    }

    double seconds() {
        return Double.parseDouble((String) state.get("seconds"));
    }

    double stepSeconds() {
        return Double.parseDouble((String) state.get("step_seconds"));
    }

    long samples() {
        return (Long) state.get("samples");
    }

    /** The loss of the run's initial model (divergence reads it); NaN in older checkpoints. */
    double startLoss() {
        Object v = state.get("start_loss");
        return v == null ? Double.NaN : Double.parseDouble((String) v);
    }

    private float[] tensor(String name, int size) {
        Tensor t = contents.tensor(name);
        if (t == null || t.data().length != size) {
            throw new WeightsException("checkpoint " + file + ": tensor '" + name + "' is "
                    + (t == null ? "missing" : "of " + t.data().length + " values, not " + size));
        }
        return t.data();
    }

    private static void addTensors(List<Tensor> out, List<ParamTensor> tensors, float[] values) {
        for (ParamTensor p : tensors) {
            out.add(new Tensor(p.name(), p.shape(),
                    Arrays.copyOfRange(values, p.offset(), p.offset() + p.size())));
        }
    }

    private static Map<String, Object> tracker(Schedule.Tracker t) {
        if (t == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        // NOTE: as text, because the best value starts infinite and JSON has no infinity.
        m.put("best", Double.toString(t.best()));
        m.put("since", t.sinceBest());
        return m;
    }

    private static void restoreTracker(Schedule.Tracker t, Object saved) {
        if (t != null) {
            Map<?, ?> m = (Map<?, ?>) saved;
            t.restore(Double.parseDouble((String) m.get("best")),
                    (int) (long) (Long) m.get("since"));
        }
    }

    private static EpochRecord record(Map<?, ?> o) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) o.get("metrics")).entrySet()) {
            metrics.put((String) e.getKey(), e.getValue() == null ? Double.NaN
                    : ((Number) e.getValue()).doubleValue());
        }
        return new EpochRecord((int) (long) (Long) o.get("epoch"), metrics,
                ((Number) o.get("seconds")).doubleValue());
    }
}
