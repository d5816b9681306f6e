package dev.nnc.compiler.ops;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The static shape of one sample flowing between layers: {@code [N]} (a vector), {@code [C,H,W]}
 * (an image with channels) or {@code [T,F]} (a sequence of T steps of F features). The batch
 * dimension is never part of a shape.
 */
public record Shape(Kind kind, int[] dims) {

    /** What the dimensions mean; the rank decides. */
    public enum Kind {
        VECTOR("[N]"), SEQUENCE("[T,F]"), IMAGE("[C,H,W]");

        private final String pattern;

        Kind(String pattern) {
            this.pattern = pattern;
        }

        /** How the kind is written in messages. */
        public String pattern() {
            return pattern;
        }
    }

    public Shape {
        dims = dims.clone();
        for (int d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException("dimension <= 0: " + Arrays.toString(dims));
            }
        }
    }

    /** The shape for {@code dims} by rank: 1 vector, 2 sequence, 3 image. */
    public static Shape of(int... dims) {
        Kind k = switch (dims.length) {
            case 1 -> Kind.VECTOR;
            case 2 -> Kind.SEQUENCE;
            case 3 -> Kind.IMAGE;
            default -> throw new IllegalArgumentException("rank " + dims.length);
        };
        return new Shape(k, dims);
    }

    /** A vector of {@code n} values. */
    public static Shape vector(int n) {
        return new Shape(Kind.VECTOR, new int[] {n});
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    public int dim(int i) {
        return dims[i];
    }

    public int rank() {
        return dims.length;
    }

    /** Number of values in one sample. */
    public int size() {
        int s = 1;
        for (int d : dims) {
            s *= d;
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && s.kind == kind && Arrays.equals(s.dims, dims);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Arrays.hashCode(dims);
    }

    /** {@code [1,28,28]}. */
    @Override
    public String toString() {
        return Arrays.stream(dims).mapToObj(Integer::toString)
                .collect(Collectors.joining(",", "[", "]"));
    }
}
