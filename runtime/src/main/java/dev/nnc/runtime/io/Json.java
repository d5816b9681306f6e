package dev.nnc.runtime.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON writer and parser: enough for safetensors headers and metrics files.
 *
 * <p>Example: {@code Json.write(Map.of("loss", 0.5, "ok", true))} gives
 * {@code {"loss":0.5,"ok":true}}, and {@code Json.parse("[1, 2.5, \"a\"]")} gives
 * {@code [1L, 2.5, "a"]}.
 *
 * <p>Writes {@link Map} (string keys, in iteration order), {@link Iterable}, arrays of primitives
 * and objects, {@link CharSequence}, {@link Number}, {@link Boolean} and {@code null}; NaN and the
 * infinities, which JSON lacks, are written as {@code null}. Parses objects into
 * {@link LinkedHashMap} (order kept), arrays into {@link ArrayList}, integers that fit into
 * {@link Long}, other numbers into {@link Double}. Malformed text: {@link IllegalArgumentException}
 * with the offset of the problem.
 */
public final class Json {
    private static final int MAX_DEPTH = 256;

    private final String text;
    private int pos;
    private int depth;

    private Json(String text) {
        this.text = text;
    }

    /** The value as compact JSON. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, -1, 0);
        return sb.toString();
    }

    /** The value as JSON indented by two spaces, one member per line. */
    public static String pretty(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 2, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int indent, int level) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof CharSequence s) {
            quote(sb, s.toString());
        } else if (v instanceof Boolean b) {
            sb.append(b);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            sb.append(Double.isFinite(d) ? v.toString() : "null");
        } else if (v instanceof Number n) {
            sb.append(n);
        } else if (v instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("JSON object key is not a string: "
                            + e.getKey());
                }
                first = separator(sb, first, indent, level + 1);
                quote(sb, key);
                sb.append(indent >= 0 ? ": " : ":");
                write(sb, e.getValue(), indent, level + 1);
            }
            close(sb, first, indent, level, '}');
        } else if (v instanceof Iterable<?> it) {
            // NOTE: pretty keeps an array of scalars on one line: a vector, a shape, a row of a
            // confusion matrix (so a matrix shows a row a line), not one number a line
            boolean inline = indent >= 0 && scalars(it);
            int inner = inline ? -1 : indent;
            sb.append('[');
            boolean first = true;
            for (Object o : it) {
                sb.append(inline && !first ? ", " : "");
                first = separator(sb, first || inline, inner, level + 1);
                write(sb, o, inner, level + 1);
            }
            close(sb, first, inner, level, ']');
        } else if (v.getClass().isArray()) {
            List<Object> list = new ArrayList<>();
            int n = java.lang.reflect.Array.getLength(v);
            for (int i = 0; i < n; i++) {
                list.add(java.lang.reflect.Array.get(v, i));
            }
            write(sb, list, indent, level);
        } else {
            throw new IllegalArgumentException("cannot write " + v.getClass().getName()
                    + " as JSON");
        }
    }

    /** Whether every element is a scalar: no object, array or list among them. */
    private static boolean scalars(Iterable<?> it) {
        for (Object o : it) {
            if (o instanceof Map<?, ?> || o instanceof Iterable<?>
                    || (o != null && o.getClass().isArray())) {
                return false;
            }
        }
        return true;
    }

    private static boolean separator(StringBuilder sb, boolean first, int indent, int level) {
        if (!first) {
            sb.append(',');
        }
        if (indent >= 0) {
            sb.append('\n').append(" ".repeat(indent * level));
        }
        return false;
    }

    private static void close(StringBuilder sb, boolean empty, int indent, int level, char c) {
        if (!empty && indent >= 0) {
            sb.append('\n').append(" ".repeat(indent * level));
        }
        sb.append(c);
    }

    /** Appends {@code s} as a JSON string literal. */
    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Parses one JSON value; only whitespace may follow it. */
    public static Object parse(String text) {
        Json p = new Json(text);
        p.skipSpace();
        Object v = p.value();
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the value");
        }
        return v;
    }

    private Object value() {
        if (pos >= text.length()) {
            throw error("unexpected end of text");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character '" + c + "'");
        }
    }

    private Map<String, Object> object() {
        enter();
        pos++;
        Map<String, Object> map = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
            depth--;
            return map;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("expected a string key");
            }
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            if (map.containsKey(key)) {
                throw error("duplicate key \"" + key + "\"");
            }
            map.put(key, value());
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else {
                expect('}');
                depth--;
                return map;
            }
        }
    }

    private List<Object> array() {
        enter();
        pos++;
        List<Object> list = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            pos++;
            depth--;
            return list;
        }
        while (true) {
            skipSpace();
            list.add(value());
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else {
                expect(']');
                depth--;
                return list;
            }
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH);
        }
    }

    private String string() {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("short \\u escape");
                    }
                    try {
                        sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("bad \\u escape");
                    }
                    pos += 4;
                }
                default -> throw error("bad escape '\\" + e + "'");
            }
        }
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        int intStart = pos;
        while (isDigit(peek())) {
            pos++;
        }
        if (pos == intStart) {
            throw error("expected a digit");
        }
        if (pos - intStart > 1 && text.charAt(intStart) == '0') {
            throw error("leading zero in a number");
        }
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            pos++;
            int fracStart = pos;
            while (isDigit(peek())) {
                pos++;
            }
            if (pos == fracStart) {
                throw error("expected a digit after '.'");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            int expStart = pos;
            while (isDigit(peek())) {
                pos++;
            }
            if (pos == expStart) {
                throw error("expected a digit in the exponent");
            }
        }
        String s = text.substring(start, pos);
        if (integral) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return Double.parseDouble(s);
            }
        }
        return Double.parseDouble(s);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private Object literal(String word, Object v) {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected word");
        }
        pos += word.length();
        return v;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error(pos >= text.length() ? "unexpected end of text, expected '" + c + "'"
                    : "expected '" + c + "'");
        }
        pos++;
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("bad JSON at offset " + pos + ": " + what);
    }
}
