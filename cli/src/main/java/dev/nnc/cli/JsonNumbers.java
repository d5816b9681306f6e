package dev.nnc.cli;

/** The numbers of a {@code POST /predict} body: JSON's grammar of a number, as a float. */
final class JsonNumbers {
    private JsonNumbers() {
    }

    /** The float of the JSON number {@code t}, finite and within the float range. */
    static float finite(String t, String where) throws RequestRows.Rejected {
        String bare = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
        if (bare.equalsIgnoreCase("NaN") || bare.equalsIgnoreCase("Infinity")
                || bare.equalsIgnoreCase("inf")) {
            throw new RequestRows.Rejected(400, where + t + " is not a finite number");
        }
        if (!isJsonNumber(t)) {
            throw new RequestRows.Rejected(400, where + "not a number: " + t);
        }
        float f = (float) Double.parseDouble(t);
        if (!Float.isFinite(f)) {
            throw new RequestRows.Rejected(400, where + t + " is outside the float range "
                    + "(magnitude at "
                    + "most " + Float.MAX_VALUE + ")");
        }
        return f;
    }

    /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?} */
    static boolean isJsonNumber(String s) {
        int i = 0;
        int n = s.length();
        if (i < n && s.charAt(i) == '-') {
            i++;
        }
        if (i == n) {
            return false;
        }
        if (s.charAt(i) == '0') {
            i++;
        } else if (Character.isDigit(s.charAt(i))) {
            while (i < n && Character.isDigit(s.charAt(i))) {
                i++;
            }
        } else {
            return false;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            int start = i;
            while (i < n && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (i == start) {
                return false;
            }
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int start = i;
            while (i < n && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (i == start) {
                return false;
            }
        }
        return i == n;
    }
}
