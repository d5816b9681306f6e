package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void everyPartOfEveryTaskRunsExactlyOnce() {
        for (int workers : new int[] {1, 3}) {
            WorkerPool pool = new WorkerPool(workers);
            try {
                for (int task = 0; task < 20_000; task++) {
                    int n = 1 + task % 9;
                    AtomicIntegerArray runs = new AtomicIntegerArray(n);
                    int[] seenParts = new int[1];
                    pool.run((index, parts) -> {
                        runs.incrementAndGet(index);
                        seenParts[0] = parts;
                    }, n);
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, runs.get(i), "task " + task + " part " + i + " of " + n);
                    }
                    assertEquals(n, seenParts[0]);
                }
            } finally {
                pool.close();
            }
        }
    }

    @Test
    void morePartsThanThreadsAreSharedBetweenTheCallerAndTheWorkers() {
        WorkerPool pool = new WorkerPool(1);
        try {
            Set<String> threads = ConcurrentHashMap.newKeySet();
            AtomicIntegerArray runs = new AtomicIntegerArray(64);
            for (int repeat = 0; repeat < 200 && threads.size() < 2; repeat++) {
                pool.run((index, parts) -> {
                    runs.incrementAndGet(index);
                    threads.add(Thread.currentThread().getName());
                    long until = System.nanoTime() + 20_000;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                }, 64);
            }
            assertTrue(threads.contains(Thread.currentThread().getName()), threads.toString());
            assertTrue(threads.contains("nnc-kernel-1"), threads.toString());
            int repeats = runs.get(0);
            for (int i = 0; i < 64; i++) {
                assertEquals(repeats, runs.get(i), "part " + i);
            }
        } finally {
            pool.close();
        }
    }

    @Test
    void aFailingPartIsThrownToTheCallerAndThePoolGoesOn() {
        WorkerPool pool = new WorkerPool(1);
        try {
            IllegalStateException boom = new IllegalStateException("boom");
            for (int failing = 0; failing < 4; failing++) {
                int f = failing;
                IllegalStateException thrown = assertThrows(IllegalStateException.class,
                        () -> pool.run((index, parts) -> {
                            if (index == f) {
                                throw boom;
                            }
                        }, 4));
                assertSame(boom, thrown);
                AtomicIntegerArray runs = new AtomicIntegerArray(4);
                pool.run((index, parts) -> runs.incrementAndGet(index), 4);
                for (int i = 0; i < 4; i++) {
                    assertEquals(1, runs.get(i));
                }
            }
        } finally {
            pool.close();
        }
    }

    /**
     * A worker held up inside a part (as when another process holds its core) costs the caller
     * that one part: the caller claims every other part meanwhile. The worker's part here waits
     * until all the others are done, which only the caller can then have run. The caller's
     * first part waits (at most 100 ms) for the worker to claim one: a worker that parks after
     * each task (it does once it has seen itself taken off its core, as in a JVM still compiling
     * at start) wakes tens of microseconds after the task starts, after the caller would have
     * run all sixteen empty parts.
     */
    @Test
    void aWorkerHeldUpInOnePartLeavesEveryOtherPartToTheCaller() throws Exception {
        WorkerPool pool = new WorkerPool(1);
        try {
            String caller = Thread.currentThread().getName();
            int n = 16;
            int byWorker = 0;
            for (int repeat = 0; repeat < 500 && byWorker == 0; repeat++) {
                AtomicInteger callerParts = new AtomicInteger();
                AtomicInteger workerParts = new AtomicInteger();
                CountDownLatch othersDone = new CountDownLatch(n - 1);
                CountDownLatch workerClaimed = new CountDownLatch(1);
                pool.run((index, parts) -> {
                    if (Thread.currentThread().getName().equals(caller)) {
                        if (callerParts.incrementAndGet() == 1) {
                            try {
                                workerClaimed.await(100, TimeUnit.MILLISECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        othersDone.countDown();
                        return;
                    }
                    workerParts.incrementAndGet();
                    workerClaimed.countDown();
                    try {
                        othersDone.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, n);
                byWorker = workerParts.get();
                assertTrue(byWorker <= 1, byWorker + " parts by the held-up worker");
                assertEquals(n, callerParts.get() + byWorker);
            }
            assertEquals(1, byWorker, "the worker never claimed a part");
        } finally {
            pool.close();
        }
    }

    /**
     * A task started ahead runs on the workers while the caller does other work; {@link
     * WorkerPool#join} runs the parts no worker took and waits for the one a worker holds. The
     * worker here holds its first part until the caller has run all the others in its join; a
     * pool without workers leaves every part to the join.
     */
    @Test
    void joinRunsThePartsNoWorkerTookAndWaitsForTheOneUnderWay() throws Exception {
        WorkerPool none = new WorkerPool(0);
        try {
            AtomicIntegerArray runs = new AtomicIntegerArray(4);
            none.start((index, parts) -> runs.incrementAndGet(index), 4);
            for (int i = 0; i < 4; i++) {
                assertEquals(0, runs.get(i), "part " + i + " ran before the join");
            }
            none.join();
            for (int i = 0; i < 4; i++) {
                assertEquals(1, runs.get(i), "part " + i);
            }
            none.join(); // nothing left: returns at once
        } finally {
            none.close();
        }
        WorkerPool pool = new WorkerPool(1);
        try {
            String caller = Thread.currentThread().getName();
            int n = 8;
            AtomicIntegerArray runs = new AtomicIntegerArray(n);
            AtomicInteger callerParts = new AtomicInteger();
            CountDownLatch workerIn = new CountDownLatch(1);
            CountDownLatch othersDone = new CountDownLatch(n - 1);
            AtomicInteger workerPart = new AtomicInteger(-1);
            pool.start((index, parts) -> {
                runs.incrementAndGet(index);
                if (Thread.currentThread().getName().equals(caller)) {
                    callerParts.incrementAndGet();
                    othersDone.countDown();
                    return;
                }
                if (workerPart.compareAndSet(-1, index)) {
                    workerIn.countDown();
                    try {
                        othersDone.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                } else {
                    othersDone.countDown();
                }
            }, n);
            assertTrue(workerIn.await(30, TimeUnit.SECONDS), "the worker never took a part");
            pool.join();
            for (int i = 0; i < n; i++) {
                assertEquals(1, runs.get(i), "part " + i);
            }
            assertEquals(n - 1, callerParts.get(), "the caller ran the parts the worker did not");
            // the pool goes on with split products and further tasks ahead
            AtomicIntegerArray again = new AtomicIntegerArray(n);
            pool.start((index, parts) -> again.incrementAndGet(index), n);
            pool.run((index, parts) -> again.incrementAndGet(index), n); // joins the started one
            for (int i = 0; i < n; i++) {
                assertEquals(2, again.get(i), "part " + i);
            }
        } finally {
            pool.close();
        }
    }

    @Test
    void blockAlignedPartsCoverTheRowsOnceAndStartAtBlocks() {
        for (int n : new int[] {1, 5, 8, 63, 64, 65, 784}) {
            for (int block : new int[] {1, 6, 8, 256}) {
                int blocks = (n + block - 1) / block;
                for (int parts = 1; parts <= Math.min(blocks, 24); parts++) {
                    assertEquals(0, KernelContext.lo(n, 0, parts, block));
                    assertEquals(n, KernelContext.lo(n, parts, parts, block));
                    for (int i = 0; i < parts; i++) {
                        int lo = KernelContext.lo(n, i, parts, block);
                        int hi = KernelContext.lo(n, i + 1, parts, block);
                        assertTrue(lo < hi, "empty part " + i + " of " + parts + ", n " + n);
                        assertEquals(0, lo % block, "part " + i + " starts at " + lo);
                    }
                }
            }
        }
    }
}
