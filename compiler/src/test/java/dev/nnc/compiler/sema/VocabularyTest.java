package dev.nnc.compiler.sema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.nnc.compiler.ops.Registry;
import java.util.List;
import org.junit.jupiter.api.Test;

class VocabularyTest {
    private final Vocabulary v = Vocabulary.standard();

    @Test
    void everyKnownNameHasOneLineOfDescription() {
        for (Vocabulary.Kind k : Vocabulary.Kind.values()) {
            assertFalse(v.names(k).isEmpty(), k.name());
            for (String n : v.names(k)) {
                String d = v.describe(k, n);
                assertNotNull(d, k + " " + n);
                assertFalse(d.isBlank() || d.contains("\n"), k + " " + n + ": " + d);
            }
        }
    }

    @Test
    void namesAreTheCheckersNames() {
        Registry r = Registry.standard();
        assertEquals(List.copyOf(r.optimizerNames()), v.names(Vocabulary.Kind.OPTIMIZER));
        assertEquals(List.copyOf(r.lossNames()), v.names(Vocabulary.Kind.LOSS));
        assertEquals(r.activationNames(), v.names(Vocabulary.Kind.ACTIVATION));
        assertEquals(TrainChecker.KEYS, v.names(Vocabulary.Kind.TRAIN_KEY));
        assertEquals(DataChecker.KEYS, v.names(Vocabulary.Kind.DATA_KEY));
        assertEquals(TrainChecker.SCHEDULES.keySet(),
                java.util.Set.copyOf(v.names(Vocabulary.Kind.SCHEDULE)));
        assertNull(v.describe(Vocabulary.Kind.OPTIMIZER, "adma"));
        assertEquals(r.layer("dense").args(), v.arguments(Vocabulary.Kind.LAYER, "dense"));
    }
}
