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
 */
final class WorkerPool {

    /** A task split into parts; part {@code i} of {@code parts} must not overlap another's. */
    interface Task {
        void part(int index, int parts);
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

    private final Thread[] workers;
    /** The generation in the high 32 bits, the next unclaimed part in the low 32. */
    private final AtomicLong ticket = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private volatile Task task;
    private volatile int parts;
    private volatile long generation;
    private volatile Thread caller;
    private volatile Throwable failure;
    private volatile boolean closed;

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

    /** Runs parts 0 .. n − 1 of {@code t} on the calling thread and the workers. */
    void run(Task t, int n) {
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
        ticket.set(g << 32);
        generation = g; // publishes the fields above to the workers
        for (int i = 0, wake = Math.min(n - 1, workers.length); i < wake; i++) {
            LockSupport.unpark(workers[i]);
        }
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
    private void work(long g, Task t, int n) {
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
        while (!closed) {
            long g = generation;
            if (g == seen) {
                if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
                continue;
            }
            seen = g;
            Task t = task;
            int n = parts;
            if (t != null) {
                work(g, t, n);
            }
            idleSince = System.nanoTime();
        }
    }
}
