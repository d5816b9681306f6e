package dev.nnc.runtime.data;

import dev.nnc.runtime.io.DataException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The lines of a UTF-8 stream, decoded strictly, with the position of every bad byte: what
 * {@link CsvReader} reads a file through. A line ends at LF, CR or CRLF; a byte order mark at the
 * start is dropped.
 */
final class Utf8Lines {
    private static final int BUFFER = 1 << 16;

    private final Path file;
    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER).flip();
    private final CharBuffer chars = CharBuffer.allocate(BUFFER).flip();
    private boolean eof;
    private boolean flushed;
    private CoderResult pending;
    private int skipCr;
    long bytesRead;
    int lineNo;

    Utf8Lines(Path file, InputStream in) {
        this.file = file;
        this.in = in;
    }

    /** Reads the next line into {@code sb} (cleared first); false at the end of the file. */
    boolean next(StringBuilder sb) throws IOException {
        sb.setLength(0);
        boolean any = false;
        while (true) {
            if (!chars.hasRemaining() && !refill(sb)) {
                if (any) {
                    lineNo++;
                }
                return any;
            }
            char ch = chars.get();
            if (skipCr > 0) {
                skipCr = 0;
                if (ch == '\n') {
                    continue;
                }
            }
            any = true;
            if (ch == '\n' || ch == '\r') {
                skipCr = ch == '\r' ? 1 : 0;
                lineNo++;
                return true;
            }
            sb.append(ch);
            if (lineNo == 0 && sb.length() == 1 && ch == '\uFEFF') {
                sb.setLength(0);
            }
        }
    }

    /** Decodes more characters; false at the end of the file. */
    private boolean refill(StringBuilder line) throws IOException {
        if (pending != null) {
            throw notUtf8(line);
        }
        chars.clear();
        while (chars.position() == 0) {
            if (!eof && bytes.remaining() < 8) {
                bytes.compact();
                int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                if (n < 0) {
                    eof = true;
                } else {
                    bytes.position(bytes.position() + n);
                    bytesRead += n;
                }
                bytes.flip();
            }
            CoderResult r = decoder.decode(bytes, chars, eof);
            if (r.isError()) {
                pending = r;
                if (chars.position() == 0) {
                    throw notUtf8(line);
                }
                break;
            }
            if (eof && !bytes.hasRemaining()) {
                if (!flushed) {
                    decoder.flush(chars);
                    flushed = true;
                }
                break;
            }
        }
        chars.flip();
        return chars.hasRemaining();
    }

    private DataException notUtf8(StringBuilder line) {
        int n = Math.min(pending.length(), bytes.remaining());
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < n; i++) {
            hex.append(i == 0 ? "" : " ")
                    .append(String.format("%02x", bytes.get(bytes.position() + i) & 0xFF));
        }
        return new DataException(file + ":" + (lineNo + 1) + ":" + (line.length() + 1) + ": "
                + (n == 1 ? "byte " : "bytes ") + hex + (n == 1 ? " is" : " are")
                + " not UTF-8 (save the file as UTF-8)");
    }
}
