package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.model.Rng;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Adam step's kernels ({@link DenseKernels#adam}, vector and plain, and {@link Kernels#adam}
 * split across threads) give the bits of the plain expression, element by element: {@code m =
 * b1·m + (1 − b1)·g}, {@code v = b2·v + (1 − b2)·g·g}, {@code p = p·shrink − step·m / (sqrt(v) +
 * e)}, for sizes across the vector width, any sub-range, with and without weight decay, with ±0,
 * NaN, huge and tiny values among the inputs; and the split does not change a bit whatever the
 * thread and part count. The vector kernel is held to it on each of its paths for vectors holding a
 * subnormal first moment (VectorAdam: its own, the plain expression, and while it measures which
 * is faster), its measurement ends in a choice, and so does settling the choice before a run.
 */
class AdamKernelTest {
    private static final float B1 = 0.9f;
    private static final float B2 = 0.999f;
    private static final float[] SPECIAL = {0f, -0f, Float.NaN, 1e30f, -1e-30f, 1f,
        Float.MIN_VALUE};

    @Test
    void vectorAndPlainKernelsGiveTheBitsOfTheExpression() {
        for (int size : new int[] {1, 7, 8, 9, 15, 16, 17, 31, 33, 100}) {
            for (float shrink : new float[] {1f, 0.9995f}) {
                for (int from : new int[] {0, 1, size / 2}) {
                    int to = size - (from == 1 ? 1 : 0);
                    if (to < from) {
                        continue;
                    }
                    State s = new State(size, size * 7L + from);
                    State want = s.copy();
                    want.expression(from, to, 1e-3f, 1e-8f, shrink);
                    for (String kern : kernels()) {
                        State got = s.copy();
                        kernel(kern).adam(got.p, got.g, got.m, got.v, from, to, B1, B2, 1e-3f,
                                1e-8f, shrink);
                        got.assertBits(want, kern + " size " + size
                                + " [" + from + ", " + to + ") shrink " + shrink);
                    }
                }
            }
        }
    }

    /**
     * Subnormal first moments with zero gradients (a parameter that has stopped learning), which
     * the kernels step without subnormal arithmetic: every significand size, both signs, betas
     * and step sizes where the products fall on a half, and lanes beside them in every state.
     */
    @Test
    void subnormalFirstMomentsGiveTheBitsOfTheExpression() {
        float[] betas = {0.9f, 0.5f, 0.75f, 0.875f, 0.99f, 0.3f, 0f};
        float[] steps = {1e-3f, 0.25f, 0.5f, 0.125f, 1f / 3, 1e-9f, 0f};
        for (int round = 0; round < 100; round++) {
            Rng rng = new Rng(1000 + round);
            int size = 1 + rng.nextInt(70);
            State s = new State(size, round);
            for (int i = 0; i < size; i++) {
                if (rng.nextInt(3) > 0) {
                    // odd rounds: small significands and zero gradients only, so that whole
                    // vectors take the kernels' subnormal path, products on halves included
                    int sig = switch (round % 2 == 1 ? 0 : rng.nextInt(4)) {
                        case 0 -> 1 + rng.nextInt(8);
                        case 1 -> 1 + rng.nextInt(4096);
                        default -> 1 + rng.nextInt(0x7fffff);
                    };
                    s.m[i] = Float.intBitsToFloat((rng.nextInt(2) << 31) | sig);
                    s.g[i] = round % 2 == 0 && rng.nextInt(6) == 0 ? s.g[i]
                            : rng.nextInt(2) == 0 ? 0f : -0f;
                }
            }
            float b1 = betas[round % betas.length];
            float step = steps[round / betas.length % steps.length];
            for (float shrink : new float[] {1f, 0.999f}) {
                State want = s.copy();
                want.expression(0, size, b1, step, 1e-8f, shrink);
                for (String kern : kernels()) {
                    State got = s.copy();
                    kernel(kern).adam(got.p, got.g, got.m, got.v, 0, size, b1, B2, step, 1e-8f,
                            shrink);
                    got.assertBits(want, kern + " round " + round
                            + " b1 " + b1 + " step " + step);
                }
            }
        }
    }

