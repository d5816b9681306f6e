package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

/**
 * {@link LoadGuard} on simulated tick counters (two CPUs at 100 ticks a second each, products of
 * 100 µs), and its {@code /proc} reader on this machine where there is one.
 */
class LoadGuardTest {

    private static final long MS = 1_000_000L;
    private static final long PRODUCT = 100_000L;

    /** Tick counters that advance with a simulated clock as the loads set say. */
    private static final class SimTicks implements LoadGuard.Ticks {
        final int cpus;
        /** Cores the other processes keep busy, and the cores this process keeps busy. */
        double others;
        double own;
        double taken;
        double all;
        double self;
        boolean readable = true;
        boolean closed;

        SimTicks(int cpus) {
            this.cpus = cpus;
        }

        /**
         * Advances the counters by {@code nanos} of time; threads that want more cores than
         * there are share them alike.
         */
        void advance(long nanos) {
            double ticks = nanos / 10_000_000.0;   // 100 Hz
            double scale = Math.min(1.0, cpus / (others + own));
            taken += (others + own) * scale * ticks;
            all += cpus * ticks;
            self += own * scale * ticks;
        }

        @Override
        public boolean read(long[] into) {
            if (!readable) {
                return false;
            }
            // the kernel counts whole ticks
            into[0] = (long) taken;
            into[1] = (long) all;
            into[2] = (long) self;
            into[3] = (long) all - (long) taken;
            return true;
        }

