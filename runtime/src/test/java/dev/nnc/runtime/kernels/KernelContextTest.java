package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** {@link KernelContext#tryAhead} and {@link KernelContext#rehearsal}. */
@SuppressWarnings("try") // the bindings are used by being open
class KernelContextTest {

    /** A task that records each part it runs: its index, its count of parts and its thread. */
    private static final class Recorder implements WorkerPool.Task {
        final List<String> calls = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();

        @Override
        public synchronized void part(int index, int parts) {
            calls.add(index + "/" + parts);
            threads.add(Thread.currentThread());
        }
    }

    @Test
    void tryAheadWithOneThreadRunsNothing() {
        try (KernelContext k = KernelContext.open(1); KernelContext.Binding b = k.bind()) {
            AtomicIntegerArray runs = new AtomicIntegerArray(4);
            assertFalse(k.tryAhead((i, n) -> runs.incrementAndGet(i), 4));
            for (int i = 0; i < 4; i++) {
                assertEquals(0, runs.get(i), "part " + i);
            }
            assertThrows(IllegalArgumentException.class, () -> k.tryAhead((i, n) -> { }, 0));
        }
    }

    @Test
    void tryAheadStartsTheTaskThatJoinFinishes() {
        try (KernelContext k = KernelContext.open(2, 4); KernelContext.Binding b = k.bind()) {
            AtomicIntegerArray runs = new AtomicIntegerArray(6);
            assertTrue(k.tryAhead((i, n) -> runs.incrementAndGet(i), 6));
            k.join();
            for (int i = 0; i < 6; i++) {
                assertEquals(1, runs.get(i), "part " + i);
            }
        }
    }

    @Test
    void aRehearsalTakesBothWaysInTurnOnTheCallingThread() {
        try (KernelContext k = KernelContext.rehearsal(2); KernelContext.Binding b = k.bind()) {
            assertEquals(2, k.threads());
            assertEquals(2 * KernelContext.PARTS_PER_THREAD, k.split(1 << 20, 100, 1));
            Recorder r = new Recorder();
            for (int i = 0; i < 4; i++) {
                k.run(r, 3, 1000);
            }
            // split through the pool's code, whole, split, whole (the first decision is the 1st)
            List<String> whole = List.of("0/1");
            List<String> split = List.of("0/3", "1/3", "2/3");
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                expected.addAll((i & 1) == 0 ? whole : split);
            }
            assertEquals(expected, r.calls);
            for (Thread t : r.threads) {
                assertEquals(Thread.currentThread(), t, "a part on another thread");
            }
            // tasks ahead: started (the join runs them) and not (nothing runs), in turn
            Recorder a = new Recorder();
            boolean first = k.tryAhead(a, 2);
            k.join();
            boolean second = k.tryAhead(a, 2);
            k.join();
            assertTrue(first != second, "both ways: " + first + ", " + second);
            assertEquals(List.of("0/2", "1/2"), a.calls);
            for (Thread t : a.threads) {
                assertEquals(Thread.currentThread(), t, "a part on another thread");
            }
        }
        try (KernelContext one = KernelContext.rehearsal(1)) {
            assertEquals(1, one.threads());
        }
        assertThrows(IllegalArgumentException.class, () -> KernelContext.rehearsal(0));
    }

    @Test
    void aRehearsalComputesTheSameBitsAsOneThread() {
        int n = 64;
        int in = 256;
        int out = 128;
        float[] x = new float[n * in];
        float[] p = new float[in * out + out];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.37);
        }
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) Math.cos(i * 0.11) * 0.1f;
        }
        float[] alone = new float[n * out];
        try (KernelContext k = KernelContext.open(1); KernelContext.Binding b = k.bind()) {
            Kernels.denseForward(x, n, in, p, 0, in * out, out, alone);
        }
        try (KernelContext k = KernelContext.rehearsal(2); KernelContext.Binding b = k.bind()) {
            for (int i = 0; i < 4; i++) {
                float[] z = new float[n * out];
                Kernels.denseForward(x, n, in, p, 0, in * out, out, z);
                assertArrayEquals(alone, z, "product " + i);
            }
        }
    }
}
