package dev.nnc.runtime.kernels;

import java.util.function.LongSupplier;

/**
 * Whether a {@link KernelContext} may use its workers at all: it watches how much of the time
 * the calling thread actually runs while the workers share the work, and hands no work to them
 * while that is clearly below all of it. When another process keeps a core busy, a caller and a
 * worker are three runnable threads on two cores: the scheduler then takes the caller off its
 * core for a share of the time, and what the worker does seldom makes up for it (a 2-thread
 * fmnist_mlp run beside one busy loop trained at 0.83-0.86 times the speed of one thread). On
 * the caller alone, the training has a core to itself again. Which thread runs a part never
 * changes a result: this decides only the speed.
 *
 * <p>How: the guard is asked at the start of every product large enough to split and of every
 * task handed to the workers ahead ({@link #parallel(long)}, with the time). While the workers
 * may be used, it measures windows of at least {@link #WINDOW_NANOS}: the calling thread's CPU
 * time over the window's time. A window in which the caller ran less than {@link #MIN_SHARE} of
 * the time turns the workers off for a hold: {@link #HOLD_NANOS} at first, twice as long after
 * each window in a row that found the same, up to {@link #MAX_HOLD_NANOS}; after the hold the
 * next window (the probe) measures again. So while a competitor stays, the workers run at most
 * one window in every {@link #MAX_HOLD_NANOS} or so; the first measurement of a run, which the
 * JIT's threads may spoil, costs one short hold. A window longer than {@link #GAP_NANOS} (the
 * caller did something else between products, without the kernels) judges nothing.
 *
 * <p>Not thread-safe: it is asked by the thread the context is bound to. It allocates nothing.
 */
final class ContentionGuard {

    /** NOTE: the shortest window measured: a few hundred training steps of a small model. */
    static final long WINDOW_NANOS = 100_000_000L;

    /**
     * NOTE: the least share of a window's time the caller must run for the workers to stay on.
     * Alone on its cores the caller runs nearly all of it (it waits for a worker's part now and
     * then, spinning); beside one CPU-bound competitor, three threads on two cores, it gets about
     * two thirds.
     */
    static final double MIN_SHARE = 0.8;

    /** The first hold without workers after a window that found the caller held back. */
    static final long HOLD_NANOS = 250_000_000L;

    /** The longest hold without workers. */
    static final long MAX_HOLD_NANOS = 1_000_000_000L;

    /** A window longer than this judges nothing (the caller paused between products). */
    static final long GAP_NANOS = 4 * WINDOW_NANOS;

    /** The calling thread's CPU time, nanoseconds. */
    private final LongSupplier cpu;

    private boolean started;
    /** Whether the workers are off until {@link #until}. */
    private boolean holding;
    private long until;
    private long hold = HOLD_NANOS;
    /** The start of the window under way: its time and the caller's CPU time then. */
    private long windowStart;
    private long windowCpu;
    private long lastAsked;
    private int holds;

    /** A guard reading the caller's CPU time from {@code cpu} (nanoseconds, any origin). */
    ContentionGuard(LongSupplier cpu) {
        this.cpu = cpu;
    }

    /**
     * Whether the product (or task ahead) starting at {@code now} (nanoseconds, {@link
     * System#nanoTime()}) may use the workers; called by the bound thread.
     */
    boolean parallel(long now) {
        if (!started) {
            started = true;
            startWindow(now);
            return true;
        }
        if (holding) {
            if (now - until < 0) {
                return false;
            }
            holding = false;
            startWindow(now);
            return true;
        }
        long span = now - windowStart;
        long sinceLast = now - lastAsked;
        lastAsked = now;
        if (sinceLast > GAP_NANOS) {
            // the caller was away from the kernels: a new window from here
            startWindow(now);
            return true;
        }
        if (span < WINDOW_NANOS) {
            return true;
        }
        long used = cpu.getAsLong() - windowCpu;
        if (used < MIN_SHARE * span) {
            holding = true;
            holds++;
            until = now + hold;
            hold = Math.min(hold * 2, MAX_HOLD_NANOS);
            return false;
        }
        hold = HOLD_NANOS;
        startWindow(now);
        return true;
    }

    private void startWindow(long now) {
        windowStart = now;
        lastAsked = now;
        windowCpu = cpu.getAsLong();
    }

    /** Holds without workers so far. */
    int holds() {
        return holds;
    }
}
