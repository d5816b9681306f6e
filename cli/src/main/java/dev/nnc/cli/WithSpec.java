package dev.nnc.cli;

import dev.nnc.runtime.model.LayerInfo;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.ParamTensor;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model seen with other training settings: {@code nnc train --log-every N} changes the logging
 * interval of the file's {@code train { }} block this way, so that the trainer computes the full
 * metrics (accuracy, r2, validation) at exactly the epochs it prints; {@code --batch} and
 * {@code --lr} change the batch size and the learning rate. Everything else is the
 * generated model itself.
 */
final class WithSpec implements TrainableModel {
    private final TrainableModel model;
    private final ModelSpec spec;

    WithSpec(TrainableModel model, ModelSpec spec) {
        this.model = model;
        this.spec = spec;
    }

    /** {@code model} logging every {@code logEvery} epochs. */
    static TrainableModel logEvery(TrainableModel model, int logEvery) {
        ModelSpec s = model.spec();
        ModelSpec.TrainSpec t = s.train();
        return new WithSpec(model, s.withTrain(t.withLogEvery(logEvery)));
    }

    /**
     * {@code model} with {@code nnc train --batch N} and {@code --lr RATE}: the mini-batch size of
     * the {@code train { }} block and the optimizer's {@code lr}, each only when not null.
     */
    static TrainableModel overrides(TrainableModel model, Integer batch, Double lr) {
        ModelSpec s = model.spec();
        ModelSpec.TrainSpec t = s.train();
        if (batch != null) {
            t = t.withBatch(batch);
        }
        ModelSpec.OptimizerSpec o = s.optimizer();
        if (lr != null) {
            Map<String, Double> args = new LinkedHashMap<>(o.args());
            args.put("lr", lr);
            o = new ModelSpec.OptimizerSpec(o.name(), args);
        }
        return new WithSpec(model, s.withTrain(t).withOptimizer(o));
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public String name() {
        return model.name();
    }

    @Override
    public String architectureHash() {
        return model.architectureHash();
    }

    @Override
    public int[] inputShape() {
        return model.inputShape();
    }

    @Override
    public int[] outputShape() {
        return model.outputShape();
    }

    @Override
    public int inputSize() {
        return model.inputSize();
    }

    @Override
    public int outputSize() {
        return model.outputSize();
    }

    @Override
    public float[] params() {
        return model.params();
    }

    @Override
    public List<ParamTensor> paramTensors() {
        return model.paramTensors();
    }

    @Override
    public float[] buffers() {
        return model.buffers();
    }

    @Override
    public List<ParamTensor> bufferTensors() {
        return model.bufferTensors();
    }

    @Override
    public List<LayerInfo> layers() {
        return model.layers();
    }

    @Override
    public float[] layerOutput(int i) {
        return model.layerOutput(i);
    }

    @Override
    public void predict(float[] x, int n, float[] out) {
        model.predict(x, n, out);
    }

    @Override
    public float[] grads() {
        return model.grads();
    }

    @Override
    public void initParams(Rng rng) {
        model.initParams(rng);
    }

    @Override
    public double trainStep(float[] x, float[] y, int n) {
        return model.trainStep(x, y, n);
    }

    @Override
    public double evaluate(float[] x, float[] y, int n, float[] out) {
        return model.evaluate(x, y, n, out);
    }

    @Override
    public void setClassWeights(float[] w) {
        model.setClassWeights(w);
    }

    @Override
    public float[] classWeights() {
        return model.classWeights();
    }

    @Override
    public long rngState() {
        return model.rngState();
    }

    @Override
    public void setRngState(long state) {
        model.setRngState(state);
    }
}
