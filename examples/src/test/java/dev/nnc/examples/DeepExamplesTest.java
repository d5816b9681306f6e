package dev.nnc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The step 7 examples (deep networks): optimizers and regularization, trained in full. */
class DeepExamplesTest {

    /**
     * Textbook 15.2-15.3: every optimizer reaches the stop (validation loss ≤ 0.001) within 10000
     * epochs, and each needs fewer epochs than plain sgd.
     */
    @Test
    void everyOptimizerReachesTheStopInFewerEpochsThanSgd() {
        Map<String, Integer> epochs = new LinkedHashMap<>();
        for (String opt : List.of("sgd", "momentum", "nesterov", "adagrad", "adadelta",
                "rmsprop", "adam")) {
            Example e = Example.train("07-deep/optimizers/" + opt + ".nn");
            assertEquals(true, e.metrics().get("stopped_early"), opt + " " + e.metrics());
            epochs.put(opt, (int) e.metric("epochs_run"));
        }
        int sgd = epochs.get("sgd");
        for (Map.Entry<String, Integer> o : epochs.entrySet()) {
            if (!o.getKey().equals("sgd")) {
                assertTrue(o.getValue() < sgd, o.getKey() + " needs fewer epochs than sgd: "
                        + epochs);
            }
        }
    }

    /** Textbook 16.x: L2, L1 and dropout each generalize better than the plain net. */
    @Test
    void regularizationBeatsThePlainNetOnTheTestCurve() {
        double plain = Example.train("07-deep/overfit/plain.nn").metric("test_r2");
        assertTrue(plain < 0.97, "the plain net overfits: test R² " + plain);
        for (String v : List.of("l2", "l1", "dropout")) {
            double r2 = Example.train("07-deep/overfit/" + v + ".nn").metric("test_r2");
            assertTrue(r2 > plain, v + ": test R² " + r2 + " vs plain " + plain);
        }
        Example early = Example.train("07-deep/overfit/early.nn");
        assertEquals(true, early.metrics().get("stopped_early"), early.metrics().toString());
        assertTrue(early.metric("test_r2") > 0.9, early.metrics().toString());
    }
}
