package dev.nnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A text column read as sequences of symbols: the vocabulary, the codes, the files. */
class SymbolsTest {
    @TempDir
    Path dir;

    @Test
    void codesArePaddingUnknownThenTheTrainingSymbolsInCodePointOrder() {
        Symbols s = Symbols.fit(List.of("abc", "b", "été"));
        assertEquals(7, s.codes()); // 0, 1, then a b c t é
        float[] out = new float[5];
        s.encode("tab", 5, out, 0, "x");
        assertArrayEquals(new float[] {5, 2, 3, 0, 0}, out);
        s.encode("éx", 5, out, 0, "x");
        assertArrayEquals(new float[] {6, Symbols.UNKNOWN, 0, 0, 0}, out);
        assertEquals(s, Symbols.decodeMetadata(s.encodeMetadata()));
        assertEquals("97,98,99,116,233", s.encodeMetadata());
        // a symbol beyond the basic plane is one symbol, not two chars
        Symbols wide = Symbols.fit(List.of("a\uD83D\uDE00"));
        assertArrayEquals(new double[] {2, 3, 0}, wide.encode("a\uD83D\uDE00", 3, "x"));
    }

    @Test
    void aTextLongerThanTheInputIsAnErrorNamingIt() {
        Symbols s = Symbols.fit(List.of("ab"));
        DataException e = assertThrows(DataException.class,
                () -> s.encode("abab", 3, "w.csv:4: "));
        assertEquals("w.csv:4: 'abab' has 4 symbols, but the model's input holds 3 (input [3]);"
                + " give the model a longer input", e.getMessage());
    }

    @Test
    void csvTrainingFitsTheVocabularyTestDataReusesItPredictionReadsTheColumn()
            throws IOException {
        Path train = dir.resolve("train.csv");
        Files.writeString(train, "id,word,lang\n1,ab,x\n2,ba,y\n3,abc,x\n");
        Path test = dir.resolve("test.csv");
        Files.writeString(test, "id,word,lang\n1,cz,y\n");
        DataSource.Csv src = DataSource.csv(train.toString(), List.of("lang"), false)
                .withSymbols("word");
        LoadedData ld = DataLoader.load(train, src, 4, 2, ModelSpec.Loss.CROSS_ENTROPY, null);
        assertEquals(Symbols.fit(List.of("ab", "ba", "abc")), ld.symbols());
        assertArrayEquals(new float[] {2, 3, 0, 0, 3, 2, 0, 0, 2, 3, 4, 0},
                ld.dataset().x());
        LoadedData t = DataLoader.load(test, src, 4, 2, ModelSpec.Loss.CROSS_ENTROPY,
                ld.classes(), null, ld.symbols());
        assertArrayEquals(new float[] {4, Symbols.UNKNOWN, 0, 0}, t.dataset().x());
        assertArrayEquals(new double[][] {{4, Symbols.UNKNOWN, 0, 0}},
                DataLoader.readSymbols(test, src, ld.symbols(), 4));
        Path noColumn = dir.resolve("bad.csv");
        Files.writeString(noColumn, "text\nab\n");
        DataException e = assertThrows(DataException.class,
                () -> DataLoader.readSymbols(noColumn, src, ld.symbols(), 4));
        assertTrue(e.getMessage().startsWith("no column 'word' in"), e.getMessage());
        DataException longer = assertThrows(DataException.class, () -> DataLoader.load(train,
                src, 2, 2, ModelSpec.Loss.CROSS_ENTROPY, null));
        assertTrue(longer.getMessage().endsWith(":4: column 'word' (2): 'abc' has 3 symbols, but "
                + "the model's input holds 2 (input [2]); give the model a longer input"),
                longer.getMessage());
    }

    @Test
    void theVocabularyTravelsInTheWeightsMetadata() {
        Preprocessing p = Preprocessing.identity(3, 2).withSymbols(Symbols.fit(List.of("xy")));
        assertEquals("120,121", p.toMetadata().get(Symbols.KEY));
        assertEquals(p.symbols(), Preprocessing.fromMetadata(p.toMetadata()).symbols());
        assertNull(Preprocessing.fromMetadata(Preprocessing.identity(3, 2).toMetadata())
                .symbols());
    }
}
