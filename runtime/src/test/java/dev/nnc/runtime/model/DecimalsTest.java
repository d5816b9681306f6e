package dev.nnc.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Decimals#parse} against {@link Double#parseDouble}, bit for bit. */
class DecimalsTest {
    /** What a data file's number was before Decimals: these characters, a digit, parseDouble. */
    private static double reference(String text) {
        if (text.isEmpty()) {
            return Double.NaN;
        }
        boolean digit = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch >= '0' && ch <= '9') {
                digit = true;
            } else if (ch != '.' && ch != 'e' && ch != 'E' && ch != '+' && ch != '-') {
                return Double.NaN;
            }
        }
        if (!digit) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static void same(String text) {
        double want = reference(text);
        double got = Decimals.parse(text);
        if (Double.doubleToRawLongBits(want) != Double.doubleToRawLongBits(got)) {
            assertEquals(want, got, "'" + text + "'"); // NOTE: fails with both values shown
            assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got),
                    "'" + text + "' (bits)");
        }
    }

    @Test
    void edgeCases() {
        List<String> cases = List.of(
                "0", "-0", "+0", "-0.0", "0.0", "-.0", "0.", "-0e5", "0e999999999999", "-0e-99999",
                "000.5", ".5", "5.", "+5", "-5", "-.5", "+.5e1", "5.e3", "1e", "e5", ".e5", "1e+",
                "1e-", "--1", "+-1", "-+1", "1+", "1-", "1e5e5", "1.2.3", "..5", " 1", "1 ", "1_0",
                "0x10", "0x1p3", "NaN", "-NaN", "Infinity", "-Infinity", "1d", "1f", "1D", "1F",
                "", "+", "-", ".", "e", "E", "1E5", "1e+05", "1e-05", "1e0", "1e-0",
                "9007199254740991", "9007199254740992", "9007199254740993", "9007199254740994",
                "9007199254740995", "-9007199254740993", "900719925474099.3", "9007199254740993e-5",
                "123456789012345", "1234567890123456", "12345678901234567", "0.123456789012345",
                "0.1234567890123456", "0.12345678901234567", "123456789012345678901234567890",
                "99999999999999999999", "18446744073709551616", "9223372036854775807",
                "9223372036854775808", "1e22", "1e23", "1e-22", "1e-23", "9007199254740991e22",
                "9007199254740991e-22", "9007199254740993e22", "4.9e-324", "2.4703282292062327e-324",
                "2.4703282292062328e-324", "1e-400", "1.7976931348623157e308", "1.7976931348623159e308",
                "1e309", "-1e309", "3.4028235e38", "3.4028236e38", "3.402823466e38",
                "3.4028235677973366e38", "3.4028235677973367e38", "-3.4028235e38", "1.4e-45",
                "1e-46", "0.1", "0.2", "0.3", "2.2250738585072011e-308", "2.2250738585072012e-308",
                "0.54881352186203", "-0.3019183576107025", "1e00000000000000000000005",
                "1e-00000000000000000000005", "1e99999", "1e100000", "1e2147483648", "1e-2147483649",
                "0.0000000000000000000000000000000000000000000000000000000000001",
                "1" + "0".repeat(300), "0".repeat(400) + "1", "0." + "0".repeat(400) + "1",
                "0." + "0".repeat(400), "0".repeat(1000), "1." + "0".repeat(1000),
                "1" + "0".repeat(22), "1" + "0".repeat(23), "1" + "0".repeat(17) + "e5",
                "0.000000000000000000001", "0.0000000000000000000001", "100000000000000000000e-20");
        for (String s : cases) {
            same(s);
        }
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Decimals.parse("-0")));
        assertTrue(Double.isNaN(Decimals.parse("NaN")));
        assertTrue(Double.isNaN(Decimals.parse("Infinity")));
        assertEquals(Double.POSITIVE_INFINITY, Decimals.parse("1e309"));
    }

    @Test
    void rangeOfText() {
        String s = "x,-12.5e3,y";
        assertEquals(-12.5e3, Decimals.parse(s, 2, 9));
        assertTrue(Double.isNaN(Decimals.parse(s, 2, 10)));
        assertTrue(Double.isNaN(Decimals.parse(s, 2, 2)));
    }

    /** Random significands of every digit count 1-20, every exponent -30..30, in every form. */
    @Test
    void randomDecimals() {
        SplittableRandom r = new SplittableRandom(19);
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (int digits = 1; digits <= 20; digits++) {
            for (int exp = -30; exp <= 30; exp++) {
                for (int k = 0; k < 1000; k++) {
                    sb.setLength(0);
                    int sign = r.nextInt(3);
                    if (sign == 1) {
                        sb.append('-');
                    } else if (sign == 2) {
                        sb.append('+');
                    }
                    char[] d = new char[digits];
                    for (int i = 0; i < digits; i++) {
                        d[i] = (char) ('0' + r.nextInt(10));
                    }
                    int form = r.nextInt(4);
                    if (form == 0) { // digits e exp
                        sb.append(d).append(r.nextBoolean() ? 'e' : 'E').append(exp);
                    } else if (form == 1) { // a point somewhere in the digits, and e exp
                        int p = r.nextInt(digits + 1);
                        sb.append(d, 0, p).append('.').append(d, p, digits - p).append('e')
                                .append(exp);
                    } else if (form == 2 && exp >= 0) { // whole number with zeros
                        sb.append(d).append("0".repeat(exp));
                    } else if (form == 2) { // 0.000ddd
                        sb.append("0.").append("0".repeat(-exp)).append(d);
                    } else { // d.ddd with the point moved by exp, written out
                        int p = digits + Math.min(exp, 0);
                        if (exp > 0 || p <= 0) {
                            sb.append(d).append('e').append(exp);
                        } else {
                            sb.append(d, 0, p).append('.').append(d, p, digits - p);
                        }
                    }
                    same(sb.toString());
                    n++;
                }
            }
        }
        assertEquals(20 * 61 * 1000, n);
    }

    /** Numbers as data files hold them: floats and doubles printed by Java. */
    @Test
    void printedFloatsAndDoubles() {
        SplittableRandom r = new SplittableRandom(53);
        for (int k = 0; k < 1_000_000; k++) {
            float f = Float.intBitsToFloat(r.nextInt());
            same(Float.toString(f));
            same(Float.toString((float) r.nextGaussian()));
            same(Double.toString(Double.longBitsToDouble(r.nextLong())));
            same(Double.toString(r.nextDouble() * 2 - 1));
        }
    }

    /** Any short text of the characters a number may hold, and a few others, as before. */
    @Test
    void randomTextAcceptedAsBefore() {
        String alphabet = "0123456789.eE+-0011.. x_dfN";
        SplittableRandom r = new SplittableRandom(7);
        char[] c = new char[10];
        for (int k = 0; k < 2_000_000; k++) {
            int len = r.nextInt(c.length + 1);
            for (int i = 0; i < len; i++) {
                c[i] = alphabet.charAt(r.nextInt(alphabet.length()));
            }
            same(new String(c, 0, len));
        }
    }
}
