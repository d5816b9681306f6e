package dev.nnc.compiler;

import static dev.nnc.compiler.GradientChecks.param;
import static dev.nnc.compiler.GradientChecks.targets;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.train.ClassWeights;
import dev.nnc.runtime.train.Training;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Class weights in the generated cross-entropies ({@code class_weights} of the train block): the
 * weighted loss and its gradient, a value worked out by hand, {@code balanced} counted on the
 * training split alone, and what the weights are for: a minority class found more often.
 */
class ClassWeightsTest {
    private static final String HEAD = "model W {\n input [3]\n";
    private static final String TAIL = "\n optimizer sgd(lr: 0.1)\n seed 7\n}\n";

    /**
     * The weighted mean L = Σ wᵢ·lᵢ / Σ wᵢ: the gradient of a training step against central
     * differences of the evaluated loss divided by the sum of the weights (tolerance as in
     * {@link GradientCheckTest}); with a penalty, against the loss the training step reports.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "dense(4) -> tanh\n dense(3) -> softmax\n loss cross_entropy",
        "dense(4) -> tanh\n dense(1) -> sigmoid\n loss binary_cross_entropy",
        "dense(4, l2: 0.3) -> tanh\n dense(3) -> softmax\n loss cross_entropy",
    })
    void weightedGradientMatchesFiniteDifferences(String body) {
        TrainableModel m = Models.load(HEAD + body + TAIL);
        float[] w = m.outputSize() == 1 ? new float[] {0.4f, 2.5f} : new float[] {3f, 0.5f, 1.25f};
        m.setClassWeights(w);
        Rng rng = new Rng(13);
        m.initParams(rng);
        float[] p = m.params();
        for (int i = 0; i < p.length; i++) {
            p[i] += (float) (0.3 * (rng.nextDouble() - 0.5));
        }
        int n = 6;
        float[] x = new float[n * m.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * rng.nextDouble() - 1);
        }
        float[] y = targets(m, n, rng, body);
        double total = ModelSpec.ClassWeighting.total(w, y, n, m.outputSize());
        double stepLoss = m.trainStep(x, y, n);
        float[] analytic = m.grads().clone();
        boolean penalty = body.contains("l2");
        if (!penalty) {
            assertEquals(m.evaluate(x, y, n, null) / total, stepLoss, 1e-6,
                    "the step's loss is the weighted mean");
        }
        for (int i = 0; i < p.length; i++) {
            double h = 1e-2;
            float saved = p[i];
            p[i] = (float) (saved + h);
            double plus = penalty ? m.trainStep(x, y, n) : m.evaluate(x, y, n, null) / total;
            p[i] = (float) (saved - h);
            double minus = penalty ? m.trainStep(x, y, n) : m.evaluate(x, y, n, null) / total;
            p[i] = saved;
            double num = (plus - minus) / ((double) (float) (saved + h) - (float) (saved - h));
            assertEquals(num, analytic[i], 1e-3 + 1e-2 * Math.abs(num),
                    "gradient of " + param(m, i) + " in\n" + body);
        }
    }

    /**
     * Softmax over Z = B = [0, ln 2, 0] gives A = [1/4, 1/2, 1/4]: samples of classes 0, 1, 1
     * lose ln 4, ln 2, ln 2; with weights [3, 1, 1] the mean is (3 ln 4 + 2 ln 2) / 5 = 8 ln 2 / 5,
     * unweighted 4 ln 2 / 3. dB = Σ wᵢ(Aᵢ − Yᵢ) / Σ wᵢ = (3·[−3/4, 1/2, 1/4] + 2·[1/4, −1/2, 1/4])
     * / 5 = [−7/20, 1/10, 1/4].
     */
    @Test
    void softmaxCrossEntropyByHand() {
        TrainableModel m = Models.load("model H {\n input [1]\n dense(3) -> softmax\n"
                + " loss cross_entropy\n optimizer sgd(lr: 0.1)\n}\n");
        float[] p = m.params(); // dense1.W [1,3] then dense1.B [3]
        Arrays.fill(p, 0f);
        p[4] = (float) Math.log(2);
        float[] x = {0.7f, -0.2f, 1.1f};
        float[] y = {1, 0, 0, 0, 1, 0, 0, 1, 0};
        assertEquals(4 * Math.log(2) / 3, m.trainStep(x, y, 3), 1e-6);
        m.setClassWeights(new float[] {3f, 1f, 1f});
        assertEquals(8 * Math.log(2) / 5, m.trainStep(x, y, 3), 1e-6);
        assertArrayEquals(new float[] {-7f / 20, 1f / 10, 1f / 4},
                Arrays.copyOfRange(m.grads(), 3, 6), 1e-6f);
        assertEquals(3 * Math.log(4) + 2 * Math.log(2), m.evaluate(x, y, 3, null), 1e-5,
                "evaluate sums the weighted losses");
        m.setClassWeights(null);
        assertEquals(4 * Math.log(2) / 3, m.trainStep(x, y, 3), 1e-6);
    }

