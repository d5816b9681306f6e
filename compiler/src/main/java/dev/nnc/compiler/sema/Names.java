package dev.nnc.compiler.sema;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** Suggestions for misspelled names ("did you mean 'dense'?"), by edit distance. */
public final class Names {
    private Names() {
    }

    /** Package prefixes that belong to the JDK and to nnc itself (its modules' packages). */
    public static final List<String> RESERVED_PACKAGES = List.of("java", "javax", "jdk", "sun",
            "com.sun", "org.w3c", "org.xml", "org.ietf", "netscape", "dev.nnc.runtime",
            "dev.nnc.compiler", "dev.nnc.cli", "dev.nnc.maven", "dev.nnc.grammar");

    /**
     * The owner of {@code pkg} when it is or lies below a {@link #RESERVED_PACKAGES reserved}
     * package ("the JDK", "nnc itself"), else {@code null}.
     */
    public static String reservedPackage(String pkg) {
        for (String p : RESERVED_PACKAGES) {
            if (pkg.equals(p) || pkg.startsWith(p + ".")) {
                return p.startsWith("dev.nnc.") ? "nnc itself" : "the JDK";
            }
        }
        return null;
    }

    /** The closest candidate within a small edit distance, or {@code null}. */
    public static String closest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(name.toLowerCase(), c.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        int allowed = Math.max(1, Math.min(3, name.length() / 3));
        return bestDistance <= allowed ? best : null;
    }

    /** {@code "; did you mean 'x'?"} or "" when nothing is close. */
    public static String suggestion(String name, Collection<String> candidates) {
        String c = closest(name, candidates);
        return c == null ? "" : "; did you mean '" + c + "'?";
    }

    /** {@code "; known: a, b, c; did you mean 'b'?"}: the list, then the closest, if any. */
    public static String known(String name, Collection<String> candidates) {
        return "; known: " + list(candidates) + suggestion(name, candidates);
    }

    /** The candidates sorted and joined: {@code "a, b, c"}. */
    public static String list(Collection<String> candidates) {
        return candidates.stream().sorted().collect(Collectors.joining(", "));
    }

    /** Damerau-Levenshtein distance (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1),
                        d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2)
                        && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** Java's reserved words and literals, which a generated identifier must avoid. */
    public static final List<String> JAVA_RESERVED = List.of("abstract", "assert", "boolean",
            "break", "byte", "case", "catch", "char", "class", "const", "continue", "default",
            "do", "double", "else", "enum", "extends", "final", "finally", "float", "for", "goto",
            "if", "implements", "import", "instanceof", "int", "interface", "long", "native",
            "new", "package", "private", "protected", "public", "return", "short", "static",
            "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient",
            "try", "void", "volatile", "while", "true", "false", "null", "var", "yield", "record",
            "sealed", "permits", "non-sealed", "_");
}
