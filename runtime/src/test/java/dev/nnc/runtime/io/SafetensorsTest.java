package dev.nnc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    private final List<Tensor> tensors = List.of(
            new Tensor("dense1.W", new int[] {2, 3}, new float[] {1, -2, 3.5f, Float.MIN_VALUE,
                    Float.MAX_VALUE, -0f}),
            new Tensor("dense1.B", new int[] {3}, new float[] {0.1f, 0.2f, 0.3f}),
            new Tensor("scale", new int[] {}, new float[] {7}));

    @Test
    void roundTripKeepsTensorsBitForBitAndMetadata() {
        Path f = dir.resolve("m.safetensors");
        Safetensors.write(f, tensors, Map.of("nnc.model", "Xor", "note", "a \"quoted\" \\ value"));
        Safetensors.Contents c = Safetensors.read(f);
        assertEquals(tensors, c.tensors());
        assertEquals(Map.of("nnc.model", "Xor", "note", "a \"quoted\" \\ value"), c.metadata());
        assertArrayEquals(new int[] {2, 3}, c.tensor("dense1.W").shape());
    }

    @Test
    void layoutFollowsTheFormat() throws IOException {
        Path f = dir.resolve("m.safetensors");
        Safetensors.write(f, tensors, Map.of());
        byte[] bytes = Files.readAllBytes(f);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong();
        assertEquals(0, n % 8);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"dense1.W\":{\"dtype\":\"F32\",\"shape\":[2,3],"
                + "\"data_offsets\":[0,24]},\"dense1.B\":{\"dtype\":\"F32\",\"shape\":[3],"
                + "\"data_offsets\":[24,36]},\"scale\":{\"dtype\":\"F32\",\"shape\":[],"
                + "\"data_offsets\":[36,40]}}"), header);
        assertEquals(8 + n + 40, bytes.length);
        assertEquals(3.5f, b.order(ByteOrder.LITTLE_ENDIAN).getFloat((int) (8 + n + 8)));
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTemporaryFile() throws IOException {
        Path f = dir.resolve("sub/m.safetensors");
        Safetensors.write(f, tensors, Map.of("v", "1"));
        Safetensors.write(f, tensors.subList(0, 1), Map.of("v", "2"));
        assertEquals("2", Safetensors.read(f).metadata().get("v"));
        assertEquals(1, Safetensors.read(f).tensors().size());
        try (Stream<Path> files = Files.list(f.getParent())) {
            assertEquals(List.of(f), files.toList());
        }
    }

    @Test
    void failedWriteKeepsTheOldFile() throws IOException {
        Path f = dir.resolve("m.safetensors");
        Safetensors.write(f, tensors, Map.of("v", "1"));
        Path blocker = dir.resolve("d");
        Files.createDirectory(blocker);
        Files.writeString(blocker.resolve("x"), "keep");
        assertThrows(WeightsException.class, () -> Safetensors.write(blocker, tensors, Map.of()));
        assertEquals("1", Safetensors.read(f).metadata().get("v"));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count());
        }
    }

    @Test
    void truncatedFileIsAClearError() throws IOException {
        Path f = dir.resolve("m.safetensors");
        Safetensors.write(f, tensors, Map.of());
        byte[] bytes = Files.readAllBytes(f);
        for (int len : new int[] {0, 5, 8, 20, bytes.length - 1}) {
            Path g = dir.resolve("t" + len + ".safetensors");
            Files.write(g, Arrays.copyOf(bytes, len));
            WeightsException e = assertThrows(WeightsException.class, () -> Safetensors.read(g));
            assertTrue(e.getMessage().startsWith(g + ": not a valid safetensors file: "),
                    e.getMessage());
        }
    }

    @Test
    void corruptHeadersAreClearErrors() throws IOException {
        String[] headers = {
            "[1,2]",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}",
            "{\"a\":7}",
            "{\"__metadata__\":{\"k\":1}}",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}",
        };
        for (String h : headers) {
            Path g = dir.resolve("c.safetensors");
            byte[] json = h.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(8 + json.length + 4).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(json.length).put(json).putFloat(1f);
            Files.write(g, b.array());
            WeightsException e = assertThrows(WeightsException.class, () -> Safetensors.read(g),
                    h);
            assertTrue(e.getMessage().startsWith(g + ": not a valid safetensors file: "),
                    e.getMessage());
        }
    }

    @Test
    void otherDtypesAndMissingFiles() throws IOException {
        Path g = dir.resolve("h.safetensors");
        byte[] json = "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}    "
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        Files.write(g, b.array());
        assertEquals(g + ": tensor 'a' has dtype F16; only F32 is supported",
                assertThrows(WeightsException.class, () -> Safetensors.read(g)).getMessage());
        Path none = dir.resolve("none.safetensors");
        assertEquals(none + ": no such file",
                assertThrows(WeightsException.class, () -> Safetensors.read(none)).getMessage());
    }

    private Path raw(String header, float... data) throws IOException {
        Path g = dir.resolve("raw.safetensors");
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + 4 * data.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        for (float v : data) {
            b.putFloat(v);
        }
        Files.write(g, b.array());
        return g;
    }

    @Test
    void overlappingDataOffsetsAreRefused() throws IOException {
        Path g = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]},"
                + "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}",
                1, 2, 3, 4, 5, 6);
        assertEquals(g + ": not a valid safetensors file: tensors 'a' [0, 16] and 'b' [8, 24]"
                + " overlap in data_offsets",
                assertThrows(WeightsException.class, () -> Safetensors.read(g)).getMessage());
        Path ok = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}",
                1, 2, 3, 4);
        assertArrayEquals(new float[] {3, 4}, Safetensors.read(ok).tensor("a").data());
    }

    @Test
    void nonFiniteWeightsAreRefusedWithTheTensorsName() throws IOException {
        Path f = dir.resolve("nan.safetensors");
        Safetensors.write(f, List.of(new Tensor("dense1.W", new int[] {2, 2},
                new float[] {1, 2, Float.NaN, 4})), Map.of());
        assertEquals(f + ": tensor 'dense1.W' holds NaN at element 2 of shape [2, 2]; weights"
                + " must be finite numbers (was training diverging?)",
                assertThrows(WeightsException.class, () -> Safetensors.read(f)).getMessage());
        Safetensors.write(f, List.of(new Tensor("b\u001b[31m", new int[] {1},
                new float[] {Float.NEGATIVE_INFINITY})), Map.of());
        assertEquals(f + ": tensor 'b\\x1b[31m' holds -Infinity at element 0 of shape [1];"
                + " weights must be finite numbers (was training diverging?)",
                assertThrows(WeightsException.class, () -> Safetensors.read(f)).getMessage());
    }

    @Test
    void theHeaderIsCheckedBeforeAnyTensorIsRead() throws IOException {
        Path g = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                Float.NaN);
        assertEquals("wrong model", assertThrows(WeightsException.class,
                () -> Safetensors.read(g, layout -> {
                    assertArrayEquals(new int[] {1}, layout.shapes().get("a"));
                    throw new WeightsException("wrong model");
                })).getMessage());
        Safetensors.Layout layout = Safetensors.layout(g);
        assertEquals(List.of("a"), List.copyOf(layout.shapes().keySet()));
        assertEquals(Map.of(), layout.metadata());
    }
}
