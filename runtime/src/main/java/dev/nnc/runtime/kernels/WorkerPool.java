package dev.nnc.runtime.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A few daemon threads that run the parts of one task beside the calling thread, allocating
 * nothing per task. Parts are claimed, not assigned: the caller and every awake worker take the
 * next unclaimed part until none is left, and the caller returns when all parts are done. A
 * worker that the operating system has not scheduled (another process holds its core) therefore
 * delays nothing: the caller runs its parts instead. Which thread runs a part never changes what
 * the part computes. One task at a time: a pool belongs to one {@link KernelContext}, whose
 * products run one after another.
 *
 * <p>A task can also be {@linkplain #start started} for the workers alone while the caller goes
 * on with other work, and {@linkplain #join joined} later: the caller then runs the parts no
 * worker has claimed and waits only for those under way. A worker parks as soon as it has run
 * such a task's parts (no spin: the caller's next product is not near).
 */
final class WorkerPool {

    /** A task split into parts; part {@code i} of {@code parts} must not overlap another's. */
    interface Task extends KernelContext.Parts {
    }

    /**
     * NOTE: how long an idle worker spins before it parks. The products of one training step come
     * a few hundred microseconds apart; waking a parked thread costs tens of microseconds on a
     * virtual machine (its idle CPU halts). A worker that has just finished a part spins through
     * such a gap and parks once the products stop. The spin is short on purpose: while another
     * process wants the core, a spinning worker takes CPU time from it and, through the
     * scheduler, from the caller; a parked worker that wakes late costs only its share of the
     * parts, since the caller claims them meanwhile.
     */
    private static final long SPIN_NANOS = 200_000;

    /**
     * NOTE: a spinning worker that sees a gap this long between two looks at the clock was taken
     * off its core: another thread (another process, most likely) wants it. It then parks at
     * once after each task for {@link #CONTENDED_NANOS}, so that its spin takes no time from the
     * other thread, and the scheduler, which counts the time a thread has run, does not hold the
     * worker back later, in the middle of a part the caller waits for.
     */
    private static final long PREEMPTED_NANOS = 50_000;

    /** How long a worker parks at once after each task once it has been taken off its core. */
    private static final long CONTENDED_NANOS = 50_000_000;

    private final Thread[] workers;
    /** The generation in the high 32 bits, the next unclaimed part in the low 32. */
    private final AtomicLong ticket = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private volatile KernelContext.Parts task;
    private volatile int parts;
    private volatile long generation;
    private volatile Thread caller;
    private volatile Throwable failure;
    private volatile boolean closed;
    /** Whether the task of the current generation was started, not run: its workers park after. */
    private volatile boolean started;
    /** Whether a started task has not been joined yet (the caller's own field). */
    private boolean pending;

    WorkerPool(int workerCount) {
        workers = new Thread[workerCount];
        for (int i = 0; i < workerCount; i++) {
            Thread t = new Worker(this::loop, "nnc-kernel-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** A worker thread, with the working arrays of the kernels it runs. */
    static final class Worker extends Thread {
        final Scratch scratch = new Scratch();

        Worker(Runnable body, String name) {
            super(body, name);
        }
    }

    /** Threads that run parts at once (the workers and the caller). */
    int width() {
        return workers.length + 1;
    }

    /** Stops the workers once they are idle. */
    void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }

    /**
     * Runs parts 0 .. n − 1 of {@code t} on the calling thread and the workers (after {@link
     * #join joining} a started task).
     */
    void run(KernelContext.Parts t, int n) {
        join();
        publish(t, n, false);
        finish(generation, t, n);
    }

    /**
     * Starts parts 0 .. n − 1 of {@code t} on the workers and returns: {@link #join()} (or the
     * next {@link #run}) runs the parts left and waits for the rest (after joining a task started
     * before).
     */
    void start(KernelContext.Parts t, int n) {
        join();
        publish(t, n, true);
        pending = true;
    }

    /** Finishes the started task, if any: runs its unclaimed parts, waits for the others. */
    void join() {
        if (pending) {
            pending = false;
            finish(generation, task, parts);
        }
    }

    /** Publishes {@code t} as the next generation's task and wakes the workers it needs. */
    private void publish(KernelContext.Parts t, int n, boolean start) {
        if (n < 1) {
            throw new IllegalArgumentException("parts < 1: " + n);
        }
        long g = generation + 1;
        // No part can be claimed while the fields change: a worker still in the last
        // generation, or one that reads the new task before its generation, finds the ticket
        // of another generation, or no part left in it.
        ticket.set(g << 32 | Integer.MAX_VALUE);
        failure = null;
        task = t;
        parts = n;
        caller = Thread.currentThread();
        done.set(0);
        started = start;
        ticket.set(g << 32);
        generation = g; // publishes the fields above to the workers
        for (int i = 0, wake = Math.min(start ? n : n - 1, workers.length); i < wake; i++) {
            LockSupport.unpark(workers[i]);
        }
    }

    /** Runs the unclaimed parts of generation {@code g} and waits for all to be done. */
    private void finish(long g, KernelContext.Parts t, int n) {
        work(g, t, n);
        long waitSince = System.nanoTime();
        while (done.get() < n) {
            if (System.nanoTime() - waitSince < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 20_000);
            }
        }
        task = null;
        Throwable f = failure;
        if (f != null) {
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(f);
        }
    }

    /**
     * Claims and runs parts of generation {@code g} until none is left; returns at once when the
     * pool has moved on to another generation (a worker that woke late).
     */
    private void work(long g, KernelContext.Parts t, int n) {
        while (true) {
            long v = ticket.get();
            int part = (int) v;
            if (v >>> 32 != g || part >= n) {
                return;
            }
            if (!ticket.compareAndSet(v, v + 1)) {
                continue;
            }
            try {
                t.part(part, n);
            } catch (Throwable e) {
                failure = e;
            }
            if (done.incrementAndGet() == n) {
                LockSupport.unpark(caller);
            }
        }
    }

    private void loop() {
        long seen = 0;
        long idleSince = System.nanoTime();
        long last = idleSince;
        long contendedUntil = idleSince;
        while (!closed) {
            long g = generation;
            if (g == seen) {
                long now = System.nanoTime();
                if (now - last > PREEMPTED_NANOS) {
                    contendedUntil = now + CONTENDED_NANOS;
                }
                last = now;
                if (now - idleSince < SPIN_NANOS && now - contendedUntil > 0) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                    last = System.nanoTime();
                }
                continue;
            }
            seen = g;
            KernelContext.Parts t = task;
            int n = parts;
            boolean alone = started;
            if (t != null) {
                work(g, t, n);
            }
            idleSince = System.nanoTime();
            last = idleSince;
            if (alone) {
                idleSince -= SPIN_NANOS; // parks at once
            }
        }
    }
}
