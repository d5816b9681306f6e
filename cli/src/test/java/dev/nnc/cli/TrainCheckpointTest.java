package dev.nnc.cli;

import static dev.nnc.cli.MainTest.assertNoStackTrace;
import static dev.nnc.cli.MainTest.nnc;
import static dev.nnc.cli.MainTest.res;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.cli.MainTest.Run;
import dev.nnc.runtime.io.Json;
import dev.nnc.runtime.io.Safetensors;
import dev.nnc.runtime.io.Tensor;
import dev.nnc.runtime.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nnc train --checkpoint-every / --checkpoint / --resume}, end to end. */
class TrainCheckpointTest {
    @TempDir
    Path dir;

    private static Run ok(String... args) {
        Run r = nnc(args);
        assertEquals(0, r.code(), r.all());
        return r;
    }

    private static void assertSameTensors(Path a, Path b) {
        List<Tensor> x = Safetensors.read(a).tensors();
        List<Tensor> y = Safetensors.read(b).tensors();
        assertEquals(x.size(), y.size());
        for (int i = 0; i < x.size(); i++) {
            assertEquals(x.get(i).name(), y.get(i).name());
            assertArrayEquals(x.get(i).data(), y.get(i).data(), x.get(i).name());
        }
    }

    /**
     * deep.nn has dropout, Adam, a schedule, shuffling, validation and early stopping with
     * restore-best: 10 epochs, then a resumed run to 24, give the weights of 24 epochs in one go:
     * the same tensors, bit for bit, and the same metadata.
     */
    @Test
    void aResumedRunSavesTheWeightsOfAnUninterruptedOne() throws IOException {
        Path whole = dir.resolve("whole.safetensors");
        ok("train", res("deep.nn"), "--quiet", "-o", whole.toString());

        Path parts = dir.resolve("parts.safetensors");
        Run first = ok("train", res("deep.nn"), "--quiet", "-o", parts.toString(), "--epochs",
                "10", "--checkpoint-every", "4");
        Path ckpt = dir.resolve("parts.ckpt.safetensors");
        assertTrue(first.out().contains("checkpoint saved to " + ckpt), first.all());
        assertEquals(10, Checkpoint.read(ckpt).epoch(), "the last epoch is saved too");
        assertEquals(4, Checkpoint.read(ckpt).every());

        Run second = nnc("train", res("deep.nn"), "-o", parts.toString(), "--resume",
                ckpt.toString(), "--log-every", "6");
        assertEquals(0, second.code(), second.all());
        assertTrue(second.err().contains("resuming Deep from " + ckpt + " after epoch 10"),
                second.all());
        assertTrue(second.err().contains("epoch 12/24"), second.all());
        assertTrue(!second.err().contains("epoch  6/24"), "no epoch before 11 runs again");
        assertEquals(24, Checkpoint.read(ckpt).epoch(), "checkpoints go on into the same file");

        assertSameTensors(whole, parts);
        Map<String, String> a = new HashMap<>(Safetensors.read(whole).metadata());
        Map<String, String> b = new HashMap<>(Safetensors.read(parts).metadata());
        // NOTE: the run record's settings hold a figure derived from timings; its metrics and
        // every other entry must match.
        assertEquals(((Map<?, ?>) Json.parse(a.remove(Reports.RUN))).get("metrics"),
                ((Map<?, ?>) Json.parse(b.remove(Reports.RUN))).get("metrics"));
        assertEquals(a, b);
        List<String> history = Files.readAllLines(dir.resolve("parts.history.csv"));
        assertEquals(25, history.size(), "header and all 24 epochs: " + history);
        assertTrue(history.get(1).startsWith("1,"), history.get(1));
    }

    @Test
    void checkpointAloneIsWrittenAfterTheLastEpochAndLoadsAsWeights() {
        Path ckpt = dir.resolve("sub/three.ckpt");
        ok("train", res("three.nn"), "--quiet", "-o", dir.resolve("t.safetensors").toString(),
                "--epochs", "5", "--checkpoint", ckpt.toString());
        assertEquals(5, Checkpoint.read(ckpt).epoch());
        assertEquals(0, Checkpoint.read(ckpt).every());
        Run eval = ok("eval", res("three.nn"), "--weights", ckpt.toString());
        assertTrue(eval.out().contains("accuracy"), eval.all());
    }

    @Test
    void resumeRefusesACheckpointOfAnotherModelOrOptimizerOrSeed() throws IOException {
        Path threeCkpt = dir.resolve("three.ckpt.safetensors");
        ok("train", res("three.nn"), "--quiet", "-o", dir.resolve("three.safetensors").toString(),
                "--epochs", "3", "--checkpoint-every", "1");
        Run r = nnc("train", res("deep.nn"), "--quiet", "-o",
                dir.resolve("d.safetensors").toString(), "--resume", threeCkpt.toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("nnc: error: checkpoint " + threeCkpt
                + " is of model 'Three', not of 'Deep'"), r.all());
        assertNoStackTrace(r);

        r = nnc("train", res("three.nn"), "--quiet", "-o", dir.resolve("t2.safetensors")
                .toString(), "--resume", threeCkpt.toString(), "--seed", "5");
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("is of a run with seed 1, not 5"), r.all());

        Path other = dir.resolve("three-adam.nn");
        String src = Files.readString(Path.of(res("three.nn")))
                .replace("sgd(lr: 0.5)", "adam(lr: 0.5)")
                .replace("\"three.csv\"", "\"" + Path.of(res("three.csv")) + "\"")
                .replace("\"three-test.csv\"", "\"" + Path.of(res("three-test.csv")) + "\"");
        Files.writeString(other, src);
        r = nnc("train", other.toString(), "--quiet", "-o", dir.resolve("t3.safetensors")
                .toString(), "--resume", threeCkpt.toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("was made with optimizer sgd(lr: 0.5), the model now has"
                + " adam(beta1: 0.9, beta2: 0.999, eps: 1.0E-8, lr: 0.5)"), r.all());

        r = nnc("train", res("three.nn"), "--quiet", "--resume",
                dir.resolve("three.safetensors").toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("is not a checkpoint"), r.all());
        assertNoStackTrace(r);

        r = nnc("train", res("three.nn"), "--checkpoint-every", "0");
        assertEquals(2, r.code(), r.all());
    }
}
