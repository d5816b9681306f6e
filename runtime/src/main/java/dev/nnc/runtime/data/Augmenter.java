package dev.nnc.runtime.data;

import dev.nnc.runtime.model.Augmentation;
import dev.nnc.runtime.model.Rng;
import java.util.Objects;

/**
 * Applies a data block's {@code augment:} setting to training batches: each sample of each epoch
 * gets its own random flip, zoom, rotation and shift (one resampling of the image), then Gaussian
 * noise. The one definition of every transform; nothing else in nnc moves pixels.
 *
 * <p>Images are {@code [channels, height, width]}, row-major, the input shape of the model; every
 * channel gets the same transform. The transforms act on the values as read and scaled (before
 * {@code normalize}): a normalized batch is mapped back, transformed and normalized again, so
 * that a pixel moved out of the image leaves 0 behind, as in the raw image.
 *
 * <p>Geometry: coordinates are (x, y) = (column, row), y pointing down, centred on the middle of
 * the image ((w − 1)/2, (h − 1)/2). In the order they act on the image: a flip mirrors x (or y);
 * a zoom z multiplies the distance from the centre by z (z &gt; 1 enlarges); a rotation by θ
 * degrees turns the picture counter-clockwise as it is shown (θ = 90: what was right of the
 * centre is above it); a shift (dx, dy) moves it dx pixels right and dy down. Each output pixel
 * takes the value at the point the inverse of that map sends it to, by <b>bilinear</b>
 * interpolation of the four pixels around it; outside the image the value is 0. Points within
 * 1e-9 of a pixel centre are read at the centre, so a rotation by 90°, a whole-pixel shift and a
 * flip move values exactly.
 *
 * <p>Randomness: rotation angle uniform in [−r, r], zoom uniform in [min, max], shifts whole
 * pixels uniform in {−s, …, s} along each axis, each flip with probability 1/2, noise N(0, σ²)
 * independently for every value (not clipped). The draws for a sample come from a generator
 * seeded by (seed, epoch, sample index in the training set) alone, so a run is the same bit for
 * bit whatever the thread count, and a run resumed from a checkpoint draws what the uninterrupted
 * run drew.
 *
 * <p>Example: {@code new Augmenter(new Augmentation(10, 0.8, 1.2, 2, false, false, 0.3),
 * new int[] {1, 28, 28}, normalizer, seed).apply(xb, count, perm, from, epoch)} transforms the
 * {@code count} samples of the batch {@code xb}, which are the training samples
 * {@code perm[from..from+count)}.
 */
public final class Augmenter {
    private static final double SNAP = 1e-9;
    private static final long EPOCH_MIX = 0x632BE59BD9B4E019L;
    private static final long SAMPLE_MIX = 0x9E3779B97F4A7C15L;

    private final Augmentation a;
    private final int channels;
    private final int height;
    private final int width;
    private final Normalizer features;
    private final long seed;
    private final float[] raw;
    private final float[] moved;
    private final Rng rng = new Rng(0);

    /**
     * @param shape the model's input shape, {@code [channels, height, width]}
     * @param features the normalization of the features (identity when none)
     * @param seed the run's seed for augmentation
     */
    public Augmenter(Augmentation a, int[] shape, Normalizer features, long seed) {
        this.a = Objects.requireNonNull(a, "augmentation");
        if (shape.length != 3) {
            throw new IllegalArgumentException("augmentation needs images [channels, height, "
                    + "width], not inputs of shape " + java.util.Arrays.toString(shape));
        }
        this.channels = shape[0];
        this.height = shape[1];
        this.width = shape[2];
        this.features = Objects.requireNonNull(features, "features");
        this.seed = seed;
        this.raw = new float[channels * height * width];
        this.moved = new float[raw.length];
    }

    /**
     * Transforms the {@code count} samples of {@code x} in place; sample i is the training
     * sample {@code order[from + i]} in epoch {@code epoch} (1-based), which fix its draws.
     */
    public void apply(float[] x, int count, int[] order, int from, int epoch) {
        int n = raw.length;
        for (int i = 0; i < count; i++) {
            System.arraycopy(x, i * n, raw, 0, n);
            features.invert(raw, 1);
            rng.setState(sampleSeed(seed, epoch, order[from + i]));
            transform(raw, moved, rng);
            features.apply(moved, 1);
            System.arraycopy(moved, 0, x, i * n, n);
        }
    }

    /** The seed of the draws for training sample {@code sample} in epoch {@code epoch}. */
    static long sampleSeed(long seed, int epoch, int sample) {
        return mix(mix(seed + EPOCH_MIX * epoch) + SAMPLE_MIX * sample);
    }

