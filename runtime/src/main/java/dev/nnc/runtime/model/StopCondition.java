package dev.nnc.runtime.model;

import java.util.Map;
import java.util.Objects;

/**
 * A condition on the metrics of an epoch that ends training early, e.g. {@code val_loss <= 0.001}
 * or {@code loss < 0.002 or accuracy >= 1}.
 *
 * <p>Metric names: {@code loss}, {@code accuracy}, {@code r2} on the whole training set, and the
 * same with a {@code val_} prefix on the validation set. All are evaluated after the epoch's last
 * update, in inference mode.
 */
public sealed interface StopCondition {

    /** True when training should stop, given the epoch's metrics by name. */
    boolean test(Map<String, Double> metrics);

    /** Adds every metric name the condition reads to {@code sink}. */
    void metrics(java.util.Set<String> sink);

    /** {@code metric op value}. */
    record Compare(String metric, Op op, double value) implements StopCondition {
        public Compare {
            Objects.requireNonNull(metric, "metric");
            Objects.requireNonNull(op, "op");
        }

        @Override
        public boolean test(Map<String, Double> metrics) {
            Double v = metrics.get(metric);
            if (v == null || v.isNaN()) {
                return false;
            }
            return switch (op) {
                case LT -> v < value;
                case LE -> v <= value;
                case GT -> v > value;
                case GE -> v >= value;
            };
        }

        @Override
        public void metrics(java.util.Set<String> sink) {
            sink.add(metric);
        }

        @Override
        public String toString() {
            return metric + " " + op.symbol() + " " + value;
        }
    }

    /** Both hold. */
    record And(StopCondition left, StopCondition right) implements StopCondition {
        @Override
        public boolean test(Map<String, Double> metrics) {
            return left.test(metrics) && right.test(metrics);
        }

        @Override
        public void metrics(java.util.Set<String> sink) {
            left.metrics(sink);
            right.metrics(sink);
        }

        @Override
        public String toString() {
            return "(" + left + " and " + right + ")";
        }
    }

    /** Either holds. */
    record Or(StopCondition left, StopCondition right) implements StopCondition {
        @Override
        public boolean test(Map<String, Double> metrics) {
            return left.test(metrics) || right.test(metrics);
        }

        @Override
        public void metrics(java.util.Set<String> sink) {
            left.metrics(sink);
            right.metrics(sink);
        }

        @Override
        public String toString() {
            return "(" + left + " or " + right + ")";
        }
    }

    /** Comparison operators. */
    enum Op {
        LT("<"), LE("<="), GT(">"), GE(">=");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }
}
