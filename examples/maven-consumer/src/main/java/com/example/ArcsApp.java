package com.example;

import com.example.models.DoubleArc;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.io.Weights;
import dev.nnc.runtime.predict.Prediction;
import dev.nnc.runtime.predict.Predictor;
import dev.nnc.runtime.train.Training;
import java.nio.file.Path;
import java.util.Map;

/**
 * Trains the {@code DoubleArc} model, whose class the nn-maven-plugin generated from
 * {@code src/main/nn/arcs.nn}, on its bundled data, and classifies a few points with it.
 *
 * <pre>
 * $ mvn -q compile exec:java -Dexec.mainClass=com.example.ArcsApp
 * trained DoubleArc: 240 epochs, test accuracy 1.000
 * (1.50, 0.50) -> class 0 (p = 0.99)
 * (1.50, 1.60) -> class 1 (p = 1.00)
 * ...
 * </pre>
 */
public final class ArcsApp {
    /** The figure arcs.nn states: test accuracy at least 0.95. */
    public static final double EXPECTED_TEST_ACCURACY = 0.95;

    private ArcsApp() {
    }

    /**
     * Trains a fresh model as arcs.nn describes it; its data paths resolve against
     * {@code nnDir}, the directory of the {@code .nn} file.
     */
    public static Trained train(Path nnDir) {
        DoubleArc model = new DoubleArc();
        Training.RunResult result = Training.run(model, nnDir, Training.Options.defaults());
        return new Trained(new Predictor(model, result.preprocessing()), result.metrics());
    }

    /**
     * The model with the weights {@code nnc train arcs.nn} saved (or {@link Weights#save} with
     * the run's {@code preprocessing().toMetadata()}): the weights, checked against the model,
     * and the preprocessing fitted on the training data, read from the file's metadata.
     */
    public static Predictor load(Path weights) {
        DoubleArc model = new DoubleArc();
        Map<String, String> meta = Weights.load(model, weights);
        return new Predictor(model, Preprocessing.fromMetadata(meta, model));
    }

    /**
     * The directory of the {@code .nn} files, {@code src/main/nn} of the project: under Maven's
     * tests found from {@code basedir}, which surefire sets, so the tests pass from any working
     * directory; elsewhere relative to the working directory.
     */
    public static Path nnDir() {
        return Path.of(System.getProperty("basedir", "."), "src", "main", "nn");
    }

    /** A trained model ready to classify raw points, and the measures of its training run. */
    public record Trained(Predictor predictor, Map<String, Object> metrics) {
        public double testAccuracy() {
            return ((Number) metrics.get("test_accuracy")).doubleValue();
        }
    }

    /** {@code args[0]}: the directory of arcs.nn (default {@link #nnDir()}). */
    public static void main(String[] args) {
        Path dir = args.length > 0 ? Path.of(args[0]) : nnDir();
        Trained t = train(dir);
        System.out.printf("trained DoubleArc: %s epochs, test accuracy %.3f%n",
                t.metrics().get("epochs_run"), t.testAccuracy());
        double[][] points = {{1.5, 0.5}, {1.5, 1.6}, {0.3, 0.9}, {2.8, 0.0}};
        for (double[] p : points) {
            Prediction c = t.predictor().classify(p);
            System.out.printf("(%.2f, %.2f) -> class %d (p = %.2f)%n", p[0], p[1],
                    (int) c.label(), c.confidence());
        }
    }
}
