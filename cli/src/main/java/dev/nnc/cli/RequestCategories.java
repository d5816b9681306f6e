package dev.nnc.cli;

import dev.nnc.runtime.data.OneHot;
import dev.nnc.runtime.io.DataException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The value of a categorical column in a {@code POST /predict} row of a model with a one-hot
 * stage: a JSON string (any UTF-8 text), a number (taken as the category of that name) or
 * {@code null} (missing), turned into the input of the column it sets by the model's saved
 * {@link OneHot} encoding, the one definition of it. {@link RequestRows} keeps that index in
 * the row; the server expands the row with {@link OneHot#expand} before the model sees it.
 *
 * <p>Example: with districts Airport, Harbour, Hills, the row {@code ["Hills", 950]} is kept as
 * {@code [2, 950]} and expanded to {@code [0, 0, 1, 950]}.
 */
final class RequestCategories {
    /** Categories longer than this (in bytes) are refused. */
    static final int MAX_TEXT = 1000;

    private RequestCategories() {
    }

    /**
     * Reads the JSON string whose opening quote {@code src} gives first (UTF-8, escapes
     * decoded).
     *
     * @param where the message prefix: "row R, column C: "
     */
    static String string(RequestRows.Source src, String where) throws IOException,
            RequestRows.Rejected {
        return string(src, where, MAX_TEXT, "a category");
    }

    /**
     * As {@link #string(RequestRows.Source, String)}, for a string of at most {@code maxBytes}
     * bytes of UTF-8; {@code what} names it in the message of a longer one ("a category"). A
     * character beyond the 16-bit range may come escaped as its surrogate pair
     * ({@code "\\ud83d\\ude00"}); a lone surrogate is refused.
     */
    static String string(RequestRows.Source src, String where, int maxBytes, String what)
            throws IOException, RequestRows.Rejected {
        src.read(); // the opening quote
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        char high = 0; // an escaped high surrogate, waiting for its low half
        while (true) {
            int c = src.read();
            if (c < 0) {
                throw new RequestRows.Rejected(400, where + "unterminated string");
            }
            if (high != 0 && c != '\\') {
                throw loneSurrogate(high, where);
            }
            if (c == '"') {
                break;
            }
            if (bytes.size() >= maxBytes) {
                throw new RequestRows.Rejected(400, where + what + " longer than " + maxBytes
                        + " bytes");
            }
            if (c != '\\') {
                bytes.write(c);
                continue;
            }
            int e = src.read();
            char ch = switch (e) {
                case '"', '\\', '/' -> (char) e;
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'u' -> unicode(src, where);
                default -> throw new RequestRows.Rejected(400, where + "bad escape in a string");
            };
            if (high != 0 && !Character.isLowSurrogate(ch)) {
                throw loneSurrogate(high, where);
            }
            if (Character.isHighSurrogate(ch)) {
                high = ch;
                continue;
            }
            if (Character.isLowSurrogate(ch) && high == 0) {
                throw loneSurrogate(ch, where);
            }
            String text = high != 0 ? new String(new char[] {high, ch}) : String.valueOf(ch);
            high = 0;
            bytes.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new RequestRows.Rejected(400, where + "a string that is not UTF-8");
        }
    }

    private static RequestRows.Rejected loneSurrogate(char c, String where) {
        return new RequestRows.Rejected(400, where + String.format("a lone surrogate \\u%04x in"
                + " a string (a character beyond U+FFFF is escaped as a pair)", (int) c));
    }

    private static char unicode(RequestRows.Source src, String where) throws IOException,
            RequestRows.Rejected {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(src.read(), 16);
            if (d < 0) {
                throw new RequestRows.Rejected(400, where + "bad \\u escape in a string");
            }
            v = v * 16 + d;
        }
        return (char) v;
    }

    /**
     * The input of categorical column {@code column} that {@code value} sets ({@code null}:
     * missing), as the model's encoding says; an unseen or unfilled value is status 400.
     */
    static int slot(OneHot h, int column, String value, String where)
            throws RequestRows.Rejected {
        try {
            return h.slot(column, value);
        } catch (DataException e) {
            throw new RequestRows.Rejected(400, where + "column '" + h.columns().get(column)
                    + "': " + e.getMessage());
        }
    }
}
