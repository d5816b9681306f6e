package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.io.Json;
import dev.nnc.runtime.io.Weights;
import dev.nnc.runtime.model.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ensemble as a user runs it: {@code nnc train} trains its members and saves them in one file,
 * {@code nnc eval} measures the vote as train did, {@code nnc predict} answers with the vote's
 * shares, and the options ensembles do not take are refused with a clear message.
 */
class EnsembleCliTest {
    @TempDir
    Path dir;

    private Path model() throws IOException {
        Rng rng = new Rng(21);
        List<String> train = new ArrayList<>(List.of("a,b,class"));
        List<String> test = new ArrayList<>(List.of("a,b,class"));
        for (int i = 0; i < 300; i++) {
            double a = rng.nextDouble() * 2 - 1;
            double b = rng.nextDouble() * 2 - 1;
            int c = a * a + b * b < 0.4 ? 0 : a > 0 ? 1 : 2;
            (i < 200 ? train : test).add(a + "," + b + "," + c);
        }
        Files.write(dir.resolve("train.csv"), train);
        Files.write(dir.resolve("test.csv"), test);
        Path nn = dir.resolve("rings.nn");
        Files.writeString(nn, """
                model Rings {
                    input [2]
                    dense(8) -> relu
                    dense(3) -> softmax
                    loss cross_entropy
                    optimizer adam(lr: 0.05)
                    seed 4
                    data {
                        train: csv("train.csv", label: "class")
                        test: csv("test.csv", label: "class")
                    }
                    train { epochs: 30, batch: 16 }
                    ensemble { members: 3, vary: bootstrap, vote: plurality }
                }
                """);
        return nn;
    }

    @Test
    void trainEvalAndPredictUseTheVote() throws IOException {
        Path nn = model();
        Path w = dir.resolve("rings.safetensors");
        DeployExamples.Run r = DeployExamples.nnc("train", nn.toString(), "-o", w.toString(),
                "--quiet", "--json");
        assertEquals(0, r.code(), r.all());
        Map<?, ?> trained = (Map<?, ?>) Json.parse(r.out());
        assertEquals(3, ((Number) trained.get("members")).intValue());
        List<?> members = (List<?>) trained.get("member_test_accuracy");
        assertEquals(3, members.size(), r.out());
        double vote = ((Number) trained.get("test_accuracy")).doubleValue();
        assertTrue(vote > 0.8, r.out());
        assertTrue(Weights.metadata(w).containsKey(Weights.ARCH));

        r = DeployExamples.nnc("eval", nn.toString(), "-w", w.toString(), "--json");
        assertEquals(0, r.code(), r.all());
        assertEquals(vote, ((Number) ((Map<?, ?>) Json.parse(r.out())).get("accuracy"))
                .doubleValue(), r.out());

        Files.write(dir.resolve("in.csv"), List.of("a,b", "0.05,0.1", "0.9,0.1", "-0.9,0.8"));
        r = DeployExamples.nnc("predict", nn.toString(), "-w", w.toString(), "-i",
                dir.resolve("in.csv").toString());
        assertEquals(0, r.code(), r.all());
        String[] lines = r.out().strip().split("\n");
        assertEquals(4, lines.length, r.out());
        for (int i = 1; i < lines.length; i++) {
            // the shares of three members' votes: thirds
            for (String p : lines[i].substring(lines[i].indexOf(',') + 1).split(",")) {
                double share = Double.parseDouble(p) * 3;
                assertEquals(Math.rint(share), share, 1e-6, lines[i]);
            }
        }
        assertTrue(lines[1].startsWith("0,"), r.out());
        assertTrue(lines[2].startsWith("1,"), r.out());
        assertTrue(lines[3].startsWith("2,"), r.out());
    }

    @Test
    void checkpointsAndReportsAreRefused() throws IOException {
        Path nn = model();
        DeployExamples.Run r = DeployExamples.nnc("train", nn.toString(), "-o",
                dir.resolve("r.safetensors").toString(), "--checkpoint-every", "5");
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("--checkpoint-every is not available for an ensemble (model "
                + "Rings has an ensemble block)"), r.all());
        assertTrue(!Files.exists(dir.resolve("r.safetensors")), r.all());
    }
}
