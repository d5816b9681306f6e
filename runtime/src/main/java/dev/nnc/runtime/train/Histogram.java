package dev.nnc.runtime.train;

/**
 * The distribution of a set of values: counts in equal bins between the smallest and the largest
 * finite value, with the mean and standard deviation.
 *
 * <p>Example: {@code Histogram.of(new float[] {0, 0, 1, 3}, 0, 4, 3)} has the range [0, 3], bins
 * [0, 1), [1, 2), [2, 3] with counts 2, 1, 1, mean 1 and total 4.
 *
 * <p>The last bin holds its upper end. When every finite value is the same, the range is widened
 * around it (by 1e-3 of its size, at least 1e-6, each way) so that it falls in the middle bin.
 * NaN and infinite values are counted in {@link #nonFinite} only: {@code total} is the number of
 * values, {@code nonFinite} plus the sum of the counts.
 *
 * @param lo lower end of the first bin
 * @param hi upper end of the last bin
 * @param counts values per bin
 * @param total values looked at
 * @param nonFinite NaN and infinite values among them
 * @param mean the mean of the finite values (NaN when there are none)
 * @param std their standard deviation (population, NaN when there are none)
 */
public record Histogram(double lo, double hi, long[] counts, long total, long nonFinite,
        double mean, double std) {

    public Histogram {
        counts = counts.clone();
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    /** The histogram of {@code v[from..to)} in {@code bins} bins. */
    public static Histogram of(float[] v, int from, int to, int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("bins < 1: " + bins);
        }
        if (from < 0 || to > v.length || from > to) {
            throw new IndexOutOfBoundsException("[" + from + ", " + to + ") of " + v.length);
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        long finite = 0;
        for (int i = from; i < to; i++) {
            float x = v[i];
            if (Float.isFinite(x)) {
                min = Math.min(min, x);
                max = Math.max(max, x);
                sum += x;
                finite++;
            }
        }
        long[] counts = new long[bins];
        long total = to - from;
        if (finite == 0) {
            return new Histogram(0, 1, counts, total, total, Double.NaN, Double.NaN);
        }
        double mean = sum / finite;
        double sq = 0;
        for (int i = from; i < to; i++) {
            float x = v[i];
            if (Float.isFinite(x)) {
                sq += (x - mean) * (x - mean);
            }
        }
        if (max - min <= Math.max(Math.abs(min), Math.abs(max)) * 1e-6) {
            double w = Math.max(Math.abs(min) * 1e-3, 1e-6);
            min -= w;
            max += w;
        }
        double scale = bins / (max - min);
        for (int i = from; i < to; i++) {
            float x = v[i];
            if (Float.isFinite(x)) {
                counts[Math.min(bins - 1, (int) ((x - min) * scale))]++;
            }
        }
        return new Histogram(min, max, counts, total, total - finite, mean,
                Math.sqrt(sq / finite));
    }

    /** The number of bins. */
    public int bins() {
        return counts.length;
    }

    /** The largest count of a bin. */
    public long peak() {
        long p = 0;
        for (long c : counts) {
            p = Math.max(p, c);
        }
        return p;
    }

    /** The fraction of the finite values in {@code [a, b]} (by whole bins: an estimate). */
    public double fractionWithin(double a, double b) {
        long in = 0;
        long all = 0;
        double w = (hi - lo) / counts.length;
        for (int i = 0; i < counts.length; i++) {
            double mid = lo + (i + 0.5) * w;
            if (mid >= a && mid <= b) {
                in += counts[i];
            }
            all += counts[i];
        }
        return all == 0 ? 0 : (double) in / all;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Histogram h && h.lo == lo && h.hi == hi
                && java.util.Arrays.equals(h.counts, counts) && h.total == total
                && h.nonFinite == nonFinite && Double.compare(h.mean, mean) == 0
                && Double.compare(h.std, std) == 0;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(counts) * 31 + Long.hashCode(total);
    }

    @Override
    public String toString() {
        return "Histogram[" + lo + ", " + hi + "] " + java.util.Arrays.toString(counts)
                + " mean " + mean + " std " + std + (nonFinite > 0 ? " non-finite " + nonFinite
                : "");
    }
}
