package dev.nnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.io.Weights;
import dev.nnc.runtime.io.WeightsException;
import dev.nnc.runtime.model.Ensemble;
import dev.nnc.runtime.model.LinearTestModel;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.ModelSpec.DataSpec;
import dev.nnc.runtime.model.ModelSpec.Loss;
import dev.nnc.runtime.model.ModelSpec.Normalization;
import dev.nnc.runtime.model.ModelSpec.TrainSpec;
import dev.nnc.runtime.model.Rng;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training, saving and loading an {@link Ensemble} of three linear softmax classifiers. */
class EnsembleTrainingTest {
    @TempDir
    Path dir;

    private static ModelSpec spec(ModelSpec.Vary vary, ModelSpec.Vote vote) {
        ModelSpec s = LinearTestModel.spec(Loss.CROSS_ENTROPY, 0.5,
                new TrainSpec(20, 8, true, null, 0, 0),
                new DataSpec(null, null, Normalization.NONE, Normalization.NONE));
        return new ModelSpec(s.loss(), s.optimizer(), 3, s.train(), s.data(),
                new ModelSpec.EnsembleSpec(3, vary, vote));
    }

    private static Ensemble ensemble(ModelSpec spec) {
        List<LinearTestModel> members = new ArrayList<>();
        for (int i = 0; i < spec.ensemble().members(); i++) {
            members.add(new LinearTestModel("Three", 2, 3, spec));
        }
        return Ensemble.of(members);
    }

    /** Three classes by the sign pattern of two features, a few labels flipped. */
    private static Dataset classes(int n, long seed) {
        Rng rng = new Rng(seed);
        double[][] x = new double[n][];
        double[][] y = new double[n][];
        for (int i = 0; i < n; i++) {
            double a = rng.nextDouble() * 2 - 1;
            double b = rng.nextDouble() * 2 - 1;
            int c = a > 0 ? 0 : b > 0 ? 1 : 2;
            if (rng.nextDouble() < 0.1) {
                c = rng.nextInt(3);
            }
            x[i] = new double[] {a, b};
            y[i] = new double[3];
            y[i][c] = 1;
        }
        return Dataset.of(x, y);
    }

    @Test
    void membersDifferTheSameSeedGivesTheSameEnsemble() {
        Ensemble a = ensemble(spec(ModelSpec.Vary.BOOTSTRAP, ModelSpec.Vote.PLURALITY));
        Ensemble b = ensemble(spec(ModelSpec.Vary.BOOTSTRAP, ModelSpec.Vote.PLURALITY));
        Ensemble seeds = ensemble(spec(ModelSpec.Vary.SEEDS, ModelSpec.Vote.PLURALITY));
        Training.Options o = Training.Options.defaults().withData(classes(120, 1), classes(60, 2));
        Training.RunResult r = Training.run(a, null, o);
        Training.run(b, null, o);
        Training.run(seeds, null, o);
        assertArrayEquals(a.params(), b.params());
        assertFalse(Arrays.equals(a.params(), seeds.params()), "bootstrap and seeds alike");
        float[] m0 = Arrays.copyOfRange(a.params(), 0, 9);
        float[] m1 = Arrays.copyOfRange(a.params(), 9, 18);
        assertFalse(Arrays.equals(m0, m1), "members 0 and 1 alike");
        @SuppressWarnings("unchecked")
        List<Double> members = (List<Double>) r.metrics().get("member_test_accuracy");
        assertEquals(3, members.size(), r.metrics().toString());
        assertTrue((double) r.metrics().get("test_accuracy") > 0.8, r.metrics().toString());
        assertEquals(20, r.report().epochs());
    }

    @Test
    void theVoteIsTheVoteOfTheMembersOutputs() {
        Ensemble e = ensemble(spec(ModelSpec.Vary.SEEDS, ModelSpec.Vote.MEAN));
        Training.run(e, null, Training.Options.defaults().withData(classes(60, 4), null));
        Dataset d = classes(7, 5);
        float[][] outs = new float[3][7 * 3];
        for (int i = 0; i < 3; i++) {
            e.member(i).predict(d.x(), 7, outs[i]);
        }
        float[] want = new float[7 * 3];
        Ensemble.vote(ModelSpec.Vote.MEAN, Loss.CROSS_ENTROPY, outs, 7, 3, want);
        float[] got = new float[7 * 3];
        e.predict(d.x(), 7, got);
        assertArrayEquals(want, got);
    }

    @Test
    void oneWeightsFileHoldsEveryMemberUnderItsPrefix() {
        ModelSpec spec = spec(ModelSpec.Vary.BOOTSTRAP, ModelSpec.Vote.PLURALITY);
        Ensemble e = ensemble(spec);
        Training.run(e, null, Training.Options.defaults().withData(classes(60, 6), null));
        Path w = dir.resolve("three.safetensors");
        Weights.save(e, w, Map.of());
        assertEquals(List.of("member0.dense1.W", "member0.dense1.B", "member1.dense1.W",
                "member1.dense1.B", "member2.dense1.W", "member2.dense1.B"),
                e.paramTensors().stream().map(p -> p.name()).toList());
        Ensemble loaded = ensemble(spec);
        Weights.load(loaded, w);
        Dataset d = classes(9, 7);
        float[] a = new float[27];
        float[] b = new float[27];
        e.predict(d.x(), 9, a);
        loaded.predict(d.x(), 9, b);
        assertArrayEquals(a, b);

        // the weights of one network are not an ensemble's, nor the other way round
        LinearTestModel one = new LinearTestModel("Three", 2, 3, spec);
        Path single = dir.resolve("one.safetensors");
        Weights.save(one, single, Map.of());
        assertTrue(assertThrows(WeightsException.class, () -> Weights.load(loaded, single))
                .getMessage().contains("another architecture"));
        assertTrue(assertThrows(WeightsException.class, () -> Weights.load(one, w))
                .getMessage().contains("another architecture"));
    }

    @Test
    void ensemblesTakeNoCheckpoints() {
        Ensemble e = ensemble(spec(ModelSpec.Vary.SEEDS, ModelSpec.Vote.MEAN));
        Training.Options o = Training.Options.defaults().withData(classes(30, 8), null)
                .withCheckpoints(new Training.Checkpoints(1, dir.resolve("c.safetensors"),
                        null));
        assertTrue(assertThrows(DataException.class, () -> Training.run(e, null, o))
                .getMessage().startsWith("an ensemble is trained member by member and takes no "
                        + "checkpoints"));
    }
}
