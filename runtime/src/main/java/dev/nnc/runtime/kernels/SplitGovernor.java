package dev.nnc.runtime.kernels;

/**
 * Whether a {@link KernelContext} hands the parts of its split products to its workers or runs
 * each product whole on the calling thread: it measures both and keeps the faster, for each kind
 * of product on its own. Splitting pays while the workers get a core; when another process holds
 * one (a busy core, another training run), a worker taken off its core in the middle of a part
 * makes the caller wait for it, and the split steps can be slower than the caller alone; and
 * where two threads share a core's resources, a small product can be slower split even on an
 * idle machine while a larger one (an evaluation's, over more samples) is faster. Which one runs
 * never changes a result: a product's outputs are the same bits however it is split, so this
 * decides only the speed.
 *
 * <p>How: the governor is asked at the start of every product large enough to split ({@link
 * #split(long, Object, long)}, with the time, the task and the product's size). A <em>kind</em>
 * of product is a task at one size (a layer's forward product at the batch size of the training
 * steps is one kind; the same product over an evaluation's larger chunks is another): the kinds
 * of a training step and those of the evaluations between epochs are judged apart, so that an
 * evaluation that falls in a measurement neither spoils nor decides the steps' way. The time
 * from the start of one product to the start of the next is counted to the first one's kind: it
 * covers the product and the work on the caller alone after it, which a worker spinning beside
 * it can slow. After {@link #WARMUP_NANOS} of splitting (the kernels compiling), the governor
 * <em>probes</em>: {@link #PHASES} phases, alone, split, split, alone, alone, split, split,
 * alone (the next probe the other way round), each at least {@link #PHASE_NANOS} and {@link
 * #PHASE_CALLS} products long, so that a load that grows or fades during a probe favours neither
 * way. For each kind, each of the four pairs of neighbouring phases gives the logarithm of the
 * ratio of its time per product split to its time alone; the probe's verdict on the kind is the
 * median of those (of at least three pairs that ran the kind), so that one phase disturbed (a
 * collection, another process's burst, the start of an evaluation) does not decide. The verdict,
 * counted as one way 1.5 times as fast at most ({@link #LOG_CAP}), is averaged with the kind's
 * earlier ones (each probe counting as much as all before it), and the kind changes its way only
 * when that average favours the other by more than {@link #MARGIN}. A kind first seen after the
 * first probe runs split until a probe has judged it. Each kind has its own time to its next
 * probe: {@link #HOLD_NANOS} after a probe that changed its way, or whose own verdict favoured
 * the other way by more than the margin (the earlier ones kept it); twice as long after each
 * other probe that kept its way, up to {@link #MAX_HOLD_NANOS} (a competitor can come and
 * go). A probe starts when a kind is due and judges only the kinds due then; the others keep
 * their way in all its phases. Half of a probe's phases run the way that loses, which costs a
 * kind the more, the more it loses: a product that splitting makes twice as slow is not split
 * again whenever another kind, whose two ways are close, changes its way (a 2-thread fmnist_mlp
 * run on a loaded 2-core machine: 19 probes, 7 of them changing the optimizer's or an
 * evaluation's way, and the first layer's products, 1.7 and 2.6 times as slow split, split in
 * all of them). A gap between two products longer than {@link #GAP_NANOS} (the caller's own
 * pause) is counted to no kind.
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

    /** The phases of a probe. */
    static final int PHASES = 8;

    /**
     * NOTE: how much faster the other way must seem to be taken: between phases of the same way
     * the time per product differs by a few percent on a loaded machine.
     */
    static final double MARGIN = 0.03;

    /** The time from a probe that changed a kind's way to the kind's next probe. */
    static final long HOLD_NANOS = 128_000_000L;

    /** The longest time between two probes of a kind. */
    static final long MAX_HOLD_NANOS = 1_024_000_000L;

    /** A gap between two products that is counted to neither. */
    static final long GAP_NANOS = 50_000_000L;

    /**
     * The kinds of product a governor keeps apart; beyond them, the one used least recently is
     * forgotten. A model's training step has a few (a dense layer: its forward product, its
     * weights' gradient, the optimizer's update), the short last batch of an epoch and the
     * evaluations as many again.
     */
    static final int KINDS = 32;

    /** The fewest pairs of phases that must have run a kind for a probe to judge it. */
    static final int MIN_PAIRS = 3;

    private static final double LOG_MARGIN = Math.log1p(MARGIN);

    /**
     * NOTE: the most one probe's verdict on a kind counts for: one way 1.5 times as fast as the
     * other. The first probes after the warm-up can find one way several times faster (a kernel
     * compiled, or still measuring its own paths, between the phases): uncapped, such a verdict
     * held a kind on that way through several later probes that found it the slower (a 2-thread
     * fmnist_mlp run: the optimizer's update judged 4.8 and 9.6 times as fast split in the first
     * two probes, then slower split in most of the rest, and split in 3,089 of its 4,689 steps,
     * 3.5 times as slow as alone).
     */
    static final double LOG_CAP = Math.log(1.5);

    // The kinds: a task at a size, its way, and the evidence of the probes that judged it.
    private final Object[] tasks = new Object[KINDS];
    private final long[] sizes = new long[KINDS];
    private final long[] used = new long[KINDS];
    private final boolean[] ways = new boolean[KINDS];
    /** The average of ln(split time / time alone) over the probes that judged the kind. */
    private final double[] evidence = new double[KINDS];
    private final int[] verdicts = new int[KINDS];
    /** When a probe judges the kind next, and the time from its last probe to that. */
    private final long[] dueAt = new long[KINDS];
    private final long[] holds = new long[KINDS];
    /** Whether the probe under way judges the kind (it was due when the probe started). */
    private final boolean[] judged = new boolean[KINDS];
    private int kinds;
    /** Per kind and phase of the probe under way: the time counted to it and its products. */
    private final long[] phaseNanos = new long[KINDS * PHASES];
    private final int[] phaseCalls = new int[KINDS * PHASES];
    /** The verdicts of the pairs of phases on one kind, sorted for the median. */
    private final double[] pairs = new double[PHASES / 2];

    private boolean started;
    /** The start of the last product, and its kind. */
    private long last;
    private int previous = -1;
    /** While holding the ways: when the next probe starts (the warm-up's end, at first). */
    private long holdUntil;
    /** The phase of the probe under way, 0 .. PHASES − 1, or −1 while holding the ways. */
    private int phase = -1;
    /** The next probe (and the one under way) starts with a phase alone. */
    private boolean serialFirst = true;
    private long phaseStart;
    private int calls;
    private int probes;
    private int switches;

    /** {@link #split(long, Object, long)} for a task of one size. */
    boolean split(long now, Object task) {
        return split(now, task, 0);
    }

    /**
     * Whether the product of {@code task} of size {@code size} (any measure of it: products of
     * one task at different sizes are judged apart) starting at {@code now} (nanoseconds, {@link
     * System#nanoTime()}) runs split across the workers; called once per product that is large
     * enough to split.
     */
    boolean split(long now, Object task, long size) {
        int k = kind(task, size, now);
        if (!started) {
            started = true;
            last = now;
            previous = k;
            holdUntil = now + WARMUP_NANOS;
            return ways[k];
        }
        long gap = now - last;
        if (phase >= 0 && gap <= GAP_NANOS && judged[previous]) {
            int i = previous * PHASES + phase;
            phaseNanos[i] += gap;
            phaseCalls[i]++;
        }
        last = now;
        previous = k;
        if (phase < 0) {
            if (now - holdUntil < 0) {
                return ways[k];
            }
            startProbe(now);
            phaseStart = now;
            calls = 1;
            return phaseSplits(k);
        }
        if (++calls <= PHASE_CALLS || now - phaseStart < PHASE_NANOS) {
            return phaseSplits(k);
        }
        // The product starting now ends this phase (its time was counted above) and starts the
        // next.
        if (++phase < PHASES) {
            phaseStart = now;
            calls = 1;
            return phaseSplits(k);
        }
        decide(now);
        return ways[k];
    }

    /** Starts a probe of the kinds that are due (every kind, at the first). */
    private void startProbe(long now) {
        phase = 0;
        for (int j = 0; j < kinds; j++) {
            judged[j] = dueAt[j] - now <= 0;
        }
    }

    /** The way of products of {@code task} at {@code size}: split, unless a probe found not. */
    boolean splitting(Object task, long size) {
        for (int k = 0; k < kinds; k++) {
            if (tasks[k] == task && sizes[k] == size) {
                return ways[k];
            }
        }
        return true;
    }

    /** {@link #splitting(Object, long)} for a task of one size. */
    boolean splitting(Object task) {
        return splitting(task, 0);
    }

    /** Probes finished so far. */
    int probes() {
        return probes;
    }

    /** Probes that changed the way of a kind. */
    int switches() {
        return switches;
    }

    /** The kind of products of {@code task} at {@code size}: found, or taken from the oldest. */
    private int kind(Object task, long size, long now) {
        for (int k = 0; k < kinds; k++) {
            if (tasks[k] == task && sizes[k] == size) {
                used[k] = now;
                return k;
            }
        }
        int k;
        if (kinds < KINDS) {
            k = kinds++;
        } else {
            k = previous == 0 ? 1 : 0;
            for (int j = 0; j < KINDS; j++) {
                if (j != previous && used[j] - used[k] < 0) {
                    k = j;
                }
            }
            clearPhases(k);
        }
        tasks[k] = task;
        sizes[k] = size;
        used[k] = now;
        ways[k] = true;
        evidence[k] = 0;
        verdicts[k] = 0;
        // judged by the next probe; not by one under way, which started without it
        dueAt[k] = now;
        holds[k] = HOLD_NANOS;
        judged[k] = false;
        return k;
    }

    private void clearPhases(int k) {
        for (int p = 0; p < PHASES; p++) {
            phaseNanos[k * PHASES + p] = 0;
            phaseCalls[k * PHASES + p] = 0;
        }
    }

    /**
     * Whether a product of kind {@code k} splits in the phase under way: alone, split, split,
     * alone, ..., or the reverse, when the probe judges the kind; else its way.
     */
    private boolean phaseSplits(int k) {
        return judged[k] ? phaseSplitsIn(phase) : ways[k];
    }

    private boolean phaseSplitsIn(int p) {
        boolean split = ((p + 1) >> 1 & 1) == 1;
        return split == serialFirst;
    }

    private void decide(long now) {
        probes++;
        boolean changed = false;
        holdUntil = now + MAX_HOLD_NANOS;
        for (int k = 0; k < kinds; k++) {
            double ratio = judged[k] ? verdict(k) : Double.NaN;
            clearPhases(k);
            if (judged[k]) {
                judged[k] = false;
                if (Double.isNaN(ratio)) {
                    // too few of its products in the probe: judged by the next one
                    dueAt[k] = now + HOLD_NANOS;
                } else {
                    ratio = Math.max(-LOG_CAP, Math.min(LOG_CAP, ratio));
                    evidence[k] = verdicts[k]++ == 0 ? ratio : (evidence[k] + ratio) / 2;
                    boolean next = ways[k] ? evidence[k] <= LOG_MARGIN
                            : evidence[k] < -LOG_MARGIN;
                    if (next != ways[k]) {
                        ways[k] = next;
                        changed = true;
                        holds[k] = HOLD_NANOS;
                    } else if (ways[k] ? ratio > LOG_MARGIN : ratio < -LOG_MARGIN) {
                        // kept by the earlier probes against this one's verdict: judged again soon
                        holds[k] = HOLD_NANOS;
                    } else {
                        holds[k] = Math.min(holds[k] * 2, MAX_HOLD_NANOS);
                    }
                    dueAt[k] = now + holds[k];
                }
            }
            if (dueAt[k] - holdUntil < 0) {
                holdUntil = dueAt[k];
            }
        }
        if (changed) {
            switches++;
        }
        serialFirst = !serialFirst;
        phase = -1;
    }

    /**
     * The probe's verdict on kind {@code k}: the median of ln(split time / time alone) per
     * product over the pairs of neighbouring phases that both ran it, or NaN when fewer than
     * {@link #MIN_PAIRS} did.
     */
    private double verdict(int k) {
        int n = 0;
        for (int p = 0; p < PHASES; p += 2) {
            int a = k * PHASES + p;
            if (phaseCalls[a] == 0 || phaseCalls[a + 1] == 0 || phaseNanos[a] <= 0
                    || phaseNanos[a + 1] <= 0) {
                continue;
            }
            double first = (double) phaseNanos[a] / phaseCalls[a];
            double second = (double) phaseNanos[a + 1] / phaseCalls[a + 1];
            double r = Math.log(phaseSplitsIn(p) ? first / second : second / first);
            int i = n++;
            while (i > 0 && pairs[i - 1] > r) {
                pairs[i] = pairs[i - 1];
                i--;
            }
            pairs[i] = r;
        }
        if (n < MIN_PAIRS) {
            return Double.NaN;
        }
        return (n & 1) == 1 ? pairs[n / 2] : (pairs[n / 2 - 1] + pairs[n / 2]) / 2;
    }
}
