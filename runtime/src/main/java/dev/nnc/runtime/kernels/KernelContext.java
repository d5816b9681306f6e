package dev.nnc.runtime.kernels;

/**
 * The threads the kernels of one training run (or one caller of a model's training step) may
 * use: a thread count and the worker threads that go with it. Nothing about threads is kept
 * JVM-wide, so training runs in one JVM — a server, a test suite, the tasks of a Spark executor —
 * each use their own count and pool and never see another's.
 *
 * <p>A context is opened with a thread count, <em>bound</em> to the thread that runs the
 * training steps while they run, and closed when the run is done:
 *
 * <pre>{@code
 * try (KernelContext k = KernelContext.open(4); KernelContext.Binding b = k.bind()) {
 *     model.trainStep(x, y, n);   // large products split across 4 threads
 * }
 * }</pre>
 *
 * The {@link dev.nnc.runtime.train.TrainingLoop} does this itself for its {@code threads(t)}, or
 * binds a context it is given ({@code kernels(k)}); {@code Training.run} opens one for the whole
 * run. A thread with no context bound runs every kernel on itself ({@link #current()} is then
 * the single-threaded context): inference ({@code predict}) never needs one.
 *
 * <p>Results do not depend on the thread count: every output of a split product is computed by
 * one thread, in the same order as on one thread.
 *
 * <p>A context {@linkplain #open(int) opened with a thread count} measures, while it runs,
 * whether splitting pays and runs the products on the calling thread alone while it does not
 * (another process holds the other cores, so that a worker taken off its core in the middle of a
 * part holds the caller up): see {@link SplitGovernor}. It also hands the workers nothing,
 * split products and tasks ahead alike, while the other processes on the machine leave less
 * than half a core beside the calling thread's (the workers would take the caller's turns): see
 * {@link LoadGuard}, which reads that from Linux's {@code /proc}, and {@link ContentionGuard},
 * which elsewhere compares now and then the share of the time the calling thread runs with the
 * workers taking part and without them.
 * That changes only the speed, never a result. A context {@linkplain #open(int, int) opened with
 * a count of parts} always splits.
 *
 * <p>Rules: a context is bound to at most one thread at a time (it runs one product at a time;
 * binding it on a second thread meanwhile throws {@link IllegalStateException}); the same
 * thread may bind it again inside its binding (the inner binding restores the outer one when
 * closed). Worker threads are daemons, started on the first product large enough to split, and
 * stopped by {@link #close()}.
 *
 * <p>Work for later: {@link #tryAhead(Parts, int)} hands the workers a task the calling thread
 * will need later (the trainer's next batch, gathered while the current one trains), and {@link
 * #join()} finishes it: the calling thread runs the parts no worker has taken (a worker that
 * another process keeps off its core delays nothing) and waits for those under way. Its parts
 * are not governed by the {@link SplitGovernor} (whichever thread runs them, the calling thread
 * does no more work than alone), but with one thread, or while the {@link WorkerGuard} holds
 * the workers off, {@code tryAhead} runs nothing and says so, for a caller that then does the
 * work its own way (the trainer gathers its next batch at its next step, as with one thread).
 */
public final class KernelContext implements AutoCloseable {
    private static final KernelContext SERIAL = new KernelContext(1, 1, null, null);

    /**
     * A task cut into parts, {@code part(i, parts)} for i in 0 .. parts − 1, that may run on any
     * thread, in any order, at once; each part must write only what no other part reads or writes.
     */
    public interface Parts {
        void part(int index, int parts);
    }
    private static final ThreadLocal<KernelContext> CURRENT = new ThreadLocal<>();

    /**
     * NOTE: a product split over its outputs is cut into this many parts per thread, claimed one
     * at a time: while another process holds a core and a worker waits for it (or wakes late),
     * the running threads take the parts it has not claimed, and what the caller may wait for at
     * the end is one small part, not half the product.
     */
    static final int PARTS_PER_THREAD = 4;