    /** SplitMix64's output function: what {@code new Rng(s).nextLong()} returns. */
    private static long mix(long s) {
        long z = s + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Draws this sample's transforms from {@code rng}, and writes {@code src} moved to dst. */
    void transform(float[] src, float[] dst, Rng rng) {
        if (a.isGeometric()) {
            boolean fh = a.flipHorizontal() && rng.nextDouble() < 0.5;
            boolean fv = a.flipVertical() && rng.nextDouble() < 0.5;
            double z = a.zoomMin() + rng.nextDouble() * (a.zoomMax() - a.zoomMin());
            double deg = a.rotation() > 0 ? (2 * rng.nextDouble() - 1) * a.rotation() : 0;
            int dx = a.shift() > 0 ? rng.nextInt(2 * a.shift() + 1) - a.shift() : 0;
            int dy = a.shift() > 0 ? rng.nextInt(2 * a.shift() + 1) - a.shift() : 0;
            double[] inverse = then(then(then(shift(dx, dy), rotation(deg)), zoom(z)),
                    flip(fh, fv));
            warp(src, dst, channels, height, width, inverse);
        } else {
            System.arraycopy(src, 0, dst, 0, src.length);
        }
        if (a.noise() > 0) {
            noise(dst, a.noise(), rng);
        }
    }

    // NOTE: each transform is the inverse map {m00, m01, m10, m11, tx, ty} of centred
    // coordinates: an output point p is read from the input at M·p + t.

    /** The inverse map of a counter-clockwise rotation by {@code degrees}. */
    public static double[] rotation(double degrees) {
        double r = Math.toRadians(degrees);
        double c = Math.cos(r);
        double s = Math.sin(r);
        return new double[] {c, -s, s, c, 0, 0};
    }

    /** The inverse map of a zoom by {@code z} (z &gt; 1 enlarges). */
    public static double[] zoom(double z) {
        return new double[] {1 / z, 0, 0, 1 / z, 0, 0};
    }

    /** The inverse map of a shift by {@code dx} pixels right and {@code dy} down. */
    public static double[] shift(double dx, double dy) {
        return new double[] {1, 0, 0, 1, -dx, -dy};
    }

    /** The inverse map of a mirror left to right ({@code h}) and/or top to bottom ({@code v}). */
    public static double[] flip(boolean h, boolean v) {
        return new double[] {h ? -1 : 1, 0, 0, v ? -1 : 1, 0, 0};
    }

    /** The map that applies {@code first}, then {@code second}: p ↦ second(first(p)). */
    public static double[] then(double[] first, double[] second) {
        double[] f = first;
        double[] s = second;
        return new double[] {
            s[0] * f[0] + s[1] * f[2], s[0] * f[1] + s[1] * f[3],
            s[2] * f[0] + s[3] * f[2], s[2] * f[1] + s[3] * f[3],
            s[0] * f[4] + s[1] * f[5] + s[4], s[2] * f[4] + s[3] * f[5] + s[5]};
    }

    /**
     * Writes into {@code dst} the image {@code src} ({@code [channels, h, w]}) resampled through
     * the inverse map {@code inverse}: bilinear, 0 outside the image.
     */
    public static void warp(float[] src, float[] dst, int channels, int h, int w,
            double[] inverse) {
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double px = x - cx;
                double py = y - cy;
                double sx = snap(inverse[0] * px + inverse[1] * py + inverse[4] + cx);
                double sy = snap(inverse[2] * px + inverse[3] * py + inverse[5] + cy);
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                double fx = sx - x0;
                double fy = sy - y0;
                for (int c = 0; c < channels; c++) {
                    int base = c * h * w;
                    double v = (1 - fy) * ((1 - fx) * pixel(src, base, h, w, x0, y0)
                            + fx * pixel(src, base, h, w, x0 + 1, y0))
                            + fy * ((1 - fx) * pixel(src, base, h, w, x0, y0 + 1)
                            + fx * pixel(src, base, h, w, x0 + 1, y0 + 1));
                    dst[base + y * w + x] = (float) v;
                }
            }
        }
    }

    /** Adds N(0, sigma²) noise to every value of {@code x}, drawn from {@code rng} in order. */
    public static void noise(float[] x, double sigma, Rng rng) {
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (x[i] + sigma * rng.nextGaussian());
        }
    }

    private static double snap(double v) {
        double r = Math.rint(v);
        return Math.abs(v - r) < SNAP ? r : v;
    }

    private static double pixel(float[] src, int base, int h, int w, int x, int y) {
        return x < 0 || y < 0 || x >= w || y >= h ? 0 : src[base + y * w + x];
    }
}
