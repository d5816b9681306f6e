package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
}
