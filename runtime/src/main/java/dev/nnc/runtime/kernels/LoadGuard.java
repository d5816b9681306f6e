package dev.nnc.runtime.kernels;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * Whether a {@link KernelContext} may use its workers at all, judged from what the other
 * processes on the machine take of the cores this process may run on: the workers take part
 * while at least half a core would be left beyond the calling thread's if the others got all
 * they want. When another process keeps a core of two busy, a caller and a worker would be three runnable threads on two cores: the
 * scheduler would take the caller off its core for a share of the time, and what the worker does
 * seldom makes up for it. Without its workers the caller has a core to itself again, exactly as a
 * one-thread run. Which thread runs a part never changes a result: this decides only the speed.
 *
 * <p>How: Linux counts, per CPU, the time spent busy and idle ({@code /proc/stat}) and, per
 * process, the CPU time its threads took ({@code /proc/self/stat}, the JIT's and the collector's
 * included). Every {@link #WINDOW_NANOS} at most, the guard reads both: the busy time of the
 * CPUs this process may run on ({@code Cpus_allowed_list}) less this process's own is what the
 * others took; over the window's CPU time it is how many cores they held. That is what they
 * want unless the CPUs were all busy: then every runnable thread got about the same share, and
 * the others want as many cores, to the count of this process's threads that ran, as they took
 * to this process's time. Unlike {@link
 * ContentionGuard}, nothing is probed: the workers never run in a window only to find they cost,
 * and never stay off in one only to find they did not. The time of processes of lower priority
 * ({@code nice} above 0) does not count as taken when this process has the default priority or
 * a higher one: the scheduler gives them little of a core this process's threads want. Until the
 * first window is over (it starts when the context is opened, before the run reads its data),
 * the workers are off.
 *
 * <p>Not thread-safe: it is asked by the thread the context is bound to. It allocates nothing
 * after it is opened; {@link #close()} closes the two files it keeps open.
 */
final class LoadGuard implements WorkerGuard {

    /** NOTE: the shortest window judged: ten ticks of Linux's CPU accounting (100 Hz) per CPU. */
    static final long WINDOW_NANOS = 100_000_000L;

    /**
     * NOTE: the cores left beyond the caller's below which workers that are on go off: a worker
     * that gets less than half a core holds the caller up at every product it takes a part of.
     * Beside one busy loop on two cores, 0.0 is left; alone, 0.9 to 1.0 (a tick of 20 in a
     * window is 0.1).
     */
    static final double MIN_SPARE = 0.5;

    /**
     * NOTE: the cores left beyond the caller's from which workers that are off come back: apart
     * from {@link #MIN_SPARE} by more than a tick either way of a window, so that a load between
     * the two does not switch them back and forth.
     */
    static final double MIN_SPARE_BACK = 0.8;

    /** NOTE: CPUs idle less than this many cores in a window were all busy. */
    static final double SATURATED = 0.25;

    /** Reads the tick counters: see {@link ProcTicks}. */
    interface Ticks extends AutoCloseable {
        /**
         * Fills {@code into} with the ticks so far (any origin): [0] the busy ticks of the CPUs
         * this process may run on that count as taken, [1] all their ticks, idle included,
         * [2] this process's own CPU ticks, [3] their idle ticks. False when they could not be
         * read.
         */
        boolean read(long[] into);

        /** How many CPUs the ticks of [0] and [1] are counted over. */
        int cpus();

        @Override
        void close();
    }

    private final Ticks ticks;
    private final int threads;
    private final long[] last = new long[4];
    private final long[] now = new long[4];
    private long windowStart;
    private boolean way;
    private double spare = Double.NaN;
    private int windows;
    private int switches;

    /**
     * A guard for a context of {@code threads} threads on {@code ticks}, its first window
     * starting at {@code start} ({@link System#nanoTime()}).
     *
     * @throws IllegalStateException when the ticks cannot be read
     */
    LoadGuard(int threads, Ticks ticks, long start) {
        this.threads = threads;
        this.ticks = ticks;
        this.windowStart = start;
        if (!ticks.read(last)) {
            throw new IllegalStateException("ticks unreadable");
        }
    }

    /**
     * A guard on this machine's {@code /proc}, or null where there is none to read (not Linux,
     * or a sandbox that hides it).
     */
    static LoadGuard open(int threads) {
        ProcTicks t = ProcTicks.open();
        if (t == null) {
            return null;
        }
        try {
            return new LoadGuard(threads, t, System.nanoTime());
        } catch (IllegalStateException e) {
            t.close();
            return null;
        }
    }

    @Override
    public boolean parallel(long nowNanos) {
        if (nowNanos - windowStart < WINDOW_NANOS) {
            return way;
        }
        if (!ticks.read(now)) {
            // /proc went away under the run: the workers as the last window left them
            windowStart = nowNanos;
            return way;
        }
        long total = now[1] - last[1];
        if (total <= 0) {
            // no tick counted yet (a clock coarser than the window): the window goes on
            return way;
        }
        int cpus = ticks.cpus();
        double perCore = (double) total / cpus;
        double own = (now[2] - last[2]) / perCore;
        double others = Math.max(0, (now[0] - last[0]) - (now[2] - last[2])) / perCore;
        double idle = (now[3] - last[3]) / perCore;
        if (idle < SATURATED && own > 0.1) {
            // all busy: each runnable thread got about the same share; this process had its
            // caller (and workers) running, or more where it took more of the time (the JIT's
            // threads, a warm-up copy)
            int runnable = Math.max(way ? Math.min(threads, cpus) : 1,
                    Math.min(cpus, (int) Math.ceil(own - 0.1)));
            others = Math.min(cpus, others * runnable / own);
        }
        spare = cpus - others - 1.0;
        boolean next = spare >= (way ? MIN_SPARE : MIN_SPARE_BACK);
        if (next != way && windows > 0) {
            switches++;
        }
        way = next;
        windows++;
        System.arraycopy(now, 0, last, 0, 4);
        windowStart = nowNanos;
        return way;
    }

    /** The cores left beyond the caller's in the last window judged; NaN before the first. */
    double spare() {
        return spare;
    }

    /** Windows judged so far. */
    int windows() {
        return windows;
    }

    /** Windows after the first that changed the way. */
    int switches() {
        return switches;
    }

    @Override
    public void close() {
        ticks.close();
    }

    /**
     * The tick counters of Linux's {@code /proc}: the lines {@code cpuN} of {@code /proc/stat}
     * for the CPUs in {@code Cpus_allowed_list} of {@code /proc/self/status} (all of them when it
     * cannot be read), and {@code utime + stime} of {@code /proc/self/stat}. Both files stay open
     * and are read again from their start; a read allocates nothing.
     */
    static final class ProcTicks implements Ticks {
        private static final Path STAT = Path.of("/proc/stat");
        private static final Path SELF_STAT = Path.of("/proc/self/stat");
        private static final Path SELF_STATUS = Path.of("/proc/self/status");
        /** The most the buffer grows to (some 10,000 CPU lines). */
        private static final int MAX_BUFFER = 1 << 20;

        private final RandomAccessFile stat;
        private final RandomAccessFile self;
        /** The CPUs counted; null: every CPU line. */
        private final BitSet allowed;
        private final int cpus;
        /** Grown while the CPU lines of /proc/stat do not fit (a machine of many CPUs). */
        private byte[] buf = new byte[8192];
        private final long[] fields = new long[10];
        /** {@link #scan}'s sums. */
        private final long[] sums = new long[3];
        /** The numbers of /proc/self/stat from its 4th field on. */
        private final long[] selfFields = new long[16];
        /** Whether lower-priority processes' time ({@code nice}) counts as taken. */
        private boolean niceTaken;

        private ProcTicks(RandomAccessFile stat, RandomAccessFile self, BitSet allowed, int cpus) {
            this.stat = stat;
            this.self = self;
            this.allowed = allowed;
            this.cpus = cpus;
        }

        /** The counters of this machine, or null where they cannot be read. */
        static ProcTicks open() {
            return open(STAT, SELF_STAT, SELF_STATUS);
        }

        /**
         * The counters of files laid out as {@code /proc/stat}, {@code /proc/self/stat} and
         * {@code /proc/self/status} are, or null where they cannot be read.
         */
        static ProcTicks open(Path statFile, Path selfStat, Path selfStatus) {
            if (!Files.isReadable(statFile) || !Files.isReadable(selfStat)) {
                return null;
            }
            RandomAccessFile stat = null;
            RandomAccessFile self = null;
            try {
                BitSet allowed = null;
                if (Files.isReadable(selfStatus)) {
                    for (String line : Files.readAllLines(selfStatus, StandardCharsets.UTF_8)) {
                        if (line.startsWith("Cpus_allowed_list:")) {
                            allowed = parseCpuList(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                }
                stat = new RandomAccessFile(statFile.toFile(), "r");
                self = new RandomAccessFile(selfStat.toFile(), "r");
                ProcTicks probe = new ProcTicks(stat, self, allowed, 0);
                int cpus = probe.scan();
                if (cpus <= 0 && allowed != null) {
                    // an affinity list that names no CPU line: count them all
                    probe = new ProcTicks(stat, self, null, 0);
                    allowed = null;
                    cpus = probe.scan();
                }
                if (cpus <= 0) {
                    stat.close();
                    self.close();
                    return null;
                }
                ProcTicks t = new ProcTicks(stat, self, allowed, cpus);
                t.niceTaken = t.selfNice() > 0;
                return t;
            } catch (IOException | RuntimeException e) {
                closeQuietly(stat);
                closeQuietly(self);
                return null;
            }
        }

        @Override
        public int cpus() {
            return cpus;
        }

        @Override
        public boolean read(long[] into) {
            try {
                if (scan() == 0) {
                    return false;
                }
                long own = selfTicks();
                if (own < 0) {
                    return false;
                }
                into[0] = sums[0];
                into[1] = sums[1];
                into[2] = own;
                into[3] = sums[2];
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public void close() {
            closeQuietly(stat);
            closeQuietly(self);
        }

        /**
         * Reads /proc/stat and sums the lines of the CPUs counted into {@link #sums}: [0] their
         * busy ticks that count as taken, [1] all their ticks, [2] their idle ticks; how many
         * CPU lines it summed.
         */
        private int scan() throws IOException {
            long taken = 0;
            long all = 0;
            long idleAll = 0;
            int counted = 0;
            int n = fillStat();
            for (int pos = 0; pos < n; ) {
                int end = lineEnd(n, pos);
                int cpu = cpuLine(pos, end);
                if (cpu == -2) {
                    break;   // past the CPU lines
                }
                if (cpu >= 0 && (allowed == null || allowed.get(cpu))) {
                    int k = longs(pos, end, fields);
                    if (k >= 4) {
                        // user nice system idle iowait irq softirq steal (guest time is
                        // counted in user and nice already)
                        long sum = 0;
                        for (int i = 0; i < Math.min(k, 8); i++) {
                            sum += fields[i];
                        }
                        long idle = fields[3] + (k > 4 ? fields[4] : 0);
                        long busy = sum - idle;
                        taken += niceTaken ? busy : busy - fields[1];
                        all += sum;
                        idleAll += idle;
                        counted++;
                    }
                }
                pos = end + 1;
            }
            sums[0] = taken;
            sums[1] = all;
            sums[2] = idleAll;
            return counted;
        }

        /**
         * {@code utime + stime} of this process, or −1: the fields after the command name's
         * closing parenthesis (the name may hold spaces and parentheses).
         */
        private long selfTicks() throws IOException {
            return readSelf() >= 12 ? selfFields[10] + selfFields[11] : -1;
        }

        /** This process's nice value, or 0 when it cannot be read. */
        private long selfNice() throws IOException {
            return readSelf() >= 16 ? selfFields[15] : 0;
        }

        /**
         * Reads /proc/self/stat: the numbers after the state letter that follows the command
         * name's closing parenthesis, into {@link #selfFields} (field 4, ppid, at 0, … utime (14)
         * at 10, stime (15) at 11, nice (19) at 15); their count.
         */
        private int readSelf() throws IOException {
            int n = fill(self);
            int close = lastParen(n);
            if (close < 0) {
                return 0;
            }
            int end = lineEnd(n, close);
            return close + 2 < end ? longs(close + 2, end, selfFields) : 0;
        }

        /**
         * Reads /proc/stat from its start, the buffer grown until it holds the end of the CPU
         * lines (a line that is not one) or the whole file; the bytes read.
         */
        private int fillStat() throws IOException {
            int n = fill(stat);
            while (n == buf.length && !cpuLinesEnd(n) && buf.length < MAX_BUFFER) {
                buf = new byte[buf.length * 2];
                n = fill(stat);
            }
            return n;
        }

        /** Whether the first {@code n} bytes hold the start of a line that is no CPU line. */
        private boolean cpuLinesEnd(int n) {
            for (int pos = 0; pos < n; ) {
                int end = lineEnd(n, pos);
                if (end < n && cpuLine(pos, end) == -2) {
                    return true;
                }
                pos = end + 1;
            }
            return false;
        }

        private int fill(RandomAccessFile f) throws IOException {
            f.seek(0);
            int n = 0;
            while (n < buf.length) {
                int r = f.read(buf, n, buf.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            return n;
        }

        private int lineEnd(int n, int pos) {
            int i = pos;
            while (i < n && buf[i] != '\n') {
                i++;
            }
            return i;
        }

        /**
         * For a line of /proc/stat from {@code pos}: the CPU number of a {@code cpuN} line, −1
         * for the line of all CPUs ({@code cpu }), −2 for any other line.
         */
        private int cpuLine(int pos, int end) {
            if (end - pos < 4 || buf[pos] != 'c' || buf[pos + 1] != 'p' || buf[pos + 2] != 'u') {
                return -2;
            }
            int i = pos + 3;
            if (buf[i] == ' ') {
                return -1;
            }
            int cpu = 0;
            while (i < end && buf[i] >= '0' && buf[i] <= '9') {
                cpu = cpu * 10 + (buf[i++] - '0');
            }
            return cpu;
        }

        private int lastParen(int n) {
            for (int i = n - 1; i >= 0; i--) {
                if (buf[i] == ')') {
                    return i;
                }
            }
            return -1;
        }

        /**
         * The numbers of the line {@code pos .. end} after its first word, into {@code out};
         * their count (at most {@code out.length}).
         */
        private int longs(int pos, int end, long[] out) {
            int i = pos;
            while (i < end && buf[i] != ' ') {
                i++;
            }
            int k = 0;
            while (i < end && k < out.length) {
                while (i < end && buf[i] == ' ') {
                    i++;
                }
                if (i >= end) {
                    break;
                }
                boolean neg = buf[i] == '-';
                if (neg) {
                    i++;
                }
                long v = 0;
                while (i < end && buf[i] >= '0' && buf[i] <= '9') {
                    v = v * 10 + (buf[i++] - '0');
                }
                out[k++] = neg ? -v : v;
                while (i < end && buf[i] != ' ') {
                    i++;
                }
            }
            return k;
        }
    }

    /** The CPUs of a list such as {@code 0-3,8,10-11}; null when it cannot be parsed. */
    static BitSet parseCpuList(String list) {
        BitSet set = new BitSet();
        if (list.isEmpty()) {
            return null;
        }
        for (String part : list.split(",")) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-');
                if (dash < 0) {
                    set.set(Integer.parseInt(p));
                } else {
                    int lo = Integer.parseInt(p.substring(0, dash));
                    int hi = Integer.parseInt(p.substring(dash + 1));
                    if (lo < 0 || hi < lo) {
                        return null;
                    }
                    set.set(lo, hi + 1);
                }
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                return null;
            }
        }
        return set;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // nothing to do: the file is gone either way
            }
        }
    }
}
