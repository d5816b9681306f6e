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
 * {@code nnc kfold}: each fold's measures and their mean ± sd, as text and as JSON; stratified
 * folds for a classifier, contiguous ones for a series, random ones for a table regression.
 */
class KfoldCommandTest {
    @TempDir
    Path dir;

    /**
     * Three classes of 20, 20 and 12 points around three corners, two features: 4 stratified
     * folds of 13 samples, each with 5, 5 and 3 of the classes.
     */
    private Path classifier() throws IOException {
        List<String> rows = new ArrayList<>(List.of("a,b,kind"));
        String[] names = {"left", "right", "top"};
        double[][] centers = {{0, 0}, {4, 0}, {2, 4}};
        int[] counts = {20, 20, 12};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < counts[c]; i++) {
                double dx = Math.sin(7.3 * i + c) * 0.8;
                double dy = Math.cos(5.1 * i + 2 * c) * 0.8;
                rows.add((centers[c][0] + dx) + "," + (centers[c][1] + dy) + "," + names[c]);
            }
        }
        Files.write(dir.resolve("corners.csv"), rows);
        Path nn = dir.resolve("corners.nn");
        Files.writeString(nn, """
                model Corners {
                    input [2]
                    dense(8) -> tanh
                    dense(3) -> softmax
                    loss cross_entropy
                    optimizer adam(lr: 0.05)
                    data { train: csv("corners.csv", label: "kind"), normalize: zscore }
                    train { epochs: 40, batch: 8 }
                }
                """);
        return nn;
    }

    @Test
    void stratifiedFoldsOfAClassifierAsTextAndJson() throws IOException {
        Path nn = classifier();
        Run text = nnc("kfold", nn.toString(), "--folds", "4");
        assertEquals(0, text.code(), text.all());
        assertTrue(text.out().startsWith("Corners: 4 stratified folds of 52 samples\n"),
                text.all());
        assertEquals(List.of("fold", "train", "test", "loss", "accuracy", "precision_macro",
                "recall_macro", "f1_macro"), List.of(text.out().lines().skip(1).findFirst()
                        .orElseThrow().trim().split("\\s+")), text.all());
        assertTrue(text.out().contains("\nmean "), text.all());
        assertTrue(text.out().contains("\nsd "), text.all());
        assertTrue(text.out().matches("(?s).*\naccuracy \\S+ ± \\S+ \\(mean ± sample sd over 4 "
                + "folds\\)\n"), text.all());
        assertTrue(text.err().contains("fold 4 of 4: 39 training samples, 13 test samples"),
                text.all());

        Run json = nnc("kfold", nn.toString(), "--folds", "4", "--json", "-q");
        assertEquals(0, json.code(), json.all());
        assertEquals("", json.err());
        Map<?, ?> o = (Map<?, ?>) Json.parse(json.out());
        assertEquals("stratified", o.get("split"));
        assertEquals(4L, o.get("folds"));
        List<?> runs = (List<?>) o.get("runs");
        assertEquals(4, runs.size());
        double sum = 0;
        double[] acc = new double[4];
        for (int i = 0; i < 4; i++) {
            Map<?, ?> r = (Map<?, ?>) runs.get(i);
            assertEquals(13L, r.get("test_samples"));
            assertEquals(39L, r.get("train_samples"));
            acc[i] = ((Number) r.get("accuracy")).doubleValue();
            sum += acc[i];
        }
        double mean = ((Number) ((Map<?, ?>) o.get("mean")).get("accuracy")).doubleValue();
        double sd = ((Number) ((Map<?, ?>) o.get("sd")).get("accuracy")).doubleValue();
        assertEquals(sum / 4, mean, 1e-12);
        double sq = 0;
        for (double a : acc) {
            sq += (a - mean) * (a - mean);
        }
        assertEquals(Math.sqrt(sq / 3), sd, 1e-12, "the sample standard deviation");
        // three clouds 4 apart with radius 0.8 are told apart in every fold
        assertTrue(mean > 0.9, "mean accuracy " + mean);
    }

    /** A series is cut into stretches in time order: fold 1 holds the first windows. */
    @Test
    void contiguousFoldsOfASeries() throws IOException {
        List<String> rows = new ArrayList<>(List.of("t,v"));
        for (int i = 0; i < 43; i++) {
            rows.add(i + "," + Math.sin(i * 0.4));
        }
        Files.write(dir.resolve("wave.csv"), rows);
        Path nn = dir.resolve("wave.nn");
        Files.writeString(nn, """
                model Wave {
                    input [3, 1]
                    flatten
                    dense(1)
                    loss mse
                    optimizer sgd(lr: 0.1)
                    data { train: windows("wave.csv", window: 3, horizon: 1, features: ["v"],
                        target: "v") }
                    train { epochs: 20, batch: 8 }
                }
                """);
        Run r = nnc("kfold", nn.toString(), "--folds", "5", "--json");
        assertEquals(0, r.code(), r.all());
        Map<?, ?> o = (Map<?, ?>) Json.parse(r.out());
        assertEquals("contiguous", o.get("split"));
        assertEquals(40L, o.get("samples"));
        assertEquals(List.of("loss", "rmse", "r2", "mae"), o.get("measures"));
        for (Object run : (List<?>) o.get("runs")) {
            assertEquals(8L, ((Map<?, ?>) run).get("test_samples"));
        }
    }

    @Test
    void mistakesAreUsageErrorsOrClearFailures() throws IOException {
        Path nn = classifier();
        Run r = nnc("kfold", nn.toString(), "--folds", "1");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("--folds"), r.all());
        r = nnc("kfold", nn.toString(), "--folds", "60");
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("60 folds need at least 60 samples"), r.all());
        MainTest.assertNoStackTrace(r);
    }
}