    /**
     * Small first moments of every kind the vector kernel scales by 2^149 — subnormal, and normal
     * below 2^−100 with products that are subnormal, on the boundary or normal — with zero
     * gradients, beside parameters that are large, tiny, subnormal or zero, second moments from 0
     * to infinity and NaN, and step sizes and epsilons on both sides of the kernel's bounds.
     */
    @Test
    void smallFirstMomentsOfEveryKindGiveTheBitsOfTheExpression() {
        float[] betas = {0.9f, 0.5f, 0.999f, 0.3f, 0f};
        float[] steps = {1e-3f, 0.5f, 1f, 1e-9f, 0f, 3f, 1000f, 2000f};
        float[] epsilons = {1e-8f, 1e-3f, 1e-30f};
        float[] params = {0.01f, -0.5f, 0f, -0f, 1e-35f, -0x1p-100f, 0x1p-101f,
            Float.MIN_VALUE, 3e38f};
        float[] seconds = {0f, 1e-8f, 1e-12f, 0.25f, 1e30f, Float.POSITIVE_INFINITY, Float.NaN,
            Float.MIN_VALUE};
        for (int round = 0; round < 240; round++) {
            Rng rng = new Rng(5000 + round);
            int size = 1 + rng.nextInt(70);
            State s = new State(size, round);
            for (int i = 0; i < size; i++) {
                if (rng.nextInt(4) > 0) {
                    int bits = switch (rng.nextInt(4)) {
                        case 0 -> 1 + rng.nextInt(0x7fffff); // subnormal
                        case 1 -> 1 + rng.nextInt(2048);
                        // normal, from 2^-126 to 2^-99
                        default -> (1 + rng.nextInt(27)) << 23 | rng.nextInt(0x800000);
                    };
                    s.m[i] = Float.intBitsToFloat((rng.nextInt(2) << 31) | bits);
                    s.g[i] = rng.nextInt(8) == 0 ? s.g[i] : rng.nextInt(2) == 0 ? 0f : -0f;
                    s.p[i] = rng.nextInt(2) == 0 ? s.p[i] : params[rng.nextInt(params.length)];
                    s.v[i] = rng.nextInt(2) == 0 ? s.v[i] : seconds[rng.nextInt(seconds.length)];
                }
            }
            float b1 = betas[round % betas.length];
            float step = steps[round / betas.length % steps.length];
            float e = epsilons[round / (betas.length * steps.length) % epsilons.length];
            for (float shrink : new float[] {1f, 0.999f}) {
                State want = s.copy();
                want.expression(0, size, b1, step, e, shrink);
                for (String kern : kernels()) {
                    State got = s.copy();
                    kernel(kern).adam(got.p, got.g, got.m, got.v, 0, size, b1, B2, step, e,
                            shrink);
                    got.assertBits(want, kern + " round " + round
                            + " b1 " + b1 + " step " + step + " e " + e + " shrink " + shrink);
                }
            }
        }
    }

    @Test
    @SuppressWarnings("try") // the binding scopes the kernel context
    void theSplitAcrossThreadsChangesNoBit() {
        int size = 3 * Kernels.OPTIMIZER_PARALLEL_MIN + 77;
        State s = new State(size, 11);
        State want = s.copy();
        for (int step = 0; step < 3; step++) {
            want.expression(0, size, 1e-3f, 1e-8f, 1f);
        }
        for (int threads : new int[] {1, 2, 3}) {
            for (int perThread : new int[] {1, 3, 8}) {
                State got = s.copy();
                try (KernelContext k = KernelContext.open(threads, perThread);
                        KernelContext.Binding b = k.bind()) {
                    for (int step = 0; step < 3; step++) {
                        Kernels.adam(got.p, got.g, got.m, got.v, B1, B2, 1e-3f, 1e-8f, 1f);
                    }
                }
                got.assertBits(want, threads + " threads, " + perThread + " parts each");
            }
        }
    }

    /**
     * Measuring (VectorAdam, from a fresh start): blocks holding subnormal first moments are
     * stepped to the expression's bits by either path while it measures, and after its pairs of
     * blocks it has chosen one.
     */
    @Test
    void theVectorKernelChoosesAPathAfterMeasuring() throws ReflectiveOperationException {
        if (!vector()) {
            return;
        }
        Class<?> c = vectorAdam();
        int calls = c.getDeclaredField("MEASURE_AFTER").getInt(null)
                + 2 * c.getDeclaredField("PAIRS").getInt(null);
        int size = 4 * Kernels.dense().lanes() + 3;
        State s = new State(size, 77);
        for (int i = 0; i < size; i += 3) {
            // 4·2^−149 stays subnormal (a fixed point of m ↦ 0.9·m) with a zero gradient
            s.m[i] = Float.intBitsToFloat((i & 1) << 31 | 4);
            s.g[i] = 0f;
        }
        State want = s.copy();
        setPath("measure");
        try {
            for (int call = 0; call < calls; call++) {
                want.expression(0, size, 1e-3f, 1e-8f, 1f);
                Kernels.dense().adam(s.p, s.g, s.m, s.v, 0, size, B1, B2, 1e-3f, 1e-8f, 1f);
                if (call % 97 == 0) {
                    s.assertBits(want, "call " + call);
                }
            }
            s.assertBits(want, "after " + calls + " calls");
            Method path = c.getDeclaredMethod("path");
            path.setAccessible(true);
            int chosen = (int) path.invoke(null);
            assertTrue(chosen == c.getDeclaredField("OWN").getInt(null)
                    || chosen == c.getDeclaredField("PLAIN").getInt(null),
                    "no path chosen after " + calls + " blocks: " + chosen);
        } finally {
            setPath("measure");
        }
    }

