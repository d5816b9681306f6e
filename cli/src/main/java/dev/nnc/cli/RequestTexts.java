package dev.nnc.cli;

import dev.nnc.runtime.data.Symbols;
import dev.nnc.runtime.io.DataException;
import java.io.IOException;

/**
 * A text row of a {@code POST /predict} body for a model that reads texts as symbols
 * ({@code csv(..., symbols: "word")}): a JSON string, turned into the codes of its symbols padded
 * to the input's steps by the model's saved vocabulary, {@link Symbols#encode}, the one
 * definition {@code nnc predict} also encodes its input file's texts with.
 */
final class RequestTexts {
    private RequestTexts() {
    }

    /**
     * The codes of the text whose opening quote {@code src} gives first; a text with more
     * symbols than {@code steps} is status 400.
     *
     * @param where the message prefix: "row R: "
     */
    static float[] codes(RequestRows.Source src, Symbols symbols, int steps, String where)
            throws IOException, RequestRows.Rejected {
        // NOTE: a longer text is refused by the encoding, which names its length; this bound
        // only stops reading a body's worth of one string
        String text = RequestCategories.string(src, where, 4 * steps + 64, "a text");
        float[] codes = new float[steps];
        try {
            symbols.encode(text, steps, codes, 0, where);
        } catch (DataException e) {
            throw new RequestRows.Rejected(400, e.getMessage());
        }
        return codes;
    }
}
