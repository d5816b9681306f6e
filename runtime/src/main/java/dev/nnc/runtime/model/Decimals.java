package dev.nnc.runtime.model;

/**
 * Decimal text to double, exactly as {@link Double#parseDouble} reads it, for the numbers of data
 * files: an optional sign, digits with an optional point ({@code 5}, {@code 5.}, {@code .5},
 * {@code 0.5}) and an optional exponent ({@code e-3}, {@code E+12}); nothing else (no spaces, no
 * NaN, no infinity, no hex, no type suffixes, no underscores). Such text that is no number gives
 * NaN, which no accepted text reads as.
 *
 * <p>Most numbers of a data file take the fast path (Clinger's): a significand below 2^53 and a
 * power of ten up to 10^22 are both exact doubles, so one IEEE multiplication or division of the
 * two is correctly rounded, and that is the double nearest the decimal, the one
 * {@link Double#parseDouble} returns. Anything else (more significant digits, larger exponents)
 * goes to {@link Double#parseDouble}. {@code DecimalsTest} compares the two bit for bit.
 */
public final class Decimals {
    /** 10^0 .. 10^22, every one an exact double. */
    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    };
    /** Significands up to this are exact in a double. */
    private static final long EXACT = 1L << 53;

    private Decimals() {
    }

    /** The number {@code text}, or NaN when it is not one; see the class comment. */
    public static double parse(CharSequence text) {
        return parse(text, 0, text.length());
    }

    /** The number {@code text[from, to)}, or NaN when it is not one. */
    public static double parse(CharSequence text, int from, int to) {
        int i = from;
        if (i >= to) {
            return Double.NaN;
        }
        char ch = text.charAt(i);
        boolean negative = ch == '-';
        if (ch == '-' || ch == '+') {
            i++;
        }
        long m = 0;
        int digits = 0; // significant digits in m (leading zeros not counted)
        int dropped = 0; // significant digits beyond the 18 that m holds (it cannot overflow)
        int scale = 0; // digits after the point kept in m
        int seen = 0; // digits of the significand, any
        boolean point = false;
        for (; i < to; i++) {
            ch = text.charAt(i);
            if (ch == '.' && !point) {
                point = true;
                continue;
            }
            if (ch < '0' || ch > '9') {
                break;
            }
            seen++;
            if (digits < 18) {
                if (m != 0 || ch != '0') {
                    m = m * 10 + (ch - '0');
                    digits++;
                }
                if (point) {
                    scale++;
                }
            } else {
                dropped++;
            }
        }
        if (seen == 0) {
            return Double.NaN;
        }
        int exp = 0;
        boolean expOk = true;
        if (i < to && ((ch = text.charAt(i)) == 'e' || ch == 'E')) {
            i++;
            boolean expNegative = false;
            if (i < to && ((ch = text.charAt(i)) == '-' || ch == '+')) {
                expNegative = ch == '-';
                i++;
            }
            int expStart = i;
            while (i < to && (ch = text.charAt(i)) >= '0' && ch <= '9') {
                if (exp < 100_000) {
                    exp = exp * 10 + (ch - '0');
                } else {
                    expOk = false; // NOTE: beyond any double; Double.parseDouble saturates it
                }
                i++;
            }
            if (i == expStart) {
                return Double.NaN;
            }
            if (expNegative) {
                exp = -exp;
            }
        }
        if (i != to) {
            return Double.NaN;
        }
        if (m == 0 && dropped == 0) {
            return negative ? -0.0 : 0.0;
        }
        int e = exp - scale;
        if (expOk && dropped == 0 && m <= EXACT && e >= -22 && e <= 22) {
            double v = e >= 0 ? (double) m * POW10[e] : (double) m / POW10[-e];
            return negative ? -v : v;
        }
        return Double.parseDouble(text.subSequence(from, to).toString());
    }
}
