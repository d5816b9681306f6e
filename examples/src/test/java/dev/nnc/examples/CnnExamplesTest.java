package dev.nnc.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.InMemoryJavac;
import dev.nnc.runtime.data.DataLoader;
import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.train.Training;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The step 8 examples in examples/08-cnn, each in a short run: the Fashion-MNIST nets for one
 * epoch on the first 12,000 training images, measured on the first 2,000 test images (the full
 * runs' figures are in the files' comments); the colour net on its whole (small) data set; the
 * shape and shape-and-colour nets for a few of their epochs.
 */
class CnnExamplesTest {
    /**
     * The short runs' thresholds: below the lowest of three seeds by a margin for the plain
     * kernels' summation order (the figures are in the tests' comments).
     */
    static final double SHAPES_SHORT = 0.93;
    static final double SHAPE_COLORS_SHORT = 0.87;
    private static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    private static TrainableModel load(Path file) {
        var c = dev.nnc.compiler.NnCompiler.compile(file,
                dev.nnc.compiler.NnCompiler.Options.defaults());
        assertTrue(!c.hasErrors(), c.renderDiagnostics());
        return InMemoryJavac.load(c);
    }

    private static Dataset head(TrainableModel m, Path dir, DataSource src, int count) {
        Dataset all = DataLoader.load(dir.resolve(src.path()), src.resolve(dir), m.inputSize(),
                m.outputSize(), m.spec().loss(), null).dataset();
        int[] idx = new int[count];
        for (int i = 0; i < count; i++) {
            idx[i] = i;
        }
        return all.subset(idx, 0, count);
    }

    /** Test accuracy after one epoch on the first 12,000 training images. */
    private static double shortFashionRun(String name) {
        Assumptions.assumeTrue(Files.isDirectory(FASHION),
                "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist");
        Path file = Path.of("08-cnn", name).toAbsolutePath();
        TrainableModel m = load(file);
        Path dir = file.getParent();
        Dataset train = head(m, dir, m.spec().data().train(), 12_000);
        Dataset test = head(m, dir, m.spec().data().test(), 2_000);
        Training.RunResult r = Training.run(m, dir, Training.Options.defaults().withEpochs(1)
                .withData(train, test));
        return ((Number) r.metrics().get("test_accuracy")).doubleValue();
    }

    @Test
    void lenetLearnsFashionMnistInOneShortEpoch() {
        double acc = shortFashionRun("lenet.nn");
        // NOTE: measured 0.702 (seed 42, vectorized kernels); the threshold leaves room for the
        // plain kernels' summation order. (Adam from PyTorch's small initial weights starts
        // slowly: the full 60,000 images give 0.8354 train accuracy in the first epoch.)
        assertTrue(acc >= 0.65, "test accuracy: " + acc);
    }

    @Test
    void textbookCnnLearnsFashionMnistInOneShortEpoch() {
        double acc = shortFashionRun("fashion-textbook.nn");
        // NOTE: measured 0.769 (seed 42, vectorized kernels); the threshold leaves room for the
        // plain kernels' summation order.
        assertTrue(acc >= 0.72, "test accuracy: " + acc);
    }

    /** The colour net on its whole data set, 20 epochs, as the file says. */
    @Test
    void colorsNetLearnsTheColours() {
        Path file = Path.of("08-cnn", "colors.nn").toAbsolutePath();
        TrainableModel m = load(file);
        Training.RunResult r = Training.run(m, file.getParent(), Training.Options.defaults());
        double acc = ((Number) r.metrics().get("test_accuracy")).doubleValue();
        // NOTE: measured 0.999 with the file's seed; the textbook reports 0.963.
        assertTrue(acc >= 0.95, "test accuracy: " + acc);
    }

    /**
     * Textbook 18.2, the grey shapes: 8 of the file's 50 epochs, with the weights of the best
     * validation epoch, as the file restores them. Measured (test accuracy, seeds 1 / 2 / 3):
     * 0.970 / 0.972 / 0.982; the full runs are in the file's comment.
     */
    @Test
    void shapesNetTellsTheShapesApartInEightEpochs() {
        Example e = Example.train("08-cnn/shapes.nn", Training.Options.defaults().withEpochs(8));
        assertTrue(e.metric("test_accuracy") >= SHAPES_SHORT, e.metrics().toString());
    }

    /**
     * Textbook 18.3, shape and colour, 9 classes: 4 of the file's 20 epochs, with the weights of
     * the best validation epoch. Measured (test accuracy, seeds 1 / 2 / 3): 0.909 / 0.979 /
     * 0.973 (the validation accuracy still swings from epoch to epoch this early).
     */
    @Test
    void shapeColorsNetTellsTheNineClassesApartInFourEpochs() {
        Example e = Example.train("08-cnn/shape-colors.nn",
                Training.Options.defaults().withEpochs(4));
        assertTrue(e.metric("test_accuracy") >= SHAPE_COLORS_SHORT, e.metrics().toString());
    }
}
