package dev.nnc.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.InMemoryJavac;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.train.Training;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The step 9 Fashion-MNIST examples, images read as 28 steps of 28 pixels: the LSTM and the
 * bidirectional GRU, each for one epoch of the five its file trains (the full runs' figures are in
 * the files' comments).
 */
class RnnFashionExamplesTest {

    /**
     * Thresholds after one epoch: measured 0.7969 (lstm) and 0.8149 train / see the file (bigru)
     * with the files' seed 42; the margin leaves room for the kernels' summation order.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"09-rnn/fashion-lstm.nn, 0.77", "09-rnn/fashion-bigru.nn, 0.78"})
    void oneEpochOnFashionMnist(String path, double threshold) {
        Assumptions.assumeTrue(Files.isDirectory(DeepExamplesTest.FASHION),
                "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist");
        Path file = Path.of(path).toAbsolutePath();
        var c = NnCompiler.compile(file, NnCompiler.Options.defaults());
        assertTrue(!c.hasErrors(), c.renderDiagnostics());
        TrainableModel m = InMemoryJavac.load(c);
        Training.RunResult r = Training.run(m, file.getParent(),
                Training.Options.defaults().withEpochs(1));
        double acc = ((Number) r.metrics().get("test_accuracy")).doubleValue();
        assertTrue(acc >= threshold, path + ": test accuracy after one epoch: " + acc);
    }
}
