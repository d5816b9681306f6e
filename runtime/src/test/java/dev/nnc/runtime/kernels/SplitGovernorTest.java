package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link SplitGovernor} on a simulated clock: training steps of four split products each (four
 * tasks, like a dense layer's forward product, its weight gradient and the optimizer's updates of
 * two layers), whose time depends only on whether the governor split them.
 */
class SplitGovernorTest {

    private static final Object FORWARD = new Object();
    private static final Object GRADIENT = new Object();
    private static final Object UPDATE = new Object();
    private static final Object UPDATE2 = new Object();
    private static final Object[] STEP = {FORWARD, GRADIENT, UPDATE, UPDATE2};
    /** The share of each product in a step's time. */
    private static final double[] SHARE = {0.4, 0.4, 0.1, 0.1};

    private static final long MS = 1_000_000L;

    /** A governor and its clock, and how much of the time the steps ran split. */
    private static final class Run {
        final SplitGovernor governor = new SplitGovernor();
        long now = 1_000 * MS;
        long splitNanos;
        long nanos;

        /** Runs steps for {@code duration}, each {@code alone} ns alone and {@code split} split. */
        void steps(long duration, long alone, long split) {
            long end = now + duration;
            while (now < end) {
                step(alone, split);
            }
        }

        void step(long alone, long split) {
            for (int i = 0; i < STEP.length; i++) {
                boolean s = governor.split(now, STEP[i]);
                long t = (long) ((s ? split : alone) * SHARE[i]);
                now += t;
                nanos += t;
                if (s) {
                    splitNanos += t;
                }
            }
        }

        /** The share of the time spent split since the last call. */
        double splitShare() {
            double share = (double) splitNanos / nanos;
            splitNanos = 0;
            nanos = 0;
            return share;
        }
    }

    @Test
    void keepsSplittingWhileSplittingIsFaster() {
        Run r = new Run();
        r.steps(5_000 * MS, 1_000_000, 600_000);
        assertTrue(r.governor.splitting());
        assertTrue(r.governor.probes() >= 4, "probes " + r.governor.probes());
        assertEquals(0, r.governor.switches());
    }

    @Test
    void runsAloneWhileSplittingIsSlower() {
        Run r = new Run();
        r.steps(1_000 * MS, 1_000_000, 1_100_000);
        assertFalse(r.governor.splitting());
        r.splitShare();
        r.steps(5_000 * MS, 1_000_000, 1_100_000);
        assertFalse(r.governor.splitting());
        assertEquals(1, r.governor.switches());
        // Only the probes' split phases: half of each probe, a probe every second at most.
        double share = r.splitShare();
        assertTrue(share < 0.06, "split share " + share);
    }

    @Test
    void followsACompetitorThatComesAndGoes() {
        Run r = new Run();
        r.steps(2_000 * MS, 1_000_000, 600_000);
        assertTrue(r.governor.splitting());
        r.steps(3_000 * MS, 1_000_000, 1_200_000);
        assertFalse(r.governor.splitting());
        r.steps(3_000 * MS, 1_000_000, 600_000);
        assertTrue(r.governor.splitting());
        assertEquals(2, r.governor.switches());
    }

    @Test
    void keepsTheWayWhenTheOtherIsNotFasterByTheMargin() {
        Run r = new Run();
        r.steps(5_000 * MS, 1_000_000, 1_010_000);
        assertTrue(r.governor.splitting());
        assertEquals(0, r.governor.switches());
    }

    @Test
    void aLoadGrowingDuringAProbeFavoursNeitherWay() {
        // Every product takes 1% longer than the one before it, whichever way it runs: the
        // alternating phases see the same growth, and nothing is faster by the margin.
        SplitGovernor g = new SplitGovernor();
        long now = 0;
        double t = 1_000_000;
        int products = 0;
        while (g.probes() < 1) {
            g.split(now, STEP[products++ % STEP.length]);
            now += (long) t;
            t *= 1.002;
        }
        assertTrue(g.splitting());
        assertEquals(0, g.switches());
    }

    @Test
    void aGapBetweenProductsThrowsAwayTheProbeUnderWay() {
        // Splitting is slower; the probe after the warm-up starts with a phase alone, in
        // which the caller pauses (as for an evaluation between epochs). Counted, the pause
        // would make running alone look far slower than splitting.
        Run r = new Run();
        r.steps(SplitGovernor.WARMUP_NANOS + MS, 1_000_000, 1_100_000);
        assertEquals(0, r.governor.probes());
        r.step(1_000_000, 1_100_000); // starts the probe
        r.now += 2 * SplitGovernor.GAP_NANOS;
        while (r.governor.probes() == 0) {
            r.step(1_000_000, 1_100_000);
        }
        assertFalse(r.governor.splitting());
    }

    @Test
    void aProductInTheMiddleOfAStepNeverEndsAPhase() {
        // Steps whose split forward product is far faster and whose split update is far
        // slower: phases cut in the middle of a step would weigh them unevenly. Split, a step
        // takes 0.4 * 0.2 + 0.4 + 0.1 * 4.4 + 0.1 = 1.02 of the time alone: within the margin.
        SplitGovernor g = new SplitGovernor();
        long now = 0;
        while (g.probes() < 6) {
            for (int i = 0; i < STEP.length; i++) {
                boolean s = g.split(now, STEP[i]);
                double f = !s ? 1 : i == 0 ? 0.2 : i == 2 ? 4.4 : 1;
                now += (long) (1_000_000 * SHARE[i] * f);
            }
        }
        assertTrue(g.splitting());
        assertEquals(0, g.switches());
    }

    @Test
    void aProbeBegunAtAProductThatDoesNotComeAgainStartsOver() {
        // Splitting is slower. The probe after the warm-up begins at a product of its own (the
        // short last batch of an epoch, say); the steps after it never run that task again.
        Run r = new Run();
        r.steps(SplitGovernor.WARMUP_NANOS - MS, 1_000_000, 1_100_000);
        Object once = new Object();
        r.now += 2 * MS;
        r.governor.split(r.now, once);
        r.steps(1_000 * MS, 1_000_000, 1_100_000);
        assertTrue(r.governor.probes() >= 1, "probes " + r.governor.probes());
        assertFalse(r.governor.splitting());
    }
}
