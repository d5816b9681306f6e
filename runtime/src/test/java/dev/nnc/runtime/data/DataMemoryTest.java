package dev.nnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory is bounded by the data's size as floats: a 40 MB CSV file loads in an 80 MB heap, and
 * in a heap too small for it the error says how much it needs; a weights file's header is checked
 * against the model before its tensors are allocated. Each case runs in a JVM of its own with a
 * small heap ({@link DataMemoryMain}).
 */
class DataMemoryTest {
    private static final int FEATURES = 7;

    @TempDir
    static Path dir;

    private static Path csv;

    /** About 40 MB: rows of seven features and a label, each written with four decimals. */
    @BeforeAll
    static void writeCsv() throws IOException {
        csv = dir.resolve("big.csv");
        String[] values = new String[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = String.format("%.4f", i / 1000.0);
        }
        try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            w.write("a,b,c,d,e,f,g,y\n");
            for (int r = 0; r < 700_000; r++) {
                for (int c = 0; c <= FEATURES; c++) {
                    w.write(values[(r * 31 + c * 17) % values.length]);
                    w.write(c == FEATURES ? '\n' : ',');
                }
            }
        }
        assertTrue(Files.size(csv) > 38_000_000, Files.size(csv) + " bytes");
    }

    private static List<String> run(String heap, String... args) throws Exception {
        String cp = Path.of(DataLoader.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI()) + java.io.File.pathSeparator + Path.of(DataMemoryTest.class
                .getProtectionDomain().getCodeSource().getLocation().toURI());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, heap, "-XX:+UseSerialGC", "-cp", cp,
                DataMemoryMain.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return List.of(Integer.toString(p.exitValue()), out.strip());
    }

    @Test
    void aFortyMegabyteCsvLoadsIn80Megabytes() throws Exception {
        assertEquals(List.of("0", "ok 700000 rows"),
                run("-Xmx80m", "csv", csv.toString(), Integer.toString(FEATURES)));
    }

    @Test
    void aCsvTooLargeForTheHeapSaysHowMuchItNeeds() throws Exception {
        List<String> r = run("-Xmx24m", "csv", csv.toString(), Integer.toString(FEATURES));
        assertEquals("3", r.get(0), r.get(1));
        assertTrue(r.get(1).matches("error: \\Q" + csv + "\\E: does not fit in memory: its about"
                + " \\d+ values need about \\d+ MB, and the Java heap is limited to \\d+ MB; raise"
                + " the limit with NNC_JAVA_OPTS=-Xmx\\d+m \\(the nnc launcher passes it to"
                + " java\\) or java -Xmx\\d+m -jar \\.\\.\\."), r.get(1));
    }

    /**
     * A header that promises a 400 MB tensor of a shape the model does not have (the file is
     * sparse: it takes no disk space) is refused from the header, in a 64 MB heap.
     */
    @Test
    void aWeightsFileOfTheWrongShapeIsRefusedBeforeItsTensorsAreAllocated() throws Exception {
        Path f = dir.resolve("huge.safetensors");
        long floats = 100_000_000L;
        byte[] json = ("{\"dense1.W\":{\"dtype\":\"F32\",\"shape\":[" + floats + "],"
                + "\"data_offsets\":[0," + 4 * floats + "]},\"dense1.B\":{\"dtype\":\"F32\","
                + "\"shape\":[1],\"data_offsets\":[" + 4 * floats + "," + (4 * floats + 4)
                + "]}}").getBytes(StandardCharsets.US_ASCII);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(json.length).array());
            raf.write(json);
            raf.setLength(8 + json.length + 4 * floats + 4);
        }
        assertEquals(List.of("3", "error: weights file " + f + ": tensor 'dense1.W' has shape ["
                + floats + "], the model expects [2, 1]"), run("-Xmx64m", "weights",
                f.toString()));
    }
}
