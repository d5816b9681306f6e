package dev.nnc.runtime.kernels;

/**
 * The Adam step of {@link DenseKernels#adam} one element at a time, with the bits of the plain
 * expression but without its slowest case.
 *
 * <p>NOTE: a parameter whose gradient stays 0 (a pixel that is 0 in every image of the batches,
 * a unit relu has switched off) sees its first moment decay by b1 at every step into the
 * subnormal floats, and stay there: b1 · 2^−149 rounds back to 2^−149. Arithmetic on a subnormal
 * takes a microcode assist of about a hundred cycles on x86 for each operation that reads or
 * writes one (three per such element and step here, and one for a whole vector of eight that
 * holds one), and there is no flush-to-zero in Java; on the Fashion-MNIST MLP this made the Adam
 * step several times as slow as its memory traffic. That case — m subnormal, g = ±0 — is worked
 * out here on the integer significand instead: b1·m is {@code rint(b1 · M)} units of 2^−149
 * (the product is exact in double, the rounding that of the float product, since the result is
 * subnormal too); adding a1·g = ±0 to it changes nothing; and step·m rounds to a zero of m's
 * sign when {@code step · M' ≤ 1/2}. Every other case — and this one when a condition fails —
 * runs the plain expression.
 */
final class AdamLanes {
    private AdamLanes() {
    }

    /** Steps the elements [from, to), see {@link DenseKernels#adam}. */
    static void adam(float[] p, float[] g, float[] m, float[] v, int from, int to, float b1,
            float b2, float step, float e, float shrink) {
        float a1 = 1 - b1;
        float a2 = 1 - b2;
        for (int i = from; i < to; i++) {
            one(p, g, m, v, i, b1, a1, b2, a2, step, e, shrink);
        }
    }

    /** Whether a float with these bits is subnormal (not zero). */
    static boolean subnormal(int bits) {
        int mag = bits & 0x7fffffff;
        return mag != 0 && mag < 0x00800000;
    }

    static void one(float[] p, float[] g, float[] m, float[] v, int i, float b1, float a1,
            float b2, float a2, float step, float e, float shrink) {
        float gi = g[i];
        int mb = Float.floatToRawIntBits(m[i]);
        if (gi == 0f && subnormal(mb)) {
            double r = Math.rint(b1 * (double) (mb & 0x7fffffff));
            if (r >= 1 && Math.rint(step * r) == 0) {
                float mi = Float.intBitsToFloat(mb & 0x80000000 | (int) r);
                float vi = b2 * v[i] + a2 * gi * gi;
                m[i] = mi;
                v[i] = vi;
                float stepM = mb < 0 ? -0f : 0f;
                float pi = shrink != 1f ? p[i] * shrink : p[i];
                p[i] = pi - stepM / ((float) Math.sqrt(vi) + e);
                return;
            }
        }
        float mi = b1 * m[i] + a1 * gi;
        float vi = b2 * v[i] + a2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        float pi = shrink != 1f ? p[i] * shrink : p[i];
        p[i] = pi - step * mi / ((float) Math.sqrt(vi) + e);
    }
}
