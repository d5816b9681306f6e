package dev.nnc.runtime.model;

/**
 * The seeded random number generator behind initialization, shuffling and splits: SplitMix64,
 * chosen because its whole state is one {@code long}, so a run is reproducible bit for bit from its
 * seed on any JVM.
 */
public final class Rng {
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** The whole state; {@code new Rng(0).setState(s)} continues the sequence exactly. */
    public long state() {
        return state;
    }

    public void setState(long s) {
        state = s;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound <= 0: " + bound);
        }
        long r = nextLong() >>> 1;
        return (int) (r % bound);
    }

    /** Standard normal, by Box-Muller (one value per call, so the stream has no hidden state). */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble();
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** Shuffles {@code a[0..n)} in place (Fisher-Yates). */
    public void shuffle(int[] a, int n) {
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
