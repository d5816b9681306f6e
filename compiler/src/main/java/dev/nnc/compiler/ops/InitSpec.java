package dev.nnc.compiler.ops;

import java.util.List;

/**
 * A weight initializer: {@code zero}, {@code normal(std)}, {@code uniform(range)}, {@code xavier}
 * (alias {@code glorot}), {@code he} (alias {@code msra}). Biases always start at zero. The kind
 * {@code constant} (every element {@code param}) is not written in files: the checker gives it to
 * tensors that start at a fixed value, such as batch norm's γ.
 */
public record InitSpec(String kind, double param) {

    /** Every element starts at {@code value}. */
    public static InitSpec constant(double value) {
        return new InitSpec("constant", value);
    }

    /** Every initializer name the language accepts, aliases included. */
    public static final List<String> NAMES = List.of("zero", "normal", "uniform", "xavier",
            "glorot", "he", "msra");

    /** The canonical kind for a name or alias, or {@code null} when unknown. */
    public static String canonical(String name) {
        return switch (name) {
            case "zero", "zeros" -> "zero";
            case "normal" -> "normal";
            case "uniform" -> "uniform";
            case "xavier", "glorot" -> "xavier";
            case "he", "msra" -> "he";
            default -> null;
        };
    }

    /** The argument an initializer takes, or {@code null}: normal(std), uniform(range). */
    public static ArgSpec argOf(String kind) {
        return switch (kind) {
            case "normal" -> ArgSpec.positive("std", 0.01);
            case "uniform" -> ArgSpec.positive("range", 0.05);
            default -> null;
        };
    }

    @Override
    public String toString() {
        if (kind.equals("constant")) {
            return "constant(" + param + ")";
        }
        ArgSpec a = argOf(kind);
        return a == null ? kind : kind + "(" + a.name() + ": " + param + ")";
    }
}
