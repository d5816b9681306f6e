package dev.nnc.runtime.train;

import dev.nnc.runtime.data.Augmenter;
import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.kernels.KernelContext;
import dev.nnc.runtime.model.Ensemble;
import dev.nnc.runtime.model.Model;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.optim.Optimizers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Trains the members of an {@link Ensemble}, one after the other, on data that {@link Training}
 * has loaded, normalized and split.
 *
 * <p>Member i (from 0) runs with seed {@code m = s + i · 0x9E3779B97F4A7C15} ({@link
 * #memberSeed}), where s is the run's seed, so that runs of neighbouring seeds share no member:
 * {@code new Rng(m)} initializes it and shuffles its batches, as a single network's run does
 * with its seed; member 0 has the run's seed. With {@code vary: bootstrap} it trains on a
 * bootstrap sample of the training part: as many samples as the part holds, drawn with
 * replacement by {@code new Rng(m ^ BOOTSTRAP_SALT).nextInt(size)}; with {@code vary: seeds} on
 * the whole part. Every member is
 * validated (and stopped early) on the same validation part, and has its own optimizer state.
 *
 * <p>Example: seed 1, three members, bootstrap: three members, each on its own draw of the 900
 * training samples (about 63% of them distinct).
 */
final class EnsembleTraining {
    /** Mixed into a member's seed for its bootstrap draw, so that it differs from its init. */
    static final long BOOTSTRAP_SALT = 0x5EED_B007_0000_0002L;

    private EnsembleTraining() {
    }

    /** The seed of member {@code i} of a run with seed {@code seed}. */
    static long memberSeed(long seed, int i) {
        return seed + i * 0x9E37_79B9_7F4A_7C15L;
    }

    /** Ensembles take no checkpoints: refuses a run that asks for one or resumes from one. */
    private static void checkNoCheckpoints(Training.Checkpoints c) {
        if (c.resume() != null || c.file() != null && !c.onlyIfInterrupted()) {
            throw new DataException("an ensemble is trained member by member and takes no "
                    + "checkpoints; train it without --checkpoint-every, --checkpoint and "
                    + "--resume");
        }
    }

    /**
     * The indices of member {@code seed}'s bootstrap sample of {@code size} samples: {@code size}
     * draws with replacement.
     */
    static int[] bootstrap(long seed, int size) {
        Rng draw = new Rng(seed ^ BOOTSTRAP_SALT);
        int[] idx = new int[size];
        for (int j = 0; j < size; j++) {
            idx[j] = draw.nextInt(size);
        }
        return idx;
    }

    /**
     * Trains every member and gathers their parameters into the ensemble. An interrupted member
     * ends the run: the report says interrupted with no epoch complete, and nothing is to be
     * saved (an ensemble of partly trained members is not the one the file describes).
     *
     * @return one report for the run: epochs of the longest member, its times summed, the
     *     histories of the members one after the other
     */
    static TrainReport train(Ensemble e, Dataset train, Dataset val, ModelSpec.TrainSpec ts,
            long seed, Training.Options opts, KernelContext kernels, Preprocessing prep) {
        checkNoCheckpoints(opts.checkpoints());
        ModelSpec spec = e.spec();
        boolean bootstrap = e.settings().vary() == ModelSpec.Vary.BOOTSTRAP;
        List<EpochRecord> history = new ArrayList<>();
        int epochs = 0;
        double seconds = 0;
        double stepSeconds = 0;
        long samples = 0;
        boolean stoppedEarly = false;
        for (int i = 0; i < e.size(); i++) {
            opts.listener().onStatus("training member " + (i + 1) + " of " + e.size());
            TrainableModel m = (TrainableModel) e.member(i);
            long s = memberSeed(seed, i);
            Dataset data = bootstrap ? train.subset(bootstrap(s, train.size()), 0, train.size())
                    : train;
            Rng rng = new Rng(s);
            m.initParams(rng);
            TrainingLoop loop = new TrainingLoop(m, Optimizers.create(spec.optimizer()), ts, rng)
                    .labels(prep.labels())
                    .listener(opts.listener())
                    .kernels(kernels)
                    .interruptWhen(opts.interrupt());
            if (!spec.data().augment().isNone()) {
                // each member its own stream of transforms, as a network of its seed would have
                loop.augment(new Augmenter(spec.data().augment(), m.inputShape(),
                        prep.features(), s ^ Training.AUGMENT_SALT));
            }
            TrainReport r = loop.train(data, val);
            if (r.interrupted() || r.diverged()) {
                return new TrainReport(r.interrupted() ? 0 : r.epochs(), false, r.diverged(),
                        seconds + r.seconds(), 0, history, train.size(), 0, r.interrupted(),
                        "member " + i + ": " + r.stopReason(), 0);
            }
            history.addAll(r.history());
            epochs = Math.max(epochs, r.epochs());
            seconds += r.seconds();
            stepSeconds += r.stepSeconds();
            samples += (long) r.epochs() * data.size();
            stoppedEarly |= r.stoppedEarly();
        }
        e.gather();
        return new TrainReport(epochs, stoppedEarly, false, seconds,
                stepSeconds > 0 ? samples / stepSeconds : 0, history, train.size(), stepSeconds,
                false, stoppedEarly ? "a member stopped early" : null, 0);
    }

    /**
     * Puts each member's accuracy (classifiers) or r2 (regression) on the first of the test,
     * validation and training data there is ({@code data}, normalized, and {@code rawYs}, their
     * labels as read, in that order; {@code null} where there is none) under
     * {@code member_<test|val|train>_accuracy} or {@code _r2}, a list in member order.
     */
    static void putMembers(Map<String, Object> m, Ensemble e, Preprocessing prep,
            ModelSpec.Loss loss, List<Dataset> data, List<float[]> rawYs) {
        int which = data.get(0) != null ? 0 : data.get(1) != null ? 1 : 2;
        String name = List.of("test", "val", "train").get(which);
        Dataset d = data.get(which);
        float[] rawY = rawYs.get(which);
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < e.size(); i++) {
            Model member = e.member(i);
            Measures.Measure me = Measures.measure(member, d, rawY, prep, loss);
            values.add(loss.isClassification() ? me.acc().accuracy() : me.acc().r2());
        }
        m.put("member_" + name + (loss.isClassification() ? "_accuracy" : "_r2"), values);
    }
}
