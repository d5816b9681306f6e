package dev.nnc.compiler.gen;

import com.palantir.javapoet.CodeBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * The one way text from outside the compiler (file names, paths, names, metadata) enters a comment
 * of generated Java. String literals take such text through JavaPoet's {@code $S}, which doubles
 * every backslash, so no {@code \}{@code u} sequence survives there either.
 *
 * <p>Javac decodes unicode escapes before it sees comments, so {@code \}{@code u002a\}{@code u002f}
 * in a file name would end a Javadoc comment. {@link #doc} returns plain ASCII in which a
 * backslash, every character that could end or change a comment ({@code *}{@code /}, {@code @},
 * {@code <}, {@code &}) and every control, line-terminating or non-ASCII character is an HTML
 * character reference, which Javadoc shows as the character itself:
 * <pre>
 * doc("a\\u002a\\u002f b@c.nn")  →  "a&amp;#92;u002a&amp;#92;u002f b&amp;#64;c.nn"
 * </pre>
 * The result is meant for a {@code $L} argument outside {@code {@code ...}}, where character
 * references are decoded.
 *
 * <p>{@link #string} is the one way such text becomes a string literal: JavaPoet's {@code $S}
 * escapes quotes, backslashes and control characters, but writes U+2028 and U+2029 as they are,
 * and its code writer then breaks the line there (it splits on every Unicode line break), leaving
 * an unclosed literal. {@link #string} writes those two as unicode escapes, which javac turns back
 * into the character inside the literal.
 */
public final class JavaText {
    private JavaText() {
    }

    /** {@code s} as safe Javadoc text; see the class comment. */
    public static String doc(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean plain = c >= 0x20 && c < 0x7f && c != '\\' && c != '*' && c != '/'
                    && c != '@' && c != '<' && c != '>' && c != '&' && c != '{' && c != '}';
            if (plain) {
                sb.append(c);
            } else {
                sb.append("&#").append((int) c).append(';');
            }
        }
        return sb.toString();
    }

    /**
     * {@code s} as a Java string literal (a {@code $L} argument), {@code null} as {@code null}; see
     * the class comment.
     */
    public static CodeBlock string(String s) {
        if (s == null) {
            return CodeBlock.of("null");
        }
        List<CodeBlock> parts = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\u2028' || c == '\u2029') {
                if (i > from) {
                    parts.add(CodeBlock.of("$S", s.substring(from, i)));
                }
                parts.add(CodeBlock.of("$L", String.format("\"\\u%04x\"", (int) c)));
                from = i + 1;
            }
        }
        if (from < s.length() || parts.isEmpty()) {
            parts.add(CodeBlock.of("$S", s.substring(from)));
        }
        return CodeBlock.join(parts, " + ");
    }
}
