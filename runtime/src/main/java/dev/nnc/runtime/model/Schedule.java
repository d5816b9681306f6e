package dev.nnc.runtime.model;

import java.util.Arrays;

/**
 * A learning-rate schedule, per epoch (Caffe's lr policies and Keras' schedulers). {@code e} is the
 * number of epochs completed before the one starting, so the first epoch always runs at the base
 * rate.
 *
 * <p>Example: {@code schedule: step(every: 10, gamma: 0.5)} halves the rate after epochs 10, 20, …
 */
public sealed interface Schedule {

    /** The rate for the epoch after {@code e} completed ones, from the optimizer's base rate. */
    double rate(double base, int e);

    /** {@code step(every, gamma)}: base · gamma^floor(e / every). */
    record Step(int every, double gamma) implements Schedule {
        public Step {
            if (every < 1) {
                throw new IllegalArgumentException("every < 1: " + every);
            }
        }

        @Override
        public double rate(double base, int e) {
            return base * Math.pow(gamma, e / every);
        }
    }

    /** {@code multistep(at: [a, b, ...], gamma)}: base · gamma^(milestones ≤ e). */
    record MultiStep(int[] at, double gamma) implements Schedule {
        public MultiStep {
            at = at.clone();
            Arrays.sort(at);
        }

        @Override
        public int[] at() {
            return at.clone();
        }

        @Override
        public double rate(double base, int e) {
            int passed = 0;
            for (int m : at) {
                if (m <= e) {
                    passed++;
                }
            }
            return base * Math.pow(gamma, passed);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MultiStep m && Arrays.equals(m.at, at) && m.gamma == gamma;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(at) * 31 + Double.hashCode(gamma);
        }

        @Override
        public String toString() {
            return "MultiStep[at=" + Arrays.toString(at) + ", gamma=" + gamma + "]";
        }
    }

    /** {@code exponential(gamma)}: base · gamma^e. */
    record Exponential(double gamma) implements Schedule {
        @Override
        public double rate(double base, int e) {
            return base * Math.pow(gamma, e);
        }
    }

    /** {@code inverse(gamma, power)}: base · (1 + gamma·e)^(−power) (Caffe's "inv"). */
    record Inverse(double gamma, double power) implements Schedule {
        @Override
        public double rate(double base, int e) {
            return base * Math.pow(1 + gamma * e, -power);
        }
    }

    /**
     * {@code polynomial(power, epochs)}: base · (1 − e/epochs)^power (Caffe's "poly"), never below
     * {@code min}.
     */
    record Polynomial(double power, int epochs, double min) implements Schedule {
        @Override
        public double rate(double base, int e) {
            double f = Math.max(0, 1 - (double) e / epochs);
            return Math.max(min, base * Math.pow(f, power));
        }
    }

    /** {@code cosine(epochs, min)}: min + (base − min)(1 + cos(π e / epochs)) / 2. */
    record Cosine(int epochs, double min) implements Schedule {
        @Override
        public double rate(double base, int e) {
            double f = Math.min(1, (double) e / epochs);
            return min + (base - min) * (1 + Math.cos(Math.PI * f)) / 2;
        }
    }

    /**
     * {@code plateau(metric, factor, patience, min)}: multiplies the rate by {@code factor} when
     * {@code metric} has not improved for {@code patience} epochs (Keras' ReduceLROnPlateau). The
     * trainer drives it through {@link #next}; {@link #rate} returns the base.
     */
    record Plateau(String metric, double factor, int patience, double min) implements Schedule {
        @Override
        public double rate(double base, int e) {
            return base;
        }

        /**
         * The rate after an epoch whose metric value is {@code value}, given the current rate and
         * the tracker of the best value so far.
         */
        public double next(double current, double value, Tracker tracker) {
            if (tracker.offer(value)) {
                return current;
            }
            if (tracker.sinceBest() >= patience) {
                tracker.resetWait();
                return Math.max(min, current * factor);
            }
            return current;
        }
    }

    /**
     * Tracks the best value of a metric and the epochs since it improved; lower is better for
     * losses, higher for accuracy and r2. Its state is two numbers, saved with checkpoints.
     */
    final class Tracker {
        private final boolean higherIsBetter;
        private final double minDelta;
        private double best;
        private int since;

        public Tracker(String metric, double minDelta) {
            this.higherIsBetter = !metric.endsWith("loss");
            this.minDelta = minDelta;
            this.best = higherIsBetter ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }

        /** Records a value; true when it is a new best. */
        public boolean offer(double v) {
            boolean better = higherIsBetter ? v > best + minDelta : v < best - minDelta;
            if (better) {
                best = v;
                since = 0;
            } else {
                since++;
            }
            return better;
        }

        public double best() {
            return best;
        }

        public int sinceBest() {
            return since;
        }

        void resetWait() {
            since = 0;
        }

        /** Restores the state saved with {@link #best()} and {@link #sinceBest()}. */
        public void restore(double bestValue, int sinceBest) {
            best = bestValue;
            since = sinceBest;
        }
    }

    /**
     * Early stopping: ends training when {@code metric} has not improved by more than
     * {@code minDelta} for {@code patience} epochs, optionally restoring the weights of the best
     * epoch.
     */
    record EarlyStopping(String metric, int patience, boolean restoreBest, double minDelta) {
        public EarlyStopping {
            if (patience < 1) {
                throw new IllegalArgumentException("patience < 1: " + patience);
            }
        }
    }
}
