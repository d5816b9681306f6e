package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link ContentionGuard} on a simulated clock and CPU clock: products of 100 µs each, during
 * which the caller runs a share of the time that depends on the load and on whether the guard
 * let the workers in.
 */
class ContentionGuardTest {

    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;
    private static final long PRODUCT = 100 * US;

    /** A guard, its clocks, and how much of the time the products ran with the workers. */
    private static final class Run {
        long now = 5_000 * MS;
        long cpu = 123 * MS;
        final ContentionGuard guard = new ContentionGuard(() -> cpu);
        long parallelNanos;
        long nanos;
        /** When each time with the workers after a time without them started. */
        final java.util.List<Long> probes = new java.util.ArrayList<>();
        /** How long each time with the workers after a time without them lasted. */
        final java.util.List<Long> stretches = new java.util.ArrayList<>();
        private boolean lastParallel = true;

        /**
         * Runs products for {@code duration}; the caller runs {@code shareParallel} of the time
         * while the workers are in, {@code shareAlone} while not.
         */
        void products(long duration, double shareParallel, double shareAlone) {
            long end = now + duration;
            while (now < end) {
                boolean p = guard.parallel(now);
                if (p && !lastParallel) {
                    probes.add(now);
                }
                if (!p && lastParallel && !probes.isEmpty()
                        && stretches.size() < probes.size()) {
                    stretches.add(now - probes.get(probes.size() - 1));
                }
                lastParallel = p;
                cpu += (long) (PRODUCT * (p ? shareParallel : shareAlone));
                now += PRODUCT;
                nanos += PRODUCT;
                if (p) {
                    parallelNanos += PRODUCT;
                }
            }
        }

        double parallelShare() {
            return (double) parallelNanos / nanos;
        }

        void reset() {
            parallelNanos = 0;
            nanos = 0;
            probes.clear();
            stretches.clear();
        }
    }

    @Test
    void keepsTheWorkersOnAQuietMachine() {
        Run r = new Run();
        r.products(20_000 * MS, 0.97, 1.0);
        assertEquals(0, r.guard.switches());
        assertTrue(r.guard.probes() >= 15, "probes " + r.guard.probes());
        // without the workers only in a probe's window, one in a second or so once grown
        assertTrue(r.parallelShare() > 0.88, "share with workers " + r.parallelShare());
    }

    @Test
    void besideACompetitorRunsOnTheCallerAndProbesEveryTwoSeconds() {
        Run r = new Run();
        r.products(20_000 * MS, 0.65, 1.0);
        assertEquals(1, r.guard.switches());
        assertTrue(r.parallelShare() < 0.06, "share with workers " + r.parallelShare());
        // once grown, the probes' windows with the workers come the longest hold while off and
        // one short window to that and two windows more apart (a probe starts with its window
        // without them every other time)
        assertTrue(r.probes.size() >= 9, "probes " + r.probes.size());
        long w = ContentionGuard.WINDOW_NANOS;
        long ow = ContentionGuard.OFF_WINDOW_NANOS;
        for (int i = 4; i < r.probes.size(); i++) {
            long gap = r.probes.get(i) - r.probes.get(i - 1);
            assertTrue(gap >= ContentionGuard.MAX_HOLD_OFF_NANOS + ow
                    && gap <= ContentionGuard.MAX_HOLD_OFF_NANOS + ow + 2 * w + 4 * PRODUCT,
                    "gap between probes " + gap);
        }
        // and each lasts the short window, after the first (the workers were on)
        assertTrue(r.stretches.size() >= 8, "stretches " + r.stretches);
        for (long stretch : r.stretches.subList(1, r.stretches.size())) {
            assertTrue(stretch >= ow && stretch <= ow + PRODUCT, "window with workers " + stretch);
        }
    }

    @Test
    void aShareBetweenTheLimitsKeepsTheWayTheWorkersAre() {
        double between = (ContentionGuard.MIN_RATIO + ContentionGuard.MIN_RATIO_BACK) / 2;
        // on: they stay on
        Run on = new Run();
        on.products(20_000 * MS, between, 1.0);
        assertEquals(0, on.guard.switches());
        assertTrue(on.parallelShare() > 0.88, "share with workers " + on.parallelShare());
        // off (a competitor that took a core now takes a little less): they stay off
        Run off = new Run();
        off.products(5_000 * MS, 0.65, 1.0);
        off.reset();
        off.products(20_000 * MS, between, 1.0);
        assertEquals(1, off.guard.switches());
        assertTrue(off.parallelShare() < 0.06, "share with workers " + off.parallelShare());
        // below the lower limit they go, above the upper one they come back
        off.products(5_000 * MS, ContentionGuard.MIN_RATIO_BACK + 0.01, 1.0);
        assertEquals(2, off.guard.switches());
        on.products(5_000 * MS, ContentionGuard.MIN_RATIO - 0.01, 1.0);
        assertEquals(1, on.guard.switches());
    }

    @Test
    void keepsTheWorkersWhenTheCallerRunsAsLittleWithoutThem() {
        // many processes of lower priority: the caller gets a third of a core either way
        Run r = new Run();
        r.products(20_000 * MS, 0.32, 0.33);
        assertEquals(0, r.guard.switches());
        assertTrue(r.parallelShare() > 0.88, "share with workers " + r.parallelShare());
    }

    @Test
    void takesTheWorkersBackWhenTheCompetitorLeaves() {
        Run r = new Run();
        r.products(5_000 * MS, 0.65, 1.0);
        r.reset();
        r.products(10_000 * MS, 0.97, 1.0);
        // at most the longest hold while off and a probe without them, then only the probes'
        // windows
        assertEquals(2, r.guard.switches());
        assertTrue(r.parallelShare() > 0.7, "share with workers " + r.parallelShare());
        r.reset();
        r.products(10_000 * MS, 0.97, 1.0);
        assertEquals(2, r.guard.switches());
        assertTrue(r.parallelShare() > 0.88, "share with workers " + r.parallelShare());
    }

    @Test
    void aPauseOfTheCallerJudgesNothing() {
        Run r = new Run();
        for (int i = 0; i < 40; i++) {
            r.products(50 * MS, 0.97, 1.0);
            // the caller sleeps or reads a file between products, its CPU clock still
            r.now += 2 * ContentionGuard.GAP_NANOS;
        }
        assertEquals(0, r.guard.switches());
    }
}
