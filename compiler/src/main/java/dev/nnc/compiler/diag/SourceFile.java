package dev.nnc.compiler.diag;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The text of one {@code .nn} file and the display name diagnostics use for it. */
public final class SourceFile {
    private final Path path;
    private final String displayName;
    private final String text;
    private final List<String> lines;

    public SourceFile(Path path, String displayName, String text) {
        this.path = path;
        this.displayName = displayName;
        this.text = text;
        this.lines = splitLines(text);
    }

    /** Lines as the parser counts them: ended by '\n' (a '\r' before it is dropped). */
    private static List<String> splitLines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                int end = i > start && text.charAt(i - 1) == '\r' ? i - 1 : i;
                out.add(text.substring(start, end));
                start = i + 1;
            }
        }
        out.add(text.substring(start));
        return out;
    }

    /** The file on disk (absolute, normalized), or a made-up path for in-memory sources. */
    public Path path() {
        return path;
    }

    /** How diagnostics name the file, e.g. {@code examples/xor.nn}. */
    public String displayName() {
        return displayName;
    }

    public String text() {
        return text;
    }

    /** Line {@code n} (1-based) without its line terminator, or "" past the end. */
    public String line(int n) {
        return n >= 1 && n <= lines.size() ? lines.get(n - 1) : "";
    }

    public int lineCount() {
        return lines.size();
    }
}
