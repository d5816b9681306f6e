package dev.nnc.compiler.ops;

/**
 * A work buffer a layer keeps between its forward and its backward pass in a training step: the
 * dropout mask, batch norm's normalized input and its 1/√(σ² + eps), max pooling's positions of
 * the maxima. Generated classes allocate it once per batch size ({@code perSample}:
 * {@code n * size} elements) or once ({@code size} elements), as a {@code float[]} or, for
 * positions, an {@code int[]}.
 *
 * <p>Example: {@code WorkBuffer.perSample("mask", 16)} is the mask of a dropout on [16];
 * {@code WorkBuffer.perSampleInts("argmax", 196)} the positions of a max pooling into [4,7,7].
 *
 * <p>NOTE: positions never go into a {@code float[]}: a float holds every integer only up to
 * 2^24, so past 16,777,216 input values (LeNet's first pooling, on [6,28,28], past a batch of
 * 3,566) an index would round to its even neighbour and a gradient would land on the wrong value.
 *
 * @param name what it holds, for the generated field's comment
 * @param size elements per sample, or in all when not {@code perSample}
 * @param perSample whether it holds {@code size} elements for each sample of the batch
 * @param ints whether it holds {@code int}s (positions) rather than {@code float}s
 */
public record WorkBuffer(String name, int size, boolean perSample, boolean ints) {
    public WorkBuffer {
        if (size <= 0) {
            throw new IllegalArgumentException("size <= 0: " + size);
        }
    }

    /** {@code size} floats per sample. */
    public static WorkBuffer perSample(String name, int size) {
        return new WorkBuffer(name, size, true, false);
    }

    /** {@code size} ints per sample: positions in another buffer. */
    public static WorkBuffer perSampleInts(String name, int size) {
        return new WorkBuffer(name, size, true, true);
    }

    /** {@code size} floats, whatever the batch size. */
    public static WorkBuffer fixed(String name, int size) {
        return new WorkBuffer(name, size, false, false);
    }

    /** The Java element type of the generated array. */
    public Class<?> arrayType() {
        return ints ? int[].class : float[].class;
    }

    /** The Java element type's name: {@code float} or {@code int}. */
    public String elementType() {
        return ints ? "int" : "float";
    }
}
