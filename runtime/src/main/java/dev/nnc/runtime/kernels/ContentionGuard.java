package dev.nnc.runtime.kernels;

import java.util.function.LongSupplier;

/**
 * Whether a {@link KernelContext} may use its workers at all, where {@link LoadGuard} cannot
 * read what the other processes take of the cores (off Linux): it compares how much of the time
 * the calling thread actually runs while the workers share the work with how much it runs
 * without them, and hands them no work while they cost the caller clearly more of its time than
 * they can make up for. When another process keeps a core busy, a caller and a worker are three
 * runnable threads on two cores: the scheduler then takes the caller off its core for a share of
 * the time, and what the worker does seldom makes up for it (a 2-thread fmnist_mlp run beside
 * one busy loop trained at 0.83-0.86 times the speed of one thread). Without its workers the
 * caller has a core to itself again. When the caller runs as little either way (many processes
 * of lower priority, each getting its turn), the workers take their time from the others, not
 * from the caller, and stay on. Which thread runs a part never changes a result: this decides
 * only the speed.
 *
 * <p>How: the guard is asked at the start of every product large enough to split and of every
 * task handed to the workers ahead ({@link #parallel(long)}, with the time). Now and then it
 * probes: a window of at least {@link #WINDOW_NANOS} without the workers and one with them (the
 * next probe the other way round), each measuring the calling thread's CPU time over the
 * window's time. When the share with the workers is below {@link #MIN_RATIO} of the share
 * without them, workers that were on are off until the next probe; workers that were off come
 * back at {@link #MIN_RATIO_BACK} of it, so that a share close to the limit does not switch
 * them back and forth. The next probe comes after a hold: {@link #HOLD_NANOS} after a probe that
 * changed the way, twice as long after each that kept it, up to {@link #MAX_HOLD_NANOS} while
 * the workers are on and {@link #MAX_HOLD_OFF_NANOS} while they are off (when a probe's window
 * with the workers, {@link #OFF_WINDOW_NANOS} long then, is what costs); so a probe costs at most
 * one window in the slower way in every hold, and the first ones of a run, which the JIT's
 * threads may spoil, cost short holds. A window in which the caller went longer than {@link #GAP_NANOS}
 * without asking (it did something else than the kernels) starts again.
 *
 * <p>Not thread-safe: it is asked by the thread the context is bound to. It allocates nothing.
 */
final class ContentionGuard implements WorkerGuard {

    /** NOTE: the shortest window measured: a few hundred training steps of a small model. */
    static final long WINDOW_NANOS = 100_000_000L;

    /**
     * NOTE: the least ratio of the caller's share of the time with the workers to its share
     * without them for the workers to stay on: what the workers can make up for, as a 2-thread
     * training alone on two cores is 1.1-1.2 times as fast as one thread. Alone on its cores the
     * caller runs nearly all of the time either way (it waits for a worker's part now and then,
     * spinning); beside one CPU-bound competitor it runs all of it without the workers and about
     * two thirds with them.
     */
    static final double MIN_RATIO = 0.9;

    /**
     * NOTE: the least ratio for workers that are off to be taken back: a ratio between this and
     * {@link #MIN_RATIO} keeps the way the workers are. Beside one busy loop, with most products
     * run whole by the {@link SplitGovernor}, the caller ran 0.90 to 0.94 of the time it ran
     * without the workers (2-thread fmnist_mlp runs): at 0.9 the guard took them back after such
     * probes and held them on for a quarter of a second or more, slower than without them.
     */
    static final double MIN_RATIO_BACK = 0.95;

    /** The hold from a probe that changed the way (and from the start) to the next probe. */
    static final long HOLD_NANOS = 250_000_000L;

    /** The longest hold between two probes while the workers are on. */
    static final long MAX_HOLD_NANOS = 1_000_000_000L;

    /**
     * NOTE: the longest hold between two probes while the workers are off. Each probe then runs
     * a window with the workers, in which, beside a CPU-bound competitor, the caller runs about
     * two thirds of the time: at a window in every second or so that cost a 2-thread run a few
     * percent against one thread. A competitor that leaves is seen this much later at most.
     */
    static final long MAX_HOLD_OFF_NANOS = 2_000_000_000L;

    /**
     * NOTE: a probe's window with the workers while they are off is this long, not {@link
     * #WINDOW_NANOS}: it is the probe's cost (above), and a share of about two thirds, against
     * {@link #MIN_RATIO_BACK}, shows in half the time.
     */
    static final long OFF_WINDOW_NANOS = WINDOW_NANOS / 2;

    /** A window in which the caller went this long without asking starts again. */
    static final long GAP_NANOS = 4 * WINDOW_NANOS;

    /** The calling thread's CPU time, nanoseconds. */
    private final LongSupplier cpu;

    private boolean started;
    /** Whether the workers are on while holding. */
    private boolean way = true;
    /** 0: holding until {@link #until}; 1, 2: the first and second window of a probe. */
    private int phase;
    private long until;
    private long hold = HOLD_NANOS;
    /** The probe under way starts with the window without workers. */
    private boolean serialFirst = true;
    /** The start of the window under way: its time and the caller's CPU time then. */
    private long windowStart;
    private long windowCpu;
    private long lastAsked;
    /** The caller's share of the first window of the probe under way. */
    private double firstShare;
    private int probes;
    private int switches;

    /** A guard reading the caller's CPU time from {@code cpu} (nanoseconds, any origin). */
    ContentionGuard(LongSupplier cpu) {
        this.cpu = cpu;
    }

    /**
     * Whether the product (or task ahead) starting at {@code now} (nanoseconds, {@link
     * System#nanoTime()}) may use the workers; called by the bound thread.
     */
    @Override
    public boolean parallel(long now) {
        if (!started) {
            started = true;
            until = now + HOLD_NANOS;
            lastAsked = now;
            return way;
        }
        long sinceLast = now - lastAsked;
        lastAsked = now;
        if (phase == 0) {
            if (now - until < 0) {
                return way;
            }
            phase = 1;
            startWindow(now);
            return windowWay();
        }
        if (sinceLast > GAP_NANOS) {
            // the caller was away from the kernels: the window again from here
            startWindow(now);
            return windowWay();
        }
        long span = now - windowStart;
        boolean workers = windowWay();
        if (span < (workers && !way ? OFF_WINDOW_NANOS : WINDOW_NANOS)) {
            return workers;
        }
        double share = (double) (cpu.getAsLong() - windowCpu) / span;
        if (phase == 1) {
            firstShare = share;
            phase = 2;
            startWindow(now);
            return windowWay();
        }
        double alone = serialFirst ? firstShare : share;
        double split = serialFirst ? share : firstShare;
        boolean next = split >= (way ? MIN_RATIO : MIN_RATIO_BACK) * alone;
        probes++;
        if (next != way) {
            way = next;
            switches++;
            hold = HOLD_NANOS;
        } else {
            hold = Math.min(hold * 2, way ? MAX_HOLD_NANOS : MAX_HOLD_OFF_NANOS);
        }
        until = now + hold;
        serialFirst = !serialFirst;
        phase = 0;
        return way;
    }

    /** Whether the window under way uses the workers. */
    private boolean windowWay() {
        return (phase == 1) != serialFirst;
    }

    private void startWindow(long now) {
        windowStart = now;
        windowCpu = cpu.getAsLong();
    }

    /** Probes finished so far. */
    int probes() {
        return probes;
    }

    /** Probes that changed the way. */
    int switches() {
        return switches;
    }
}