    private final int threads;
    private final int partsPerThread;
    /** Whether the next split product uses the workers; null: always (one thread, or fixed). */
    private final SplitGovernor governor;
    /** Whether the workers may be used at all now; null: always (one thread, fixed, no clock). */
    private final WorkerGuard guard;
    /** Whether this is a {@linkplain #rehearsal rehearsal}: no workers, both ways taken in turn. */
    private final boolean rehearsal;
    /** A rehearsal's count of the decisions taken so far (the way alternates with it). */
    private int rehearsed;
    private WorkerPool pool;
    private Thread owner;
    private int depth;
    private boolean closed;

    // One instance of each split task per context: a context runs one product at a time.
    final Kernels.Forward denseForward = new Kernels.Forward();
    final Kernels.GradWeights denseGradWeights = new Kernels.GradWeights();
    final Kernels.GradInput denseGradInput = new Kernels.GradInput();
    final SequenceGradTask sequenceGrad = new SequenceGradTask();
    final SequenceStepTask sequenceStep = new SequenceStepTask();
    final Kernels.Adam adam = new Kernels.Adam();
    final Kernels.Relu relu = new Kernels.Relu();
    final Kernels.MaxPoolArg maxPoolArg = new Kernels.MaxPoolArg();
    final Kernels.MaxPoolBackward maxPoolBackward = new Kernels.MaxPoolBackward();

    /** The working arrays of the kernels on the thread this context is bound to. */
    private final Scratch scratch = new Scratch();
    /**
     * The recurrent weights of the step loop under way, packed once for all its steps' products
     * (see {@link SequenceKernels}); the bound thread writes it before a step's parts run.
     */
    final Prepared recurrent = new Prepared();

    /**
     * The records of the recurrent layers' backward passes made under this context, the oldest
     * replaced first: a model's buffers are the same from batch to batch, so each pass finds its
     * record here ({@link SequenceKernels.Backward#of}).
     */
    final SequenceKernels.Backward[] backwards = new SequenceKernels.Backward[8];
    private int nextBackward;

    private KernelContext(int threads, int partsPerThread, SplitGovernor governor,
            WorkerGuard guard) {
        this(threads, partsPerThread, governor, guard, false);
    }

    private KernelContext(int threads, int partsPerThread, SplitGovernor governor,
            WorkerGuard guard, boolean rehearsal) {
        this.threads = threads;
        this.partsPerThread = partsPerThread;
        this.governor = governor;
        this.guard = guard;
        this.rehearsal = rehearsal;
    }

