package dev.nnc.compiler.ops;

/**
 * A work buffer a layer keeps between its forward and its backward pass in a training step: the
 * dropout mask, batch norm's normalized input and its 1/√(σ² + eps). Generated classes allocate it
 * once per batch size ({@code perSample}: {@code n * size} floats) or once ({@code size} floats).
 *
 * <p>Example: {@code WorkBuffer.perSample("mask", 16)} is the mask of a dropout on [16].
 *
 * @param name what it holds, for the generated field's comment
 * @param size floats per sample, or in all when not {@code perSample}
 * @param perSample whether it holds {@code size} floats for each sample of the batch
 */
public record WorkBuffer(String name, int size, boolean perSample) {
    public WorkBuffer {
        if (size <= 0) {
            throw new IllegalArgumentException("size <= 0: " + size);
        }
    }

    /** {@code size} floats per sample. */
    public static WorkBuffer perSample(String name, int size) {
        return new WorkBuffer(name, size, true);
    }

    /** {@code size} floats, whatever the batch size. */
    public static WorkBuffer fixed(String name, int size) {
        return new WorkBuffer(name, size, false);
    }
}
