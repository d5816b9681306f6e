package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nnc.runtime.data.Symbols;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rows of a request to a model that reads texts as symbols: a row is a text (a JSON string,
 * escapes decoded, a character beyond U+FFFF as itself or as an escaped surrogate pair),
 * encoded by the model's vocabulary into the codes {@code nnc predict} gives the same text, or
 * still an array of codes; a text longer than the input is status 400 naming the row.
 */
class RequestTextsTest {
    /** The vocabulary of "ab" and "b😀": codes 2 (a), 3 (b), 4 (😀); 1 is a symbol it lacks. */
    private static final Symbols WORDS = Symbols.fit(List.of("ab", "b\uD83D\uDE00"));
    private static final int STEPS = 4;

    private static RequestRows.Rows parse(String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        return RequestRows.parse(in::read, new int[] {STEPS}, 100, bytes.length, "Words", null,
                null, WORDS);
    }

    private static double[] codes(String text) {
        return WORDS.encode(text, STEPS, "");
    }

    @Test
    void aTextIsTheCodesPredictGivesItInEveryFormOfABody() throws Exception {
        assertArrayEquals(new double[] {2, 3, 0, 0}, codes("ab"));
        RequestRows.Rows r = parse("{\"rows\": [\"ab\", \"b\\ud83d\\ude00\", \"\", \"b😀za\","
                + " [2, 3, 4, 1]]}");
        assertEquals(5, r.count());
        assertArrayEquals(codes("ab"), r.row(0));
        assertArrayEquals(new double[] {3, 4, 0, 0}, r.row(1));
        assertArrayEquals(new double[] {0, 0, 0, 0}, r.row(2));
        assertArrayEquals(new double[] {3, 4, 1, 2}, r.row(3));
        assertArrayEquals(new double[] {2, 3, 4, 1}, r.row(4));
        RequestRows.Rows bare = parse("[\"ba\", \"a\"]");
        assertEquals(2, bare.count());
        assertArrayEquals(codes("ba"), bare.row(0));
        assertArrayEquals(codes("a"), bare.row(1));
        RequestRows.Rows one = parse(" \"b\\u0061\" ");
        assertEquals(1, one.count());
        assertArrayEquals(codes("ba"), one.row(0));
        // an array of codes is still one row, flat
        assertArrayEquals(new double[] {2, 0, 0, 0}, parse("[2, 0, 0, 0]").row(0));
    }

    @Test
    void aTextLongerThanTheInputOrALoneSurrogateIsRefusedNamingTheRow() {
        RequestRows.Rejected e = assertThrows(RequestRows.Rejected.class,
                () -> parse("[\"ab\", \"abbab\"]"));
        assertEquals(400, e.status);
        assertEquals("row 2: 'abbab' has 5 symbols, but the model's input holds 4 (input [4]);"
                + " give the model a longer input", e.getMessage());
        e = assertThrows(RequestRows.Rejected.class, () -> parse("[\"a\\ud83d\"]"));
        assertEquals("row 1: a lone surrogate \\ud83d in a string (a character beyond U+FFFF is"
                + " escaped as a pair)", e.getMessage());
        e = assertThrows(RequestRows.Rejected.class, () -> parse("[\"a\", 3]"));
        assertEquals(400, e.status);
        e = assertThrows(RequestRows.Rejected.class, () -> parse("{\"rows\": [2, \"a\", 0, 0]}"));
        assertEquals("row 1, column 2: not a number: a string", e.getMessage());
    }
}
