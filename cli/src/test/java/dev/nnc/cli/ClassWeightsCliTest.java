package dev.nnc.cli;

import static dev.nnc.cli.MainTest.nnc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.cli.MainTest.Run;
import dev.nnc.runtime.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code class_weights: balanced} from the command line: {@code train} says the weights it
 * counted on the training split, saves them with the weights, and {@code eval} measures the same
 * weighted loss as the run's test loss on the same data.
 */
class ClassWeightsCliTest {
    @TempDir
    Path dir;

    @Test
    void evalMeasuresTheWeightedLossTheRunReported() throws IOException {
        List<String> rows = new ArrayList<>(List.of("a,b,y"));
        for (int i = 0; i < 40; i++) {
            boolean one = i % 5 == 0;
            rows.add(Math.sin(i) + (one ? 1 : 0) + "," + Math.cos(3 * i) + "," + (one ? 1 : 0));
        }
        Files.write(dir.resolve("rare.csv"), rows);
        Path nn = dir.resolve("rare.nn");
        Files.writeString(nn, """
                model Rare {
                    input [2]
                    dense(1) -> sigmoid
                    loss binary_cross_entropy
                    optimizer adam(lr: 0.05)
                    data { train: csv("rare.csv", label: "y"), test: csv("rare.csv", label: "y") }
                    train { epochs: 20, batch: 8, validation: 0.25, split: stratified,
                        class_weights: balanced }
                }
                """);
        Path w = dir.resolve("rare.safetensors");
        Run t = nnc("train", nn.toString(), "-q", "--json", "-o", w.toString());
        assertEquals(0, t.code(), t.all());
        Map<?, ?> trained = (Map<?, ?>) Json.parse(t.out());
        // stratified: 30 training samples, 6 of class 1 → 30/(2·24), 30/(2·6)
        assertEquals(List.of(0.625, 2.5), trained.get("class_weights"));
        Run e = nnc("eval", nn.toString(), "-w", w.toString(), "--json");
        assertEquals(0, e.code(), e.all());
        Map<?, ?> eval = (Map<?, ?>) Json.parse(e.out());
        double testLoss = ((Number) trained.get("test_loss")).doubleValue();
        double evalLoss = ((Number) eval.get("loss")).doubleValue();
        assertEquals(testLoss, evalLoss, 1e-12 * testLoss);
        assertTrue(testLoss > 0, t.all());
    }
}
