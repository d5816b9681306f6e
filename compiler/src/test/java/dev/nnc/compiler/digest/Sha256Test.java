package dev.nnc.compiler.digest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Sha256} against the JDK's SHA-256, and the standard's test vectors. */
class Sha256Test {
    @Test
    void standardVectors() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                hex(Sha256.of(new byte[0])));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                hex(Sha256.of("abc".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
                hex(Sha256.of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
                        .getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void sameAsTheJdksDigestForEveryLengthAndSplit() throws Exception {
        Random r = new Random(7);
        for (int n = 0; n < 300; n++) {
            byte[] data = new byte[n < 200 ? n : r.nextInt(5000)];
            r.nextBytes(data);
            byte[] expected = MessageDigest.getInstance("SHA-256").digest(data);
            assertArrayEquals(expected, Sha256.of(data), "length " + data.length);
            // the same bytes added in pieces, some one byte at a time
            Sha256 d = new Sha256();
            int at = 0;
            while (at < data.length) {
                int len = Math.min(data.length - at, r.nextInt(130));
                if (len == 1) {
                    d.update(data[at]);
                } else {
                    byte[] piece = new byte[len];
                    System.arraycopy(data, at, piece, 0, len);
                    d.update(piece);
                }
                at += len;
            }
            assertArrayEquals(expected, d.digest(), "pieces, length " + data.length);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
