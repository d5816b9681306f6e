package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ErrorsTest {
    @Test
    void runningOutOfMemoryIsToldWithHowToRaiseTheLimit() {
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
        assertTrue(Errors.isUserError(oom));
        String m = Errors.message(oom);
        assertTrue(m.matches("out of memory: the Java heap is limited to \\d+ MB; raise the limit"
                + " with NNC_JAVA_OPTS=-Xmx\\d+g \\(the nnc launcher passes it to java\\) or"
                + " java -Xmx\\.\\.\\. -jar \\.\\.\\."), m);
    }
}
