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
        /** When each window with the workers after a hold (a probe) started. */
        final java.util.List<Long> probes = new java.util.ArrayList<>();
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
        }
    }

    @Test
    void keepsTheWorkersOnAQuietMachine() {
        Run r = new Run();
        r.products(20_000 * MS, 0.97, 1.0);
        assertEquals(0, r.guard.holds());
        assertEquals(1.0, r.parallelShare());
    }

    @Test
    void besideACompetitorRunsOnTheCallerAndProbesAboutOnceASecond() {
        Run r = new Run();
        r.products(20_000 * MS, 0.6, 1.0);
        // a window of at least 100 ms in every hold of at most a second, and the holds grow to
        // that from a quarter of a second
        assertTrue(r.parallelShare() < 0.12, "share with workers " + r.parallelShare());
        assertTrue(r.parallelShare() > 0.05, "share with workers " + r.parallelShare());
        assertTrue(r.guard.holds() >= 17 && r.guard.holds() <= 21, "holds " + r.guard.holds());
        // once grown, probes come a hold of a second and a window apart
        for (int i = 4; i < r.probes.size(); i++) {
            long gap = r.probes.get(i) - r.probes.get(i - 1);
            assertTrue(gap >= ContentionGuard.MAX_HOLD_NANOS + ContentionGuard.WINDOW_NANOS
                    && gap <= ContentionGuard.MAX_HOLD_NANOS + ContentionGuard.WINDOW_NANOS
                    + PRODUCT, "gap between probes " + gap);
        }
    }

    @Test
    void takesTheWorkersBackWhenTheCompetitorLeaves() {
        Run r = new Run();
        r.products(5_000 * MS, 0.6, 1.0);
        r.reset();
        r.products(10_000 * MS, 0.97, 1.0);
        // at most a hold and a window without them
        long without = r.nanos - r.parallelNanos;
        assertTrue(without <= ContentionGuard.MAX_HOLD_NANOS + PRODUCT, "without " + without);
        int holds = r.guard.holds();
        r.products(10_000 * MS, 0.97, 1.0);
        assertEquals(holds, r.guard.holds());
    }

    @Test
    void aSlowFirstWindowCostsOneShortHold() {
        // the JIT's threads take the caller's core for the first window only
        Run r = new Run();
        r.products(ContentionGuard.WINDOW_NANOS + PRODUCT, 0.5, 1.0);
        r.products(10_000 * MS, 0.97, 1.0);
        assertEquals(1, r.guard.holds());
        assertTrue(r.nanos - r.parallelNanos <= ContentionGuard.HOLD_NANOS + PRODUCT);
        // and a later slow window is held back again for the short hold, not a doubled one
        r.reset();
        r.products(ContentionGuard.WINDOW_NANOS + PRODUCT, 0.5, 1.0);
        r.products(5_000 * MS, 0.97, 1.0);
        assertEquals(2, r.guard.holds());
        assertTrue(r.nanos - r.parallelNanos <= ContentionGuard.HOLD_NANOS + 2 * PRODUCT,
                "without " + (r.nanos - r.parallelNanos));
    }

    @Test
    void aPauseOfTheCallerJudgesNothing() {
        Run r = new Run();
        for (int i = 0; i < 20; i++) {
            r.products(50 * MS, 0.97, 1.0);
            // the caller sleeps or reads a file between products, its CPU clock still
            r.now += 2 * ContentionGuard.GAP_NANOS;
        }
        assertEquals(0, r.guard.holds());
    }
}
