package dev.nnc.runtime.train;

import dev.nnc.runtime.io.Safetensors;
import dev.nnc.runtime.io.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The writer that {@link CheckpointTest} kills: writes a 64 MB safetensors file to the path given,
 * again and again, every value of write i being i.
 */
final class CheckpointWriterMain {
    static final int FLOATS = 16 << 20;

    private CheckpointWriterMain() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        float[] data = new float[FLOATS];
        for (int i = 1; i < 100_000; i++) {
            Arrays.fill(data, i);
            Safetensors.write(file, List.of(new Tensor("payload", new int[] {FLOATS}, data)),
                    Map.of("iteration", Integer.toString(i)));
        }
    }
}
