package dev.nnc.runtime.kernels;

/**
 * Whether a {@link KernelContext} hands the parts of its split products to its workers or runs
 * each product whole on the calling thread: it measures both and keeps the faster. Splitting pays
 * while the workers get a core; when another process holds one (a busy core, another training
 * run), a worker taken off its core in the middle of a part makes the caller wait for it, and
 * the split steps can be slower than the caller alone. Which one runs never changes a result:
 * a product's outputs are the same bits however it is split, so this decides only the speed.
 *
 * <p>How: the governor is asked at the start of every product large enough to split ({@link
 * #split(long, Object)}, with the time and the task), so the time from one such product to the
 * next covers the whole training step between them, the products run on the caller alone
 * included. After {@link #WARMUP_NANOS} of splitting (the kernels compiling), it
 * <em>probes</em>: {@link #PHASES} phases, alone, split, split, alone, alone, split, split,
 * alone (the next probe the other way round), so that a load that grows or fades during a probe
 * favours neither way. A phase lasts at least {@link #PHASE_NANOS} and {@link #PHASE_CALLS}
 * products and ends where it began in the cycle of a training step's products: at a product of
 * the task the probe began with (a probe whose task does not come again within {@link
 * #MAX_PHASE_CALLS} products starts over). The probe's evidence is the logarithm of the ratio of the time
 * per product split to the time alone, averaged with the earlier probes' (each probe counting as
 * much as all before it), since one probe on a loaded machine is noisy. The governor changes the
 * way only when that average favours the other by more than {@link #MARGIN}, and probes again
 * {@link #HOLD_NANOS} after a change, twice as long after each probe that kept the way, up to
 * {@link #MAX_HOLD_NANOS} (a competitor can come and go). A gap between two products longer than
 * {@link #GAP_NANOS} (an evaluation between epochs, the caller's own pause) throws away the probe
 * under way, which starts over.
 *
 * <p>Not thread-safe: it is asked by the thread the context is bound to. It allocates nothing.
 */
final class SplitGovernor {

    /** NOTE: splitting, unmeasured, while the run's kernels compile. */
    static final long WARMUP_NANOS = 200_000_000L;

    /**
     * NOTE: the shortest phase of a probe. A training step of a small model takes about a
     * millisecond: a phase spans a few, and the eight phases of a probe, alternating, see the
     * same load from other processes.
     */
    static final long PHASE_NANOS = 6_000_000L;

    /** The fewest products a phase of a probe counts. */
    static final int PHASE_CALLS = 8;

    /**
     * The most products a phase counts waiting for a product of the task the probe began with:
     * a probe that began with a product that comes once in a while (at the short last batch of
     * an epoch) starts over at the product then under way.
     */
    static final int MAX_PHASE_CALLS = 64 * PHASE_CALLS;

    /** The phases of a probe. */
    static final int PHASES = 8;

    /**
     * NOTE: how much faster the other way must seem to be taken: between phases of the same way
     * the time per product differs by a few percent on a loaded machine.
     */
    static final double MARGIN = 0.03;

    /** The time from a probe that changed the way to the next probe. */
    static final long HOLD_NANOS = 128_000_000L;

    /** The longest time between two probes. */
    static final long MAX_HOLD_NANOS = 1_024_000_000L;

    /** A gap between two products that spoils the probe under way. */
    static final long GAP_NANOS = 50_000_000L;

    private static final double LOG_MARGIN = Math.log1p(MARGIN);

    private boolean splitting = true;
    private boolean started;
    /** The time of the last product. */
    private long last;
    /** While holding a way: when the next probe starts. */
    private long holdUntil;
    private long hold = HOLD_NANOS;
    /** The phase of the probe under way, 0 .. PHASES − 1, or −1 while holding a way. */
    private int phase = -1;
    /** The next probe (and the one under way) starts with a phase alone. */
    private boolean serialFirst = true;
    /** The task the probe under way began with: its phases begin and end at it. */
    private Object anchor;
    private long phaseStart;
    private int phaseCalls;
    private long serialNanos;
    private long serialCalls;
    private long splitNanos;
    private long splitCalls;
    /** The average of ln(split time / time alone) over the probes so far. */
    private double evidence;
    private int probes;
    private int switches;

    /**
     * Whether the product of {@code task} starting at {@code now} (nanoseconds, {@link
     * System#nanoTime()}) runs split across the workers; called once per product that is large
     * enough to split.
     */
    boolean split(long now, Object task) {
        if (!started) {
            started = true;
            last = now;
            holdUntil = now + WARMUP_NANOS;
            return splitting;
        }
        long gap = now - last;
        last = now;
        if (phase < 0) {
            if (now - holdUntil < 0) {
                return splitting;
            }
            startProbe(now, task);
            return phaseSplits();
        }
        if (gap > GAP_NANOS) {
            startProbe(now, task);
            return phaseSplits();
        }
        phaseCalls++;
        if (phaseCalls > MAX_PHASE_CALLS) {
            startProbe(now, task);
            return phaseSplits();
        }
        if (task != anchor || phaseCalls <= PHASE_CALLS || now - phaseStart < PHASE_NANOS) {
            return phaseSplits();
        }
        // The product starting now ends this phase (its calls counted the products that ran
        // in it, from its first to the one before this) and starts the next.
        long nanos = now - phaseStart;
        int calls = phaseCalls - 1;
        if (phaseSplits()) {
            splitNanos += nanos;
            splitCalls += calls;
        } else {
            serialNanos += nanos;
            serialCalls += calls;
        }
        if (++phase < PHASES) {
            phaseStart = now;
            phaseCalls = 1;
            return phaseSplits();
        }
        decide(now);
        return splitting;
    }

    /** Whether the current way is to split (the last decision, or splitting before the first). */
    boolean splitting() {
        return splitting;
    }

    /** Probes finished so far. */
    int probes() {
        return probes;
    }

    /** Probes that changed the way. */
    int switches() {
        return switches;
    }

    private void startProbe(long now, Object task) {
        phase = 0;
        anchor = task;
        phaseStart = now;
        phaseCalls = 1;
        serialNanos = 0;
        serialCalls = 0;
        splitNanos = 0;
        splitCalls = 0;
    }

    /** Whether the phase under way splits: alone, split, split, alone, ..., or the reverse. */
    private boolean phaseSplits() {
        boolean split = ((phase + 1) >> 1 & 1) == 1;
        return split == serialFirst;
    }

    private void decide(long now) {
        double serial = (double) serialNanos / serialCalls;
        double split = (double) splitNanos / splitCalls;
        double ratio = Math.log(split / serial);
        probes++;
        evidence = probes == 1 ? ratio : (evidence + ratio) / 2;
        boolean next = splitting ? evidence <= LOG_MARGIN : evidence < -LOG_MARGIN;
        if (next == splitting) {
            hold = Math.min(hold * 2, MAX_HOLD_NANOS);
        } else {
            switches++;
            hold = HOLD_NANOS;
            splitting = next;
        }
        serialFirst = !serialFirst;
        phase = -1;
        anchor = null;
        holdUntil = now + hold;
    }
}
