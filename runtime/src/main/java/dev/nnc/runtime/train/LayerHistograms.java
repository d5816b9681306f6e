package dev.nnc.runtime.train;

import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.model.LayerInfo;
import dev.nnc.runtime.model.Model;
import dev.nnc.runtime.model.ParamTensor;
import dev.nnc.runtime.model.TrainableModel;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What the layers see: a training listener that, at a few chosen epochs, takes the histograms of
 * every layer's outputs, of every weight tensor and of its gradient, on a fixed sample of the
 * training data (the textbook's pictures of initialization, 15.1, and batch norm, 15.5).
 *
 * <p>Example:
 * <pre>{@code
 * LayerHistograms h = new LayerHistograms(model, 256, 40);
 * Training.run(model, dir, Training.Options.defaults().withListener(h));
 * for (LayerHistograms.Snapshot s : h.snapshots()) {
 *     System.out.println(s.epoch() + ": " + s.activations().get(1));   // relu1 at that epoch
 * }
 * }</pre>
 *
 * <p>The epochs: 0 (the initial model, before the first step), 1, a quarter, half and three
 * quarters of the way, and the last; a run that stops early gets its last epoch too. At each, the
 * listener runs a separate pass over the first {@code sampleSize} training samples: an inference
 * forward pass, whose per-layer outputs ({@link Model#layerOutput}) give the activation
 * histograms ({@code samples × units} values each), and a training step, whose
 * {@link TrainableModel#grads()} give the gradient of the sample's mean loss for each weight
 * tensor (the tensors of two or more dimensions: dense, conv and recurrent weights, not biases
 * or batch norm's scale and shift). The step's side effects are undone: the gradients, the
 * buffers (batch norm's running statistics) and the state of the masks' generator are put back,
 * so a run with the listener ends with the same weights, bit for bit, as one without. Training
 * itself does nothing more when no such listener is attached.
 *
 * <p>NOTE: the sample is at most {@code sampleSize} samples, and the trainer already evaluates in
 * chunks of 256: with the default size the model's work buffers do not grow. The snapshot of
 * epoch 0 is taken when the loop starts, before a checkpoint it resumes from is restored: on a
 * resumed run it would show the fresh initial model, so {@code nnc train --resume} does not
 * watch.
 */
public final class LayerHistograms implements TrainingListener {
    /** Samples in the fixed sample by default. */
    public static final int DEFAULT_SAMPLE = 256;
    /** Bins of each histogram by default. */
    public static final int DEFAULT_BINS = 40;

    private final TrainableModel model;
    private final int sampleSize;
    private final int bins;
    private final List<LayerInfo> layers;
    private final List<ParamTensor> weights = new ArrayList<>();
    private final List<Snapshot> snapshots = new ArrayList<>();
    private final TreeSet<Integer> chosen = new TreeSet<>();
    private float[] x;
    private float[] y;
    private int n;
    private int lastTaken = -1;

    /**
     * The histograms of one epoch; lists in the order of {@link #layers()} and
     * {@link #weights()}.
     *
     * @param epoch the epoch after which they were taken (0: the initial model)
     * @param activations per layer: its outputs over the sample
     * @param weights per weight tensor: its values
     * @param gradients per weight tensor: the gradient of the sample's mean loss
     */
    public record Snapshot(int epoch, List<Histogram> activations, List<Histogram> weights,
            List<Histogram> gradients) {
        public Snapshot {
            activations = List.copyOf(activations);
            weights = List.copyOf(weights);
            gradients = List.copyOf(gradients);
        }
    }

    /** A listener of {@code model}'s training with the default sample and bins. */
    public LayerHistograms(TrainableModel model) {
        this(model, DEFAULT_SAMPLE, DEFAULT_BINS);
    }

    /** A listener of {@code model}'s training, on {@code sampleSize} samples, {@code bins} bins. */
    public LayerHistograms(TrainableModel model, int sampleSize, int bins) {
        if (sampleSize < 1) {
            throw new IllegalArgumentException("sample size < 1: " + sampleSize);
        }
        if (bins < 1) {
            throw new IllegalArgumentException("bins < 1: " + bins);
        }
        this.model = model;
        this.sampleSize = sampleSize;
        this.bins = bins;
        this.layers = model.layers();
        for (ParamTensor t : model.paramTensors()) {
            if (t.shape().length >= 2) {
                weights.add(t);
            }
        }
    }

    /** The epochs the listener takes histograms after, of a run of at most {@code epochs}. */
    public static List<Integer> epochsOf(int epochs) {
        TreeSet<Integer> s = new TreeSet<>();
        s.add(0);
        if (epochs >= 1) {
            s.add(1);
            s.add(Math.max(1, Math.round(epochs / 4f)));
            s.add(Math.max(1, Math.round(epochs / 2f)));
            s.add(Math.max(1, Math.round(epochs * 3 / 4f)));
            s.add(epochs);
        }
        return List.copyOf(s);
    }

    /** The model's layers, in the order of each snapshot's activations. */
    public List<LayerInfo> layers() {
        return layers;
    }

    /** The weight tensors, in the order of each snapshot's weights and gradients. */
    public List<ParamTensor> weights() {
        return List.copyOf(weights);
    }

    /** The samples of the fixed sample (0 before the run). */
    public int samples() {
        return n;
    }

    /** The histograms taken so far, epoch by epoch. */
    public List<Snapshot> snapshots() {
        return List.copyOf(snapshots);
    }

    @Override
    public void onData(Dataset train, Dataset validation) {
        n = Math.min(sampleSize, train.size());
        x = java.util.Arrays.copyOf(train.x(), n * train.inputSize());
        y = java.util.Arrays.copyOf(train.y(), n * train.outputSize());
    }

    @Override
    public void onStart(TrainInfo info) {
        chosen.clear();
        chosen.addAll(epochsOf(info.epochs()));
        if (x != null) {
            take(0);
        }
    }

    @Override
    public void onEpoch(EpochRecord record) {
        if (x != null && chosen.contains(record.epoch())) {
            take(record.epoch());
        }
    }

    @Override
    public void onEnd(TrainReport report) {
        if (x != null && report.epochs() > lastTaken && !report.diverged()) {
            take(report.epochs());
        }
    }

    /** Takes the histograms of the model as it is now, as those of {@code epoch}. */
    public void take(int epoch) {
        if (x == null) {
            throw new IllegalStateException("no data yet: onData comes first");
        }
        List<Histogram> acts = new ArrayList<>();
        float[] out = new float[n * model.outputSize()];
        model.predict(x, n, out);
        for (int i = 0; i < layers.size(); i++) {
            acts.add(Histogram.of(model.layerOutput(i), 0, n * layers.get(i).size(), bins));
        }
        float[] p = model.params();
        List<Histogram> ws = new ArrayList<>();
        for (ParamTensor t : weights) {
            ws.add(Histogram.of(p, t.offset(), t.offset() + t.size(), bins));
        }
        snapshots.add(new Snapshot(epoch, acts, ws, gradients()));
        lastTaken = Math.max(lastTaken, epoch);
    }

    /** One training step on the sample, its side effects undone; the weights' gradients. */
    private List<Histogram> gradients() {
        float[] g = model.grads();
        float[] buf = model.buffers();
        float[] savedGrads = g.clone();
        float[] savedBuffers = buf.clone();
        long rng = model.rngState();
        List<Histogram> gs = new ArrayList<>();
        try {
            model.trainStep(x, y, n);
            for (ParamTensor t : weights) {
                gs.add(Histogram.of(g, t.offset(), t.offset() + t.size(), bins));
            }
        } finally {
            System.arraycopy(savedGrads, 0, g, 0, g.length);
            System.arraycopy(savedBuffers, 0, buf, 0, buf.length);
            model.setRngState(rng);
        }
        return gs;
    }
}