    /**
     * A sigmoid at Z = B = ln 3 gives A = 3/4: y = 1 loses ln(4/3), y = 0 loses ln 4. With
     * weights [w₀, w₁] = [1, 4] the samples 1, 0, 0 give (4 ln(4/3) + 2 ln 4) / 6, and
     * dB = (4·(−1/4) + 2·(3/4)) / 6 = 1/12.
     */
    @Test
    void sigmoidBinaryCrossEntropyByHand() {
        TrainableModel m = Models.load("model B {\n input [1]\n dense(1) -> sigmoid\n"
                + " loss binary_cross_entropy\n optimizer sgd(lr: 0.1)\n}\n");
        float[] p = m.params();
        p[0] = 0f;
        p[1] = (float) Math.log(3);
        float[] x = {1f, 2f, 3f};
        float[] y = {1, 0, 0};
        m.setClassWeights(new float[] {1f, 4f});
        assertEquals((4 * Math.log(4.0 / 3) + 2 * Math.log(4)) / 6, m.trainStep(x, y, 3), 1e-6);
        assertEquals(1.0 / 12, m.grads()[1], 1e-6);
    }

    /**
     * The training loop's losses agree with the model's: with a rate too small to move a
     * parameter (1e-30), an epoch's training loss (its batches' weighted means of 3, 3 and 1
     * samples, averaged by their weights) and the validation loss are the evaluated weighted
     * means of their data. Averaging the batches by their sizes instead would be off by ~5 %.
     */
    @Test
    void theTrainingLoopAveragesBatchesByTheirWeights() {
        TrainableModel m = Models.load("model L {\n input [2]\n dense(3) -> softmax\n"
                + " loss cross_entropy\n optimizer sgd(lr: 0.1)\n"
                + " train { epochs: 1, batch: 3, shuffle: false, class_weights: [4, 1, 0.25] }\n"
                + "}\n");
        m.initParams(new Rng(9));
        double[][] x = new double[7][];
        double[][] y = new double[7][];
        double[][] vx = {{0.3, -1}, {1, 1}, {-0.4, 0.2}};
        double[][] vy = {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}};
        int[] classes = {0, 0, 0, 1, 2, 2, 1};
        for (int i = 0; i < 7; i++) {
            x[i] = new double[] {Math.sin(i), Math.cos(2 * i)};
            y[i] = new double[3];
            y[i][classes[i]] = 1;
        }
        Dataset train = Dataset.of(x, y);
        Dataset val = Dataset.of(vx, vy);
        var report = new dev.nnc.runtime.train.TrainingLoop(m, new dev.nnc.runtime.optim.Sgd(
                1e-30), m.spec().train(), new Rng(1)).train(train, val);
        Map<String, Double> epoch = report.history().get(0).metrics();
        float[] w = {4f, 1f, 0.25f};
        assertArrayEquals(w, m.classWeights(), 0f);
        double trainLoss = m.evaluate(train.x(), train.y(), 7, null)
                / ModelSpec.ClassWeighting.total(w, train.y(), 7, 3);
        double valLoss = m.evaluate(val.x(), val.y(), 3, null)
                / ModelSpec.ClassWeighting.total(w, val.y(), 3, 3);
        assertEquals(trainLoss, epoch.get("train_loss"), 1e-6 * trainLoss);
        assertEquals(trainLoss, epoch.get("loss"), 1e-6 * trainLoss);
        assertEquals(valLoss, epoch.get("val_loss"), 1e-6 * valLoss);
    }

    @Test
    void weightsThatDoNotFitAreRefused() {
        TrainableModel ce = Models.load("model R {\n input [2]\n dense(3) -> softmax\n"
                + " loss cross_entropy\n optimizer sgd(lr: 0.1)\n}\n");
        assertThrows(IllegalArgumentException.class, () -> ce.setClassWeights(new float[2]));
        assertThrows(IllegalArgumentException.class,
                () -> ce.setClassWeights(new float[] {1, -1, 1}));
        assertThrows(IllegalArgumentException.class,
                () -> ce.setClassWeights(new float[] {1, Float.NaN, 1}));
        TrainableModel mse = Models.load("model S {\n input [2]\n dense(1)\n loss mse\n"
                + " optimizer sgd(lr: 0.1)\n}\n");
        assertThrows(IllegalArgumentException.class, () -> mse.setClassWeights(new float[2]));
        assertNull(mse.classWeights());
    }

    /**
     * {@code balanced} counts the training split only: 40 samples, 10 of class 1, a validation
     * quarter taken as {@link Training} takes it; the weights are n/(2·count) of the 30 samples
     * left, which differ from those of all 40.
     */
    @Test
    void balancedCountsTheTrainingSplitOnly() {
        TrainableModel m = Models.load("model T {\n input [1]\n dense(1) -> sigmoid\n"
                + " loss binary_cross_entropy\n optimizer sgd(lr: 0.1)\n seed 3\n"
                + " train { epochs: 1, validation: 0.25, class_weights: balanced }\n}\n");
        int n = 40;
        double[][] x = new double[n][1];
        double[][] y = new double[n][1];
        for (int i = 0; i < n; i++) {
            x[i][0] = i;
            y[i][0] = i % 4 == 0 ? 1 : 0;
        }
        Dataset all = Dataset.of(x, y);
        Training.run(m, null, Training.Options.defaults().withData(all, null));
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        new Rng(3 ^ Training.SPLIT_SALT).shuffle(idx, n);
        int ones = 0;
        for (int i = 10; i < n; i++) {
            ones += y[idx[i]][0] == 1 ? 1 : 0;
        }
        float[] expected = {30f / (2 * (30 - ones)), 30f / (2 * ones)};
        assertArrayEquals(expected, m.classWeights(), 1e-6f);
        assertFalse(Arrays.equals(ClassWeights.balanced(all), m.classWeights()),
                "the split changes the counts: " + ones + " of 30 against 10 of 40");
    }

    /**
     * Two overlapping clouds, 95 % of class 0: unweighted logistic regression rarely says
     * class 1; {@code balanced} makes it find most of them. Recall of class 1 on test data
     * drawn like the training data (about 90 samples of class 1), measured: 0.25 without
     * weights and 0.78 with them (seeds fixed); the test asks for less than 0.5 and more than
     * 0.7, and for a gain of at least 0.3.
     */
    @Test
    void balancedWeightsRaiseTheMinorityRecall() {
        String head = "\n input [2]\n dense(1) -> sigmoid\n loss binary_cross_entropy\n"
                + " optimizer adam(lr: 0.05)\n seed 5\n train { epochs: 30, batch: 32";
        List<TrainableModel> ms = Models.loadAll(List.of(
                "model Plain {" + head + " }\n}\n",
                "model Weighted {" + head + ", class_weights: balanced }\n}\n"));
        Dataset train = clouds(2000, new Rng(21));
        Dataset test = clouds(2000, new Rng(22));
        double plain = minorityRecall(ms.get(0), train, test);
        double weighted = minorityRecall(ms.get(1), train, test);
        assertTrue(plain < 0.5, "unweighted recall " + plain);
        assertTrue(weighted > 0.7, "balanced recall " + weighted);
        assertTrue(weighted - plain >= 0.3, plain + " → " + weighted);
    }

    @SuppressWarnings("unchecked")
    private static double minorityRecall(TrainableModel m, Dataset train, Dataset test) {
        Map<String, Object> metrics = Training.run(m, null, Training.Options.defaults()
                .withData(train, test)).metrics();
        List<Map<String, Object>> classes = (List<Map<String, Object>>) metrics.get(
                "test_classes");
        return ((Number) classes.get(1).get("recall")).doubleValue();
    }

    /** Class 1 (5 %) around (1, 1), class 0 around (0, 0), both with standard deviation 0.8. */
    private static Dataset clouds(int n, Rng rng) {
        double[][] x = new double[n][2];
        double[][] y = new double[n][1];
        for (int i = 0; i < n; i++) {
            boolean minority = rng.nextDouble() < 0.05;
            double c = minority ? 1 : 0;
            x[i][0] = c + 0.8 * gaussian(rng);
            x[i][1] = c + 0.8 * gaussian(rng);
            y[i][0] = minority ? 1 : 0;
        }
        return Dataset.of(x, y);
    }

    private static double gaussian(Rng rng) {
        double u = 1 - rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}
