package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.compiler.gen.OnnxExporter;
import dev.nnc.compiler.gen.StandaloneGenerator;
import dev.nnc.runtime.model.Augmentation;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.train.Checkpoint;
import dev.nnc.runtime.train.Training;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data block's {@code augment:} in training: the same seed gives the same weights bit for
 * bit whatever the thread count, the transforms change training and nothing else (measurements,
 * evaluation, the deployment forms and the model's gradient see the samples as they are).
 */
class AugmentTrainingTest {
    /** 50 training and 20 test samples of Fashion-MNIST; see the README there. */
    private static final Path SUBSET = Path.of("src/test/resources/fashion-mnist-subset")
            .toAbsolutePath();

    private static final String MODEL = """
            model Fashion {
                input [1, 28, 28]
                flatten
                dense(16) -> relu
                dense(10) -> softmax
                loss cross_entropy
                optimizer sgd(lr: 0.1)
                init xavier
                seed 7
                train { epochs: 3, batch: 10, validation: 0.2 }
                data {
                    train: idx(images: "train-images-idx3-ubyte.gz",
                               labels: "train-labels-idx1-ubyte.gz")
                    test: idx("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
                    scale: 255
                    normalize: NORM
            AUGMENT    }
            }
            """;
    private static final String AUGMENT = "        augment: [rotate(10), zoom(0.8, 1.2), "
            + "shift(2), flip(horizontal), noise(0.3)]\n";

    private static Compilation compile(boolean augment, String normalize) {
        Path nn = SUBSET.resolve("augment.nn");
        String src = MODEL.replace("NORM", normalize).replace("AUGMENT", augment ? AUGMENT : "");
        Compilation c = NnCompiler.compile(new SourceFile(nn, "augment.nn", src),
                NnCompiler.Options.defaults());
        assertFalse(c.hasErrors(), c.renderDiagnostics());
        return c;
    }

    private static TrainableModel model(boolean augment, String normalize) {
        return InMemoryJavac.load(compile(augment, normalize));
    }

    private static float[] train(TrainableModel m, int threads, long seed) {
        Training.run(m, SUBSET, Training.Options.defaults().withThreads(threads).withSeed(seed));
        return m.params().clone();
    }

    @Test
    void theGeneratedClassCarriesTheSetting() {
        assertEquals(new Augmentation(10, 0.8, 1.2, 2, true, false, 0.3),
                model(true, "none").spec().data().augment());
        assertEquals(Augmentation.NONE, model(false, "none").spec().data().augment());
    }

    @Test
    void sameSeedSameWeightsWhateverTheThreadCount() {
        float[] one = train(model(true, "zscore"), 1, 3);
        float[] again = train(model(true, "zscore"), 1, 3);
        float[] two = train(model(true, "zscore"), 2, 3);
        assertArrayEquals(one, again);
        assertArrayEquals(one, two);
        assertFalse(Arrays.equals(one, train(model(true, "zscore"), 1, 4)), "seed 4 = seed 3");
        assertFalse(Arrays.equals(one, train(model(false, "zscore"), 1, 3)),
                "the augmentation changed nothing");
    }

    @Test
    void aResumedRunDrawsWhatTheUninterruptedRunDrew(@TempDir Path dir) {
        float[] whole = train(model(true, "minmax"), 1, 5);
        Path ckpt = dir.resolve("a.ckpt");
        Training.run(model(true, "minmax"), SUBSET, Training.Options.defaults().withSeed(5L)
                .withEpochs(2).withCheckpoints(new Training.Checkpoints(1, ckpt, null)));
        TrainableModel resumed = model(true, "minmax");
        Training.run(resumed, SUBSET, Training.Options.defaults().withCheckpoints(
                new Training.Checkpoints(1, dir.resolve("b.ckpt"), Checkpoint.read(ckpt))));
        assertArrayEquals(whole, resumed.params());
    }

    @Test
    void measurementsAndEvaluationSeeTheSamplesAsTheyAre() {
        TrainableModel augmented = model(true, "none");
        Training.RunResult r = Training.run(augmented, SUBSET, Training.Options.defaults());
        TrainableModel plain = model(false, "none");
        System.arraycopy(augmented.params(), 0, plain.params(), 0, plain.params().length);
        var test = augmented.spec().data().test().resolve(SUBSET);
        Map<String, Object> withSetting = Training.evaluate(augmented, r.preprocessing(),
                Path.of(test.path()), test);
        Map<String, Object> without = Training.evaluate(plain, r.preprocessing(),
                Path.of(test.path()), test);
        assertEquals(without, withSetting);
        // The run's own test and training measures are those of the plain model too.
        assertEquals(without.get("accuracy"), r.metrics().get("test_accuracy"));
        assertEquals(without.get("loss"), r.metrics().get("test_loss"));
        var train = augmented.spec().data().train().resolve(SUBSET);
        Map<String, Object> onTrain = Training.evaluate(plain, r.preprocessing(),
                Path.of(train.path()), train);
        assertEquals(onTrain, Training.evaluate(augmented, r.preprocessing(),
                Path.of(train.path()), train));
    }

    @Test
    void theDeploymentFormsAreThoseOfThePlainModel() {
        Compilation augmented = compile(true, "zscore");
        TrainableModel m = InMemoryJavac.load(augmented);
        Training.RunResult r = Training.run(m, SUBSET, Training.Options.defaults());
        Compilation plain = compile(false, "zscore");
        float[] p = m.params();
        assertEquals(StandaloneGenerator.generate(plain.model(), p, r.preprocessing(), "w")
                .toString(), StandaloneGenerator.generate(augmented.model(), p,
                        r.preprocessing(), "w").toString());
        assertEquals(OnnxExporter.export(plain.model(), p, r.preprocessing(), "test"),
                OnnxExporter.export(augmented.model(), p, r.preprocessing(), "test"));
    }

    @Test
    void theGradientIsTheModelsOwn() {
        TrainableModel augmented = model(true, "none");
        TrainableModel plain = model(false, "none");
        augmented.initParams(new Rng(9));
        plain.initParams(new Rng(9));
        int n = 4;
        float[] x = new float[n * 784];
        float[] y = new float[n * 10];
        Rng r = new Rng(2);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        for (int i = 0; i < n; i++) {
            y[i * 10 + i] = 1;
        }
        double la = augmented.trainStep(x.clone(), y.clone(), n);
        double lp = plain.trainStep(x.clone(), y.clone(), n);
        assertEquals(lp, la);
        assertArrayEquals(plain.grads(), augmented.grads());
    }
}