        @Override
        public int cpus() {
            return cpus;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** A guard on simulated ticks, and how much of the time its products used the workers. */
    private static final class Run {
        final SimTicks ticks;
        long now = 7_000 * MS;
        final LoadGuard guard;
        long parallelNanos;
        long nanos;

        Run(int cpus) {
            ticks = new SimTicks(cpus);
            guard = new LoadGuard(2, ticks, now);
        }

        /**
         * Products for {@code duration} while others keep {@code others} cores busy; this
         * process keeps one core busy, two while its workers take part.
         */
        void products(long duration, double others) {
            ticks.others = others;
            long end = now + duration;
            while (now < end) {
                boolean p = guard.parallel(now);
                ticks.own = p ? 2.0 : 1.0;
                ticks.advance(PRODUCT);
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
        }
    }

    @Test
    void theWorkersWaitForTheFirstWindow() {
        Run r = new Run(2);
        r.products(LoadGuard.WINDOW_NANOS - PRODUCT, 0.0);
        assertEquals(0.0, r.parallelShare());
        assertEquals(0, r.guard.windows());
        assertTrue(Double.isNaN(r.guard.spare()));
    }

    @Test
    void keepsTheWorkersOnAQuietMachine() {
        Run r = new Run(2);
        r.products(20_000 * MS, 0.02);
        assertEquals(0, r.guard.switches());
        assertTrue(r.guard.windows() >= 190, "windows " + r.guard.windows());
        // off only until the first window is judged
        assertTrue(r.parallelShare() > 0.99, "share with workers " + r.parallelShare());
        assertTrue(r.guard.spare() > 0.9, "spare " + r.guard.spare());
    }

    @Test
    void besideABusyCoreOfTwoNeverUsesTheWorkers() {
        Run r = new Run(2);
        r.products(20_000 * MS, 1.0);
        assertEquals(0, r.guard.switches());
        assertEquals(0.0, r.parallelShare());
        assertTrue(Math.abs(r.guard.spare()) < 0.15, "spare " + r.guard.spare());
    }

    @Test
    void aWarmUpCopyBesideTheCallerDoesNotHideACompetitor() {
        Run r = new Run(2);
        // before the first product: the caller reads the data while a warm-up copy of the model
        // trains on another thread, beside a busy loop
        r.ticks.others = 1.0;
        r.ticks.own = 2.0;
        r.ticks.advance(700 * MS);
        r.now += 700 * MS;
        r.products(2_000 * MS, 1.0);
        assertEquals(0.0, r.parallelShare());
        assertTrue(Math.abs(r.guard.spare()) < 0.15, "spare " + r.guard.spare());
    }

    @Test
    void manyCoresLeaveRoomBesideABusyOne() {
        Run r = new Run(8);
        r.products(5_000 * MS, 1.0);
        assertTrue(r.parallelShare() > 0.97, "share with workers " + r.parallelShare());
        // but not beside seven, which take 6.2 cores of 8 while the workers are on
        r.reset();
        r.products(5_000 * MS, 7.0);
        assertEquals(1, r.guard.switches());
        assertTrue(r.parallelShare() < 0.03, "share with workers " + r.parallelShare());
    }

    @Test
    void takesTheWorkersBackWithinAWindowOfTheCompetitorLeaving() {
        Run r = new Run(2);
        r.products(5_000 * MS, 1.0);
        r.reset();
        r.products(5_000 * MS, 0.0);
        assertEquals(1, r.guard.switches());
        // the window in which it left and the next, at most
        assertTrue(r.parallelShare() >= 1.0 - 2.0 * LoadGuard.WINDOW_NANOS / (5_000 * MS),
                "share with workers " + r.parallelShare());
        // and goes off within two windows of one coming
        r.reset();
        r.products(5_000 * MS, 1.0);
        assertEquals(2, r.guard.switches());
        assertTrue(r.parallelShare() <= 2.0 * LoadGuard.WINDOW_NANOS / (5_000 * MS),
                "share with workers " + r.parallelShare());
    }

    @Test
    void aLoadBetweenTheLimitsKeepsTheWayTheWorkersAre() {
        // others leave 0.6 of a core beyond the caller's: between the two limits
        double between = 2 - 1 - (LoadGuard.MIN_SPARE + LoadGuard.MIN_SPARE_BACK) / 2;
        Run on = new Run(2);
        on.products(1_000 * MS, 0.0);
        on.reset();
        on.products(10_000 * MS, between);
        assertEquals(0, on.guard.switches());
        assertTrue(on.parallelShare() == 1.0, "share with workers " + on.parallelShare());
        Run off = new Run(2);
        off.products(1_000 * MS, 1.0);
        off.reset();
        off.products(10_000 * MS, between);
        assertEquals(0, off.guard.switches());
        assertEquals(0.0, off.parallelShare());
    }

    @Test
    void ticksThatCannotBeReadKeepTheWayAndWindowsWithoutTicksGoOn() {
        Run r = new Run(2);
        r.products(1_000 * MS, 0.0);
        r.ticks.readable = false;
        r.reset();
        r.products(1_000 * MS, 1.0);
        assertEquals(1.0, r.parallelShare());
        r.ticks.readable = true;
        r.products(1_000 * MS, 1.0);
        assertEquals(1, r.guard.switches());
        r.guard.close();
        assertTrue(r.ticks.closed);
    }

    @Test
    void parsesCpuLists() {
        BitSet s = LoadGuard.parseCpuList("0-3,8,10-11");
        assertNotNull(s);
        assertEquals("{0, 1, 2, 3, 8, 10, 11}", s.toString());
        assertEquals("{5}", LoadGuard.parseCpuList("5").toString());
        assertNull(LoadGuard.parseCpuList(""));
        assertNull(LoadGuard.parseCpuList("3-1"));
        assertNull(LoadGuard.parseCpuList("x"));
    }

    // --- the /proc reader on files laid out as Linux's ---

    /** A /proc/stat of {@code cpus} CPUs, CPU i's fields user nice system idle iowait … steal. */
    private static String stat(int cpus, long user, long nice, long system, long idle) {
        StringBuilder s = new StringBuilder();
        s.append("cpu  ").append(user * cpus).append(' ').append(nice * cpus).append(' ')
                .append(system * cpus).append(' ').append(idle * cpus).append(" 0 0 0 0 0 0\n");
        for (int i = 0; i < cpus; i++) {
            // CPU 250 is the busiest: its user time twice the others'
            long u = i == 250 ? 2 * user : user;
            s.append("cpu").append(i).append(' ').append(u).append(' ').append(nice).append(' ')
                    .append(system).append(' ').append(idle).append(" 3 1 1 2 0 0\n");
        }
        s.append("intr 1234").append(" 0".repeat(3000)).append('\n');
        s.append("ctxt 99\nbtime 1\nprocs_running 3\nprocs_blocked 0\n");
        return s.toString();
    }

    @Test
    void procFilesOfManyCpusAreReadWhole(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path stat = dir.resolve("stat");
        Path self = dir.resolve("self-stat");
        Path status = dir.resolve("self-status");
        Files.writeString(stat, stat(300, 1000, 500, 100, 7000));
        // a command name with a space and parentheses; utime 40, stime 2, nice 0
        Files.writeString(self, "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 900 0 1 0 40 2 0 0 "
                + "20 0 30 0 12345 1000000 5000 18446744073709551615\n");
        Files.writeString(status, "Name:\tjava\nCpus_allowed:\tff\nCpus_allowed_list:\t2-3,250\n");
        try (LoadGuard.ProcTicks t = LoadGuard.ProcTicks.open(stat, self, status)) {
            assertNotNull(t);
            assertEquals(3, t.cpus());
            long[] a = new long[4];
            assertTrue(t.read(a));
            // CPUs 2, 3 and 250: busy = user + system + irq + softirq + steal (nice apart, this
            // process at nice 0), all = every field to steal, idle = idle + iowait
            long busy = (1000 + 100 + 1 + 1 + 2) * 2 + (2000 + 100 + 1 + 1 + 2);
            long all = busy + 500 * 3 + (7000 + 3) * 3;
            assertEquals(busy, a[0]);
            assertEquals(all, a[1]);
            assertEquals(42, a[2]);
            assertEquals((7000 + 3) * 3, a[3]);
        }
        // niced: the others' nice time counts as taken
        Files.writeString(self, "4242 (java) S 1 4242 4242 0 -1 4194560 900 0 1 0 40 2 0 0 "
                + "30 10 30 0 12345 1000000 5000 18446744073709551615\n");
        Files.writeString(status, "Name:\tjava\n");
        try (LoadGuard.ProcTicks t = LoadGuard.ProcTicks.open(stat, self, status)) {
            assertNotNull(t);
            assertEquals(300, t.cpus());
            long[] a = new long[4];
            assertTrue(t.read(a));
            assertEquals((1000 + 500 + 100 + 4) * 300L + 1000, a[0]);
        }
    }

    @Test
    void procFilesThatAreNotLinuxsReadAsNothing(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path stat = dir.resolve("stat");
        Path self = dir.resolve("self-stat");
        Files.writeString(stat, "no cpu lines here\n");
        Files.writeString(self, "4242 (java) S 1\n");
        assertNull(LoadGuard.ProcTicks.open(stat, self, dir.resolve("none")));
        assertNull(LoadGuard.ProcTicks.open(dir.resolve("none"), self, dir.resolve("none")));
        // CPU lines, but a self stat without its times
        Files.writeString(stat, stat(2, 10, 0, 1, 50));
        try (LoadGuard.ProcTicks t = LoadGuard.ProcTicks.open(stat, self, dir.resolve("none"))) {
            assertNotNull(t);
            assertFalse(t.read(new long[4]));
        }
    }

    // --- the /proc reader on this machine ---

    private static LoadGuard.ProcTicks procTicks() {
        assumeTrue(Files.isReadable(Path.of("/proc/stat")), "no /proc/stat here");
        LoadGuard.ProcTicks t = LoadGuard.ProcTicks.open();
        assertNotNull(t, "/proc/stat is readable but its counters were not read");
        return t;
    }

    @Test
    void procCountsTheCpusThisProcessMayRunOn() {
        try (LoadGuard.ProcTicks t = procTicks()) {
            assertTrue(t.cpus() >= 1, "cpus " + t.cpus());
            // the affinity list is what availableProcessors starts from (a quota may lower it)
            assertTrue(t.cpus() >= Runtime.getRuntime().availableProcessors(),
                    "cpus " + t.cpus() + " < " + Runtime.getRuntime().availableProcessors());
            long[] a = new long[4];
            assertTrue(t.read(a));
            assertTrue(a[0] >= 0 && a[1] > a[0] && a[2] >= 0, java.util.Arrays.toString(a));
        }
    }

    @Test
    void procCountsThisProcessesWorkAsItsOwn() throws Exception {
        try (LoadGuard.ProcTicks t = procTicks()) {
            long[] a = new long[4];
            long[] b = new long[4];
            assertTrue(t.read(a));
            long cpu0 = threadCpu();
            spin(400 * MS);
            long spun = threadCpu() - cpu0;
            assertTrue(t.read(b));
            long own = b[2] - a[2];
            long taken = b[0] - a[0];
            long spunTicks = spun / 10_000_000L;
            // the process's own ticks hold what this thread spun (±2 ticks of accounting)
            assertTrue(own >= spunTicks - 2, "own ticks " + own + " for " + spunTicks + " spun");
            // and the CPUs' busy ticks hold the process's own (their sampling differs by a tick
            // per CPU and window)
            assertTrue(taken >= own - 2 - t.cpus(), "taken " + taken + " < own " + own);
        }
    }

    @Test
    void procCountsABusyProcessBesideThisOneAsTaken() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "no /bin/sh");
        try (LoadGuard.ProcTicks t = procTicks()) {
            Process loop = new ProcessBuilder("/bin/sh", "-c", "while :; do :; done")
                    .redirectErrorStream(true).start();
            try {
                Thread.sleep(100);
                long[] a = new long[4];
                long[] b = new long[4];
                assertTrue(t.read(a));
                long t0 = System.nanoTime();
                Thread.sleep(500);
                assertTrue(t.read(b));
                double ticksPerCpu = (System.nanoTime() - t0) / 10_000_000.0;
                double others = ((b[0] - a[0]) - (b[2] - a[2])) / ticksPerCpu;
                // one busy loop: most of a core, whatever else this machine runs
                assertTrue(others > 0.6, "cores taken by others " + others);
            } finally {
                loop.destroyForcibly();
                loop.waitFor();
            }
        }
    }

    @Test
    void aContextOnLinuxIsGuardedByTheLoad() {
        assumeTrue(Files.isReadable(Path.of("/proc/stat")), "no /proc/stat here");
        LoadGuard g = LoadGuard.open(2);
        assertNotNull(g);
        assertFalse(g.parallel(System.nanoTime()), "workers before the first window");
        g.close();
    }

    private static long threadCpu() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        long x = 0;
        while (System.nanoTime() < end) {
            x += x * 31 + 7;
        }
        if (x == 42) {
            System.out.print("");
        }
    }
}
