package dev.nnc.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.data.CsvReader;
import dev.nnc.runtime.data.CsvTable;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.data.Symbols;
import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.train.Training;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code 09-rnn/words.nn}, the language of a word from its letters (sequences of varying length),
 * trained as {@code nnc train} trains it for fewer epochs, against a baseline trained here by nnc
 * on the same words: a logistic regression ({@code dense(7) -> softmax}) on the counts of each
 * word's letter bigrams (with ^ and $ marking its start and end), the 300 most frequent bigrams
 * of the training words.
 */
class RecurrentWordsExampleTest {
    private static final Path DIR = Path.of("09-rnn", "words");
    private static final int BIGRAMS = 300;

    @TempDir
    Path tmp;

    @Test
    void theMaskedGruBeatsABagOfLetterBigrams() throws IOException {
        double baseline = bigramBaseline();
        Example e = Example.train("09-rnn/words.nn", Training.Options.defaults().withEpochs(6));
        double acc = e.metric("test_accuracy");
        System.out.printf("words: masked gru, 6 epochs at most: test accuracy %.4f; letter bigrams, "
                + "logistic regression: %.4f%n", acc, baseline);
        assertTrue(baseline > 0.5, "baseline " + baseline); // well above 1/7: the words carry it
        assertTrue(acc > baseline, "test accuracy " + acc + ", bigram baseline " + baseline);

        // the vocabulary is saved with the weights and read back
        Preprocessing prep = e.result.preprocessing();
        Symbols s = prep.symbols();
        assertEquals(52, s.codes());
        Preprocessing back = Preprocessing.fromMetadata(prep.toMetadata(), e.model);
        assertEquals(s, back.symbols());
        // a word, and one with a letter the training words lack (code 1), predict as rows of codes
        assertArrayEquals(new double[] {s.code('z'), s.code('u'), 1, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                back.encode("zuж", 12, "here"));
        var p = e.predictor().classify(back.encode("zuж", 12, "here"));
        assertTrue(p.index() >= 0 && p.index() < 7);
        DataException tooLong = assertThrows(DataException.class,
                () -> back.encode("abcdefghijklm", 12, "words.csv:3: "));
        assertTrue(tooLong.getMessage().startsWith("words.csv:3: 'abcdefghijklm' has 13 symbols"),
                tooLong.getMessage());
    }

    @Test
    void anEmbeddingTooSmallForTheVocabularyIsRefusedBeforeTraining() throws IOException {
        Path nn = tmp.resolve("small.nn");
        Path data = DIR.resolve("words-train.csv").toAbsolutePath();
        Files.writeString(nn, "model Small {\n input [12]\n embedding(40, 4)\n"
                + " gru(4, mask: true)\n dense(7) -> softmax\n loss cross_entropy\n"
                + " optimizer adam(lr: 0.01)\n data {\n  train: csv(\"" + data
                + "\", label: \"lang\", symbols: \"word\")\n }\n}\n");
        DataException e = assertThrows(DataException.class, () -> Example.train(nn.toString()));
        assertEquals("the training file has 50 distinct symbols, so its codes run from 0 "
                + "(padding) and 1 (unknown) to 51, but embedding1 takes 40 codes: give it "
                + "embedding(52, ...)", e.getMessage());
    }

    /** Test accuracy of the logistic regression on letter-bigram counts, trained by nnc. */
    private double bigramBaseline() throws IOException {
        CsvTable train = CsvReader.readAny(DIR.resolve("words-train.csv"));
        CsvTable test = CsvReader.readAny(DIR.resolve("words-test.csv"));
        assertEquals(5600, train.rowCount());
        assertEquals(1400, test.rowCount());
        Map<String, Integer> freq = new HashMap<>();
        for (int r = 0; r < train.rowCount(); r++) {
            for (String b : bigrams(train.text(r, 0))) {
                freq.merge(b, 1, Integer::sum);
            }
        }
        List<String> top = freq.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(BIGRAMS).map(Map.Entry::getKey).toList();
        write(train, top, tmp.resolve("bigrams-train.csv"));
        write(test, top, tmp.resolve("bigrams-test.csv"));
        Path nn = tmp.resolve("bigrams.nn");
        Files.writeString(nn, "model Bigrams {\n input [" + BIGRAMS + "]\n"
                + " dense(7) -> softmax\n loss cross_entropy\n optimizer adam(lr: 0.01)\n"
                + " seed 42\n data {\n  train: csv(\"bigrams-train.csv\", label: \"lang\")\n"
                + "  test: csv(\"bigrams-test.csv\", label: \"lang\")\n }\n"
                + " train {\n  epochs: 20\n  batch: 32\n }\n}\n");
        return Example.train(nn.toString()).metric("test_accuracy");
    }

    private static List<String> bigrams(String word) {
        int[] cp = ("^" + word + "$").codePoints().toArray();
        List<String> out = new ArrayList<>();
        for (int i = 0; i + 1 < cp.length; i++) {
            out.add(new String(cp, i, 2));
        }
        return out;
    }

    private static void write(CsvTable t, List<String> top, Path file) throws IOException {
        Map<String, Integer> index = new HashMap<>();
        for (int j = 0; j < top.size(); j++) {
            index.put(top.get(j), j);
        }
        List<String> lines = new ArrayList<>();
        StringBuilder head = new StringBuilder();
        for (int j = 0; j < top.size(); j++) {
            head.append("b").append(j).append(',');
        }
        lines.add(head.append("lang").toString());
        for (int r = 0; r < t.rowCount(); r++) {
            int[] counts = new int[top.size()];
            for (String b : bigrams(t.text(r, 0))) {
                Integer j = index.get(b);
                if (j != null) {
                    counts[j]++;
                }
            }
            StringBuilder sb = new StringBuilder();
            for (int c : counts) {
                sb.append(c).append(',');
            }
            lines.add(sb.append(t.text(r, 1)).toString());
        }
        Files.write(file, lines);
    }
}
