package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.gates.Xor;
import com.example.models.DoubleArc;
import dev.nnc.runtime.TrainableModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ArcsAppTest {

    @Test
    void trainedModelReachesTheFigureOfArcsNn() {
        ArcsApp.Trained t = ArcsApp.train(Path.of("src/main/nn"));

        double accuracy = t.testAccuracy();
        System.out.printf("DoubleArc test accuracy %.3f (figure: >= %.2f)%n", accuracy,
                ArcsApp.EXPECTED_TEST_ACCURACY);
        assertTrue(accuracy >= ArcsApp.EXPECTED_TEST_ACCURACY, "test accuracy " + accuracy);
        // a point on the lower arc and one on the upper arc, well inside their classes
        assertEquals(0, (int) t.predictor().classify(1.5, 1.0).label());
        assertEquals(1, (int) t.predictor().classify(1.5, 1.65).label());
    }

    @Test
    void bothModelsWereGeneratedAsTrainableModels() {
        TrainableModel arcs = new DoubleArc();
        TrainableModel xor = new Xor();

        assertEquals(2, arcs.inputSize());
        assertEquals(1, xor.outputSize());
    }
}
