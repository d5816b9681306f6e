package dev.nnc.runtime.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A few daemon threads that run the parts of one task beside the calling thread, allocating
 * nothing per task: the caller runs part 0, worker {@code i} part {@code i + 1}, and the caller
 * returns when all parts are done. One task at a time: a pool belongs to one {@link
 * KernelContext}, whose products run one after another.
 */
final class WorkerPool {

    /** A task split into parts; part {@code i} of {@code parts} must not overlap another's. */
    interface Task {
        void part(int index, int parts);
    }

    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Task task;
    private volatile int parts;
    private volatile long generation;
    private volatile Thread caller;
    private volatile Throwable failure;
    private volatile boolean closed;

    WorkerPool(int workerCount) {
        workers = new Thread[workerCount];
        for (int i = 0; i < workerCount; i++) {
            int index = i + 1;
            Thread t = new Thread(() -> loop(index), "nnc-kernel-" + index);
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** Parts this pool can run at once (its workers and the caller). */
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

    /** Runs parts 0 .. parts − 1 of {@code t}, part 0 on the calling thread. */
    void run(Task t, int n) {
        if (n > width()) {
            throw new IllegalArgumentException("parts > width: " + n);
        }
        failure = null;
        task = t;
        parts = n;
        caller = Thread.currentThread();
        pending.set(n - 1);
        generation++; // publishes the fields above to the workers
        for (int i = 0; i < n - 1; i++) {
            LockSupport.unpark(workers[i]);
        }
        t.part(0, n);
        long waitSince = System.nanoTime();
        while (pending.get() > 0) {
            if (System.nanoTime() - waitSince < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 20_000);
            }
        }
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
     * NOTE: how long an idle worker spins before it parks. The products of one training step come
     * a few hundred microseconds apart; waking a parked thread costs tens of microseconds on a
     * virtual machine (its idle CPU halts), which ate the second core's gain at batch 64. A worker
     * that has just finished a part spins through the gap instead, and parks once the steps stop.
     */
    private static final long SPIN_NANOS = 2_000_000;

    private void loop(int index) {
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
            if (index < parts) {
                try {
                    task.part(index, parts);
                } catch (Throwable e) {
                    failure = e;
                }
                if (pending.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
                idleSince = System.nanoTime();
            }
        }
    }
}
