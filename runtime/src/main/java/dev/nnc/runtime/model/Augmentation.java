package dev.nnc.runtime.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The data block's {@code augment:} setting: random transforms of the training images, drawn
 * anew for every sample in every epoch. The data package's {@code Augmenter} applies them to
 * training batches only; validation, test, {@code nnc eval}, {@code nnc predict} and every
 * deployment form see the images as they are.
 *
 * <p>Example: {@code augment: [rotate(10), zoom(0.8, 1.2), shift(2), noise(0.3)]} is
 * {@code new Augmentation(10, 0.8, 1.2, 2, false, false, 0.3)}.
 *
 * @param rotation the largest rotation in degrees, each way (0: none), in [0, 180]
 * @param zoomMin the smallest zoom factor (1: none), &gt; 0
 * @param zoomMax the largest zoom factor, ≥ {@code zoomMin}
 * @param shift the largest shift in whole pixels, each way and along each axis (0: none)
 * @param flipHorizontal mirror left to right with probability 1/2
 * @param flipVertical mirror top to bottom with probability 1/2
 * @param noise the standard deviation of the Gaussian noise added to every value (0: none)
 */
public record Augmentation(double rotation, double zoomMin, double zoomMax, int shift,
        boolean flipHorizontal, boolean flipVertical, double noise) {
    /** No augmentation. */
    public static final Augmentation NONE = new Augmentation(0, 1, 1, 0, false, false, 0);

    public Augmentation {
        if (!(rotation >= 0 && rotation <= 180)) {
            throw new IllegalArgumentException("rotation not in [0, 180]: " + rotation);
        }
        if (!(zoomMin > 0) || !(zoomMax >= zoomMin) || Double.isInfinite(zoomMax)) {
            throw new IllegalArgumentException("zoom not 0 < min <= max: " + zoomMin + ", "
                    + zoomMax);
        }
        if (shift < 0) {
            throw new IllegalArgumentException("shift < 0: " + shift);
        }
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw new IllegalArgumentException("noise not a number >= 0: " + noise);
        }
    }

    /** True when no transform is set. */
    public boolean isNone() {
        return equals(NONE);
    }

    /** True when a transform moves pixels (everything but noise). */
    public boolean isGeometric() {
        return rotation > 0 || zoomMin != 1 || zoomMax != 1 || shift > 0 || flipHorizontal
                || flipVertical;
    }

    /** The setting as a {@code .nn} file writes it, e.g. {@code [rotate(10), shift(2)]}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (rotation > 0) {
            parts.add("rotate(" + ClassLabels.format(rotation) + ")");
        }
        if (zoomMin != 1 || zoomMax != 1) {
            parts.add("zoom(" + ClassLabels.format(zoomMin) + ", " + ClassLabels.format(zoomMax)
                    + ")");
        }
        if (shift > 0) {
            parts.add("shift(" + shift + ")");
        }
        if (flipHorizontal && flipVertical) {
            parts.add("flip(both)");
        } else if (flipHorizontal) {
            parts.add("flip(horizontal)");
        } else if (flipVertical) {
            parts.add("flip(vertical)");
        }
        if (noise > 0) {
            parts.add("noise(" + ClassLabels.format(noise) + ")");
        }
        return "[" + String.join(", ", parts) + "]";
    }
}