    /**
     * Settling (VectorAdam, from a fresh start, as a warm-up does before a run): it ends, with
     * the plain expression chosen or the choice left to the run's measuring (never its own path,
     * which it does not time), stays settled, and the steps after it keep the expression's bits;
     * the plain kernels have nothing to settle.
     */
    @Test
    void settlingEndsAndTheStepsAfterItKeepTheBits() throws ReflectiveOperationException {
        assertTrue(Kernels.scalar().settleAdam(1));
        if (!vector()) {
            return;
        }
        Class<?> c = vectorAdam();
        int size = 4 * Kernels.dense().lanes() + 3;
        State s = new State(size, 78);
        for (int i = 0; i < size; i += 3) {
            s.m[i] = Float.intBitsToFloat((i & 1) << 31 | 4); // as in the test above
            s.g[i] = 0f;
        }
        State want = s.copy();
        setPath("measure");
        try {
            int calls = 1;
            while (!Kernels.settleAdam(64)) {
                assertTrue(++calls < 5000, "not settled after " + calls + " calls of 64 pairs");
            }
            Method path = c.getDeclaredMethod("path");
            path.setAccessible(true);
            int chosen = (int) path.invoke(null);
            assertTrue(chosen == c.getDeclaredField("PLAIN").getInt(null)
                    || chosen == c.getDeclaredField("MEASURE").getInt(null),
                    "settled on " + chosen);
            assertTrue(Kernels.settleAdam(1), "settled once, settled for good");
            for (int call = 0; call < 50; call++) {
                want.expression(0, size, 1e-3f, 1e-8f, 1f);
                Kernels.dense().adam(s.p, s.g, s.m, s.v, 0, size, B1, B2, 1e-3f, 1e-8f, 1f);
            }
            s.assertBits(want, "50 steps after settling");
        } finally {
            setPath("measure");
        }
    }

    @Test
    void arraysOfOtherLengthsAreRefused() {
        float[] a = new float[4];
        assertThrows(IllegalArgumentException.class,
                () -> Kernels.adam(a, new float[3], a.clone(), a.clone(), B1, B2, 1f, 1f, 1f));
    }

    private static boolean vector() {
        return Kernels.name().startsWith("vector-");
    }

    private static Class<?> vectorAdam() throws ClassNotFoundException {
        return Class.forName("dev.nnc.runtime.kernels.VectorAdam");
    }

    /**
     * The kernels to hold to the expression, by name: the vector kernel on each of its paths
     * ("own", "plain", "measure": VectorAdam) when it is in use, and the plain one.
     */
    private static List<String> kernels() {
        List<String> k = new ArrayList<>();
        if (vector()) {
            k.addAll(List.of("own", "plain", "measure"));
        }
        k.add("scalar");
        return k;
    }

    /** The kernels named {@code name} (see {@link #kernels}), the vector kernel's path set. */
    private static DenseKernels kernel(String name) {
        if (name.equals("scalar")) {
            return Kernels.scalar();
        }
        setPath(name);
        return Kernels.dense();
    }

    /** Sets VectorAdam's path: "own", "plain", or "measure" (measuring from the start). */
    private static void setPath(String name) {
        try {
            Class<?> c = vectorAdam();
            Method path = c.getDeclaredMethod("path", int.class);
            path.setAccessible(true);
            path.invoke(null, c.getDeclaredField(name.toUpperCase(java.util.Locale.ROOT))
                    .getInt(null));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Parameters, gradients and both moments, with special values among them. */
    private static final class State {
        final float[] p;
        final float[] g;
        final float[] m;
        final float[] v;

        State(int size, long seed) {
            Rng rng = new Rng(seed);
            p = values(size, rng);
            g = values(size, rng);
            m = values(size, rng);
            v = values(size, rng);
            for (int i = 0; i < size; i++) {
                v[i] = Math.abs(v[i]); // a second moment is not negative
            }
        }

        private State(float[] p, float[] g, float[] m, float[] v) {
            this.p = p;
            this.g = g;
            this.m = m;
            this.v = v;
        }

        State copy() {
            return new State(p.clone(), g.clone(), m.clone(), v.clone());
        }

        /** The step as Adam wrote it in plain Java before it had a kernel. */
        void expression(int from, int to, float step, float e, float shrink) {
            expression(from, to, B1, step, e, shrink);
        }

        void expression(int from, int to, float b1, float step, float e, float shrink) {
            float a1 = 1 - b1;
            float a2 = 1 - B2;
            boolean decay = shrink != 1f;
            for (int i = from; i < to; i++) {
                float gi = g[i];
                float mi = b1 * m[i] + a1 * gi;
                float vi = B2 * v[i] + a2 * gi * gi;
                m[i] = mi;
                v[i] = vi;
                float pi = decay ? p[i] * shrink : p[i];
                p[i] = pi - step * mi / ((float) Math.sqrt(vi) + e);
            }
        }

        void assertBits(State want, String what) {
            bits(want.p, p, what + ": p");
            bits(want.m, m, what + ": m");
            bits(want.v, v, what + ": v");
            bits(want.g, g, what + ": g");
        }
    }

    private static float[] values(int size, Rng rng) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = rng.nextInt(5) == 0 ? SPECIAL[rng.nextInt(SPECIAL.length)]
                    : (float) (4 * rng.nextDouble() - 2);
        }
        return a;
    }

    private static void bits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                throw new AssertionError(what + " at " + i + ": " + got[i] + ", want " + want[i]);
            }
        }
    }
}
