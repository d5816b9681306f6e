package dev.nnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.model.StopCondition;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long now;

    private Progress progress(Progress.Mode mode, boolean terminal, Map<String, String> env) {
        return new Progress(out, mode, terminal, env, () -> now);
    }

    private static EpochRecord record(int epoch, double loss, boolean full) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("train_loss", loss + 0.001);
        if (full) {
            m.put("loss", loss);
            m.put("r2", 0.9);
            m.put("val_loss", 0.0131);
            m.put("val_r2", 0.97123);
        }
        return new EpochRecord(epoch, m, 0.001);
    }

    private void run(Progress p, int epochs, int upTo, boolean stopped) {
        run(p, 1, epochs, upTo, stopped);
    }

    private void run(Progress p, int from, int epochs, int upTo, boolean stopped) {
        p.onStart(new TrainInfo("M", 3, epochs, 4200, 100, 10, 420, 10,
                new StopCondition.Compare("val_loss", StopCondition.Op.LE, 0.02), 1));
        List<EpochRecord> h = new ArrayList<>();
        for (int e = from; e <= upTo; e++) {
            for (int b = 0; b < 420; b++) {
                now += 1_000_000; // 1 ms per batch
                p.onBatch(e, b, 420, 0.5);
            }
            EpochRecord r = record(e, 0.0123, e % 10 == 0 || e == upTo);
            h.add(r);
            p.onEpoch(r);
        }
        p.onEnd(new TrainReport(upTo, stopped, false, upTo * 0.42, 1e4, h, 4200,
                (upTo - from + 1) * 0.42, false, stopped ? "val_loss <= 0.02 holds" : null, 0));
    }

    @Test
    void linesEveryLogEveryEpochsAndAtTheEnd() {
        run(progress(Progress.Mode.LINES, false, Map.of()), 25, 25, false);
        assertEquals("epoch 10/25  loss 0.0123  val_loss 0.0131  val_r2 0.9712  4.2M samples/s\n"
                + "epoch 20/25  loss 0.0123  val_loss 0.0131  val_r2 0.9712  4.2M samples/s\n"
                + "epoch 25/25  loss 0.0123  val_loss 0.0131  val_r2 0.9712  4.2M samples/s\n"
                + "done: 25 epochs in 10.50 s (training steps 10.50 s, 10.0k samples/s)\n",
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aResumedRunCountsItsOwnEpochsInRateAndTimeLeft() {
        run(progress(Progress.Mode.LINES, false, Map.of()), 21, 25, 25, false);
        assertTrue(bytes.toString(StandardCharsets.UTF_8).startsWith(
                "epoch 25/25  loss 0.0123  val_loss 0.0131  val_r2 0.9712  4.2M samples/s\n"),
                bytes.toString(StandardCharsets.UTF_8));
        bytes.reset();
        run(progress(Progress.Mode.LIVE, true, Map.of("COLUMNS", "120", "NO_COLOR", "1")), 21,
                25, 25, false);
        String s = bytes.toString(StandardCharsets.UTF_8);
        boolean seen = false;
        for (String part : s.split("\r")) {
            // 1 ms per batch of 10 samples: 10.0k samples/s; late in epoch 23, the third of
            // the 5 epochs of this run (1 s gone), about 1 s (2.4 × 0.42 s) is left
            if (part.startsWith("epoch 23/25 [==========")) {
                seen = true;
                assertTrue(part.contains("  10.0k samples/s  ETA 0:01 "), "'" + part + "'");
            }
        }
        assertTrue(seen, s);
    }

    @Test
    void earlyStopPrintsTheLastEpochAndTheCondition() {
        run(progress(Progress.Mode.LINES, false, Map.of()), 100, 13, true);
        assertEquals("epoch  10/100  loss 0.0123  val_loss 0.0131  val_r2 0.9712  4.2M samples/s\n"
                + "epoch  13/100  loss 0.0123  val_loss 0.0131  val_r2 0.9712  4.2M samples/s\n"
                + "stopped early at epoch 13: val_loss <= 0.02 holds\n"
                + "done: 13 epochs in 5.46 s (training steps 5.46 s, 10.0k samples/s)\n",
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void quietPrintsNothing() {
        run(progress(Progress.Mode.QUIET, true, Map.of()), 25, 25, false);
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void liveFallsBackToLinesWithoutTerminal() {
        assertEquals(Progress.Mode.LINES, progress(Progress.Mode.LIVE, false, Map.of()).mode());
        assertEquals(Progress.Mode.LINES,
                progress(Progress.Mode.LIVE, true, Map.of("TERM", "dumb")).mode());
        assertEquals(Progress.Mode.LIVE,
                progress(Progress.Mode.LIVE, true, Map.of("TERM", "xterm")).mode());
    }

    @Test
    void liveRedrawsAtMostTenTimesASecondWithinTheWidth() {
        run(progress(Progress.Mode.LIVE, true, Map.of("COLUMNS", "60", "NO_COLOR", "1")), 3, 3,
                false);
        String s = bytes.toString(StandardCharsets.UTF_8);
        // 3 epochs of 420 ms: about 12 redraws, each starting with a carriage return
        long redraws = s.chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 10 && redraws <= 20, "redraws " + redraws);
        assertFalse(s.contains("\033"), "NO_COLOR");
        for (String part : s.split("[\r\n]")) {
            if (part.contains(" [")) {
                assertEquals(59, part.length(), "'" + part + "'");
            }
        }
        assertTrue(s.contains("epoch 2/3 ["), s);
        assertTrue(s.contains("ETA "), s);
        assertTrue(s.endsWith("done: 3 epochs in 1.26 s (training steps 1.26 s, 10.0k samples/s)"
                + "\n"), s);
    }

    /** The time left shows once the run has gone on for 1 s and done 2 %, or for 30 s. */
    @Test
    void etaOnlyOnceItCanBeTold() {
        run(progress(Progress.Mode.LIVE, true, Map.of("COLUMNS", "120", "NO_COLOR", "1")), 3, 3,
                false);
        String s = bytes.toString(StandardCharsets.UTF_8);
        for (String part : s.split("\r")) {
            // the first second: epochs 1 and 2 (0.84 s) and the start of epoch 3
            if (part.startsWith("epoch 1/3 [") || part.startsWith("epoch 2/3 [")) {
                assertFalse(part.contains("ETA"), "'" + part + "'");
            }
        }
        assertTrue(s.contains("ETA 0:00"), s);
        assertFalse(Progress.etaKnown(0.5, 0.5), "not in the first second");
        assertFalse(Progress.etaKnown(5, 0.01), "not before 2 % of the run");
        assertTrue(Progress.etaKnown(1, 0.02));
        assertTrue(Progress.etaKnown(30, 0.001), "after 30 s whatever is done");
    }

    /** A run 1000 epochs long: 2 % of it takes 8.4 s, and no time left is told before. */
    @Test
    void noEtaBeforeTwoPercentOfALongRun() {
        Progress p = progress(Progress.Mode.LIVE, true, Map.of("COLUMNS", "120", "NO_COLOR",
                "1"));
        p.onStart(new TrainInfo("M", 3, 1000, 4200, 0, 10, 420, 10, null, 1));
        for (int e = 1; e <= 25; e++) {
            for (int b = 0; b < 420; b++) {
                now += 1_000_000;
                p.onBatch(e, b, 420, 0.5);
            }
            p.onEpoch(record(e, 0.0123, false));
            String s = bytes.toString(StandardCharsets.UTF_8);
            String last = s.substring(s.lastIndexOf('\r') + 1);
            assertEquals(e > 20, last.contains("ETA"), "epoch " + e + ": '" + last + "'");
        }
    }

    @Test
    void aStatusBetweenBatchesIsShownLiveOnly() {
        Progress live = progress(Progress.Mode.LIVE, true, Map.of("COLUMNS", "60", "NO_COLOR",
                "1"));
        live.onStatus("compiling m.nn");
        assertEquals("\rcompiling m.nn..." + " ".repeat(59 - 17),
                bytes.toString(StandardCharsets.UTF_8));
        live.finish();
        assertTrue(bytes.toString(StandardCharsets.UTF_8).endsWith("\r" + " ".repeat(59) + "\r"));
        bytes.reset();
        Progress lines = progress(Progress.Mode.LINES, false, Map.of());
        lines.onStatus("compiling m.nn");
        lines.finish();
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void summarySaysWhyTrainingStoppedAndWhichWeightsAreKept() {
        Progress p = progress(Progress.Mode.LINES, false, Map.of());
        p.onStart(new TrainInfo("M", 3, 2000, 100, 10, 10, 10, 100, null, 1));
        List<EpochRecord> h = List.of(record(58, 0.2, true));
        assertEquals("stopped early at epoch 58: val_loss did not improve for 20 epochs (best"
                + " 0.1234 at epoch 38); restored the weights of epoch 38\n"
                + "done: 58 epochs in 7.52 s (training steps 5.00 s, 1.2k samples/s)",
                p.summary(new TrainReport(58, true, false, 7.52, 1160, h, 100, 5.0, false,
                        "val_loss did not improve for 20 epochs (best 0.1234 at epoch 38)", 38)));
        assertEquals("interrupted after epoch 12, the last complete one\n"
                + "done: 12 epochs in 1.00 s (training steps 0.50 s, 2.4k samples/s)",
                p.summary(new TrainReport(12, false, false, 1.0, 2400, h, 100, 0.5, true, null,
                        0)));
        assertEquals("diverged at epoch 1: the training loss 1.489e+08 is over 1000 times the"
                + " initial model's 0.7106 (try a smaller learning rate)",
                p.summary(new TrainReport(1, false, true, 1.0, 2400, h, 100, 0.5, false,
                        "the training loss 1.489e+08 is over 1000 times the initial model's"
                                + " 0.7106", 0)));
    }

    @Test
    void liveLineShowsTheLastMeasuredMetric() {
        run(progress(Progress.Mode.LIVE, true, Map.of("COLUMNS", "120", "NO_COLOR", "1")), 30,
                30, false);
        String s = bytes.toString(StandardCharsets.UTF_8);
        // epochs 10 and 20 measure val_r2; the live line of the epochs after them shows it
        boolean seen = false;
        for (String part : s.split("\r")) {
            if (part.startsWith("epoch 15/30 [")) {
                seen = true;
                assertTrue(part.matches("epoch 15/30 \\[[=> ]+\\] +\\d+%  loss 0\\.5"
                        + "  val_r2 0\\.9712  [0-9.]+k samples/s  ETA \\d+:\\d\\d *"),
                        "'" + part + "'");
            }
            if (part.startsWith("epoch  5/30 [")) {
                assertFalse(part.contains("val_r2"), "no metric before the first measure");
            }
        }
        assertTrue(seen, s);
    }

    @Test
    void liveLineOnANarrowTerminalKeepsLossAndEta() {
        run(progress(Progress.Mode.LIVE, true, Map.of("COLUMNS", "40", "NO_COLOR", "1")), 30,
                30, false);
        String s = bytes.toString(StandardCharsets.UTF_8);
        boolean seen = false;
        for (String part : s.split("\r")) {
            if (part.startsWith("epoch 15/30")) {
                seen = true;
                assertEquals(39, part.length(), "'" + part + "'");
                assertTrue(part.contains("loss 0.5") && part.contains("ETA "), part);
                assertFalse(part.contains("samples/s"), part);
            }
        }
        assertTrue(seen, s);
    }

    @Test
    void liveUsesBoldWithoutNoColor() {
        run(progress(Progress.Mode.LIVE, true, Map.of()), 3, 3, false);
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("\033[1mepoch 1/3\033[0m"));
    }

    @Test
    void numbersAndRates() {
        assertEquals("0.0123", Progress.number(0.0123));
        assertEquals("0.9712", Progress.number(0.97123));
        assertEquals("380.6", Progress.number(380.5934));
        assertEquals("1", Progress.number(1.0));
        assertEquals("1.235e-05", Progress.number(1.2345e-5));
        assertEquals("nan", Progress.number(Double.NaN));
        assertEquals("4.2M", Progress.rate(4.2e6));
        assertEquals("850.0k", Progress.rate(850_000));
        assertEquals("12", Progress.rate(12.3));
    }
}