    /**
     * A context for {@code threads} threads: the calling thread and {@code threads − 1} workers,
     * used while splitting pays (see the class comment).
     *
     * @throws IllegalArgumentException when {@code threads < 1}
     */
    public static KernelContext open(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads < 1: " + threads);
        }
        return threads > 1
                ? new KernelContext(threads, PARTS_PER_THREAD, new SplitGovernor(), guard(threads))
                : new KernelContext(threads, PARTS_PER_THREAD, null, null);
    }

    /**
     * A {@link LoadGuard} on Linux's {@code /proc}; elsewhere a {@link ContentionGuard} on the
     * calling thread's CPU time; null where the JVM does not measure that either (the context
     * then uses its workers whenever its governor says so).
     */
    private static WorkerGuard guard(int threads) {
        LoadGuard load = LoadGuard.open(threads);
        if (load != null) {
            return load;
        }
        try {
            java.lang.management.ThreadMXBean mx =
                    java.lang.management.ManagementFactory.getThreadMXBean();
            if (!mx.isCurrentThreadCpuTimeSupported() || !mx.isThreadCpuTimeEnabled()
                    || mx.getCurrentThreadCpuTime() < 0) {
                return null;
            }
            return new ContentionGuard(mx::getCurrentThreadCpuTime);
        } catch (UnsupportedOperationException | LinkageError | SecurityException e) {
            return null;
        }
    }

    /**
     * A context that runs the code of a {@code threads}-thread context on the calling thread
     * alone: it cuts every product large enough into the parts {@link #open(int)}'s would, and
     * runs the parts of every other one through the worker pool's code (with no worker: the
     * calling thread claims them all) and the others whole, as a context whose workers are held
     * off does; {@link #tryAhead} likewise starts every other task. For a JIT warm-up on a core
     * of its own ({@code dev.nnc.runtime.train.Warmup}): a run at {@code threads} threads takes
     * both ways, and code the JIT compiled seeing one way only is dropped and compiled again
     * when the other comes (during the run, on the run's cores). Results are the same bits as
     * with any other context. With {@code threads == 1}, {@link #open(int) open(1)}.
     *
     * @throws IllegalArgumentException when {@code threads < 1}
     */
    public static KernelContext rehearsal(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads < 1: " + threads);
        }
        return threads > 1 ? new KernelContext(threads, PARTS_PER_THREAD, null, null, true)
                : open(1);
    }

    /**
     * A context for {@code threads} threads that cuts a product split over its outputs into
     * {@code partsPerThread} parts per thread (at most): the results are the same bits whatever
     * the count, which only changes how the work is shared. Unlike {@link #open(int)}'s, it splits
     * every product large enough, whether that pays or not (for tests and measurements of the
     * split itself).
     *
     * @throws IllegalArgumentException when {@code threads < 1} or {@code partsPerThread < 1}
     */
    public static KernelContext open(int threads, int partsPerThread) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads < 1: " + threads);
        }
        if (partsPerThread < 1) {
            throw new IllegalArgumentException("parts per thread < 1: " + partsPerThread);
        }
        return new KernelContext(threads, partsPerThread, null, null);
    }

    /**
     * The context bound to the calling thread, or the single-threaded one (shared, nothing to
     * close) when none is.
     */
    public static KernelContext current() {
        KernelContext c = CURRENT.get();
        return c == null ? SERIAL : c;
    }

    /**
     * The scratch of the context bound to the calling thread, or null when none is (the
     * single-threaded context is shared by every unbound thread and has none).
     */
    static Scratch boundScratch() {
        KernelContext c = CURRENT.get();
        return c == null ? null : c.scratch;
    }

    /** The context bound to the calling thread, or null when none is. */
    static KernelContext bound() {
        return CURRENT.get();
    }

    /**
     * The record of {@link #backwards} for these very arrays, or a new one, kept in place of
     * the oldest.
     */
    SequenceKernels.Backward backward(SequenceKernels.Cell cell, int h, float[] zx, float[] hu,
            float[] hT, float[] cT, float[] dhp, float[] dc, float[] dz, float[] dzh,
            float[] dhd, float[] ut) {
        for (SequenceKernels.Backward b : backwards) {
            if (b != null && b.cell() == cell && b.h() == h && b.zx() == zx && b.hu() == hu
                    && b.hT() == hT && b.cT() == cT && b.dhp() == dhp && b.dc() == dc
                    && b.dz() == dz && b.dzh() == dzh && b.dhd() == dhd && b.ut() == ut) {
                return b;
            }
        }
        SequenceKernels.Backward b = new SequenceKernels.Backward(cell, h, zx, hu, hT, cT, dhp,
                dc, dz, dzh, dhd, ut);
        backwards[nextBackward] = b;
        nextBackward = (nextBackward + 1) % backwards.length;
        return b;
    }

    /** The threads this context's kernels may use, the calling one included. */
    public int threads() {
        return threads;
    }

    /**
     * Makes this the calling thread's context until the returned binding is closed, which
     * restores the thread's previous context.
     *
     * @throws IllegalStateException when the context is closed or bound to another thread
     */
    public synchronized Binding bind() {
        Thread t = Thread.currentThread();
        if (closed) {
            throw new IllegalStateException("kernel context is closed");
        }
        if (owner != null && owner != t) {
            throw new IllegalStateException("kernel context is bound to thread " + owner.getName()
                    + "; a context serves one thread at a time");
        }
        owner = t;
        depth++;
        KernelContext previous = CURRENT.get();
        CURRENT.set(this);
        return new Binding(this, previous);
    }

    private synchronized void unbind(KernelContext previous) {
        if (--depth == 0) {
            owner = null;
        }
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }

    /** Stops the worker threads. The context cannot be bound again; closing twice is harmless. */
    @Override
    public synchronized void close() {
        if (this == SERIAL) {
            return;
        }
        closed = true;
        if (pool != null) {
            pool.close();
            pool = null;
        }
        if (guard != null) {
            guard.close();
        }
    }

    /**
     * How many parts a task of {@code macs} multiply-adds over {@code units} independent rows is
     * split into: the thread count (at most {@code units}) from {@code minMacs} on, else 1.
     */
    int parts(long macs, int units, long minMacs) {
        return threads > 1 && macs >= minMacs ? Math.min(threads, units) : 1;
    }

    /**
     * How many parts a task of {@code work} over {@code units} independent blocks of outputs is
     * split into: {@link #PARTS_PER_THREAD} (or the count the context was opened with) per
     * thread, at most {@code units}, from {@code minWork} on; else 1. Only for tasks whose
     * results do not depend on the split.
     */
    int split(long work, int units, long minWork) {
        return threads > 1 && work >= minWork ? Math.min(threads * partsPerThread, units) : 1;
    }

    /**
     * Runs parts 0 .. parts − 1 of {@code task} on the calling thread and the workers, or, while
     * splitting products of this task and {@code size} does not pay ({@link SplitGovernor}), the
     * task whole on the calling thread, as with one thread. {@code size}: any measure of the
     * product's size (the governor judges the products of one task at different sizes apart).
     */
    void run(WorkerPool.Task task, int parts, long size) {
        if (parts <= 1 || !workers(task, size)) {
            task.part(0, 1);
            return;
        }
        pool().run(task, parts);
    }

    /** Whether a split product of {@code task} at {@code size} starting now uses the workers. */
    private boolean workers(Object task, long size) {
        if (governor == null) {
            return !rehearsal || (++rehearsed & 1) == 0;
        }
        long now = System.nanoTime();
        return (guard == null || guard.parallel(now)) && governor.split(now, task, size);
    }

    /**
     * Starts parts 0 .. parts − 1 of {@code task} on the workers and returns true at once, to be
     * finished by {@link #join()} (or by the next split product, which joins it first); with one
     * thread, or while the workers are held off ({@link WorkerGuard}), runs nothing and
     * returns false (the caller then does the work its own way, as with one thread). Only the
     * thread the context is bound to may call it.
     *
     * @throws IllegalStateException when the context is closed
     */
    public boolean tryAhead(Parts task, int parts) {
        if (parts < 1) {
            throw new IllegalArgumentException("parts < 1: " + parts);
        }
        if (threads <= 1 || guard != null && !guard.parallel(System.nanoTime())
                || rehearsal && (++rehearsed & 1) == 1) {
            return false;
        }
        pool().start(task, parts);
        return true;
    }

    /**
     * Finishes the task {@linkplain #tryAhead started ahead}, if any: runs the parts no worker has
     * taken on the calling thread and waits for the others; rethrows what a part threw.
     */
    public void join() {
        WorkerPool p = pool;
        if (p != null) {
            p.join();
        }
    }

    private WorkerPool pool() {
        WorkerPool p = pool;
        if (p == null) {
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("kernel context is closed");
                }
                p = pool = new WorkerPool(rehearsal ? 0 : threads - 1);
            }
        }
        return p;
    }

    /** The row {@code part} of {@code parts} starts at, of {@code n} rows. */
    public static int lo(int n, int part, int parts) {
        return (int) ((long) n * part / parts);
    }

    /**
     * The row {@code part} of {@code parts} starts at, of {@code n} rows split at multiples of
     * {@code block} (part {@code parts} starts at {@code n}).
     */
    static int lo(int n, int part, int parts, int block) {
        int blocks = (n + block - 1) / block;
        return Math.min(n, (int) ((long) blocks * part / parts) * block);
    }

    /** A context bound to a thread; closing it restores the thread's previous context. */
    public static final class Binding implements AutoCloseable {
        private final KernelContext context;
        private final KernelContext previous;
        private boolean closed;

        private Binding(KernelContext context, KernelContext previous) {
            this.context = context;
            this.previous = previous;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                context.unbind(previous);
            }
        }
    }
}
