package dev.nnc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spark-submit main: trains a .nn file on a CSV file, scores a test file, saves. */
class TrainMainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        TestSpark.session(); // the shared session: Train finds it with getOrCreate
        return Train.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void trainsOnCsvScoresAndSaves() throws Exception {
        Path file = TestSpark.nn(dir, "and", """
                model And {
                    input [2]
                    dense(1) -> sigmoid
                    loss binary_cross_entropy
                    optimizer sgd(lr: 1)
                    train { epochs: 30, batch: 4 }
                }
                """);
        StringBuilder csv = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 64; i++) {
            int a = i % 2;
            int b = i / 2 % 2;
            csv.append(a).append(',').append(b).append(',').append(a & b).append('\n');
        }
        Path data = dir.resolve("and.csv");
        Files.writeString(data, csv);
        Path saved = dir.resolve("model");
        int code = run("--model", file.toString(), "--data", data.toString(), "--label", "y",
                "--test", data.toString(), "--mode", "fast", "--output", saved.toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(text.contains("epoch 30  loss "), text);
        assertTrue(text.contains("test_accuracy 1.0000 (64 rows)"), text);
        assertTrue(Files.isRegularFile(saved.resolve("nnc/weights.safetensors")), text);
    }

    @Test
    void sendsTaskResultsDirectUnlessTheUserSaysOtherwise() {
        java.util.Properties none = new java.util.Properties();
        assertEquals(java.util.Map.of("spark.task.maxDirectResultSize", "128m"),
                Train.defaults(none));
        java.util.Properties given = new java.util.Properties();
        given.setProperty("spark.task.maxDirectResultSize", "4m");
        assertTrue(Train.defaults(given).isEmpty());
    }

    @Test
    void usageAndModelErrorsAreMessagesNotStackTraces() {
        assertEquals(2, run("--data"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("option --data needs a value"));
        err.reset();
        Path bad = TestSpark.nn(dir, "bad", "model Bad {\n    input [2]\n    desne(1)\n}\n");
        assertEquals(1, run("--model", bad.toString(), "--data", "x.parquet"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("error: ") && e.contains("bad.nn:3:5"), e);
        assertTrue(!e.contains("\tat "), e);
    }
}
