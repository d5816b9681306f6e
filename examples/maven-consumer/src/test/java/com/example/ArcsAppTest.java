package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.gates.Xor;
import com.example.models.DoubleArc;
import dev.nnc.runtime.io.Weights;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.predict.Predictor;
import dev.nnc.runtime.train.Training;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArcsAppTest {

    @Test
    void trainedModelReachesTheFigureOfArcsNn() {
        ArcsApp.Trained t = ArcsApp.train(ArcsApp.nnDir());

        double accuracy = t.testAccuracy();
        System.out.printf("DoubleArc test accuracy %.3f (figure: >= %.2f)%n", accuracy,
                ArcsApp.EXPECTED_TEST_ACCURACY);
        assertTrue(accuracy >= ArcsApp.EXPECTED_TEST_ACCURACY, "test accuracy " + accuracy);
        // a point on the lower arc and one on the upper arc, well inside their classes
        assertEquals(0, (int) t.predictor().classify(1.5, 1.0).label());
        assertEquals(1, (int) t.predictor().classify(1.5, 1.65).label());
    }

    /** Weights saved as nnc train saves them load back into the generated class whole. */
    @Test
    void savedWeightsLoadWithTheirPreprocessing(@TempDir Path tmp) {
        DoubleArc model = new DoubleArc();
        Training.RunResult r = Training.run(model, ArcsApp.nnDir(), Training.Options.defaults());
        Predictor trained = new Predictor(model, r.preprocessing());
        Path file = tmp.resolve("arcs.safetensors");
        Weights.save(model, file, r.preprocessing().toMetadata());
        Predictor loaded = ArcsApp.load(file);
        for (double[] p : new double[][] {{1.5, 0.5}, {1.5, 1.6}, {0.3, 0.9}, {2.8, 0.0}}) {
            assertEquals(trained.classify(p).label(), loaded.classify(p).label());
            assertEquals(trained.classify(p).confidence(), loaded.classify(p).confidence());
        }
    }

    @Test
    void bothModelsWereGeneratedAsTrainableModels() {
        TrainableModel arcs = new DoubleArc();
        TrainableModel xor = new Xor();

        assertEquals(2, arcs.inputSize());
        assertEquals(1, xor.outputSize());
    }
}
