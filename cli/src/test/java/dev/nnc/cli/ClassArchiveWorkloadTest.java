package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data archive holds the classes of the commands ClassArchiveWorkload runs:
 * each of them has to succeed on its model, or the archive silently misses what it was for.
 */
class ClassArchiveWorkloadTest {
    @TempDir
    Path dir;

    @Test
    void everyCommandOfTheWorkloadSucceeds() throws IOException {
        List<Integer> codes = ClassArchiveWorkload.runCommands(dir);
        assertEquals(6, codes.size());
        assertEquals(Collections.nCopies(codes.size(), Main.OK), codes);
    }
}
