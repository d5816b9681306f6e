package dev.nnc.compiler.ast;

import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.compiler.diag.Span;
import dev.nnc.grammar.NNLexer;
import dev.nnc.grammar.NNParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Turns ANTLR's syntax errors into diagnostics worded for people: "unexpected '}'; expected a
 * number" rather than "mismatched input '}' expecting {NUMBER, STRING, ...}".
 */
public final class SyntaxErrors extends BaseErrorListener {
    private final SourceFile source;
    private final Diagnostics diags;
    private int count;
    private int lastLine = -1;

    /** Reports the syntax errors of {@code source} into {@code diags}. */
    public SyntaxErrors(SourceFile source, Diagnostics diags) {
        this.source = source;
        this.diags = diags;
    }

    /** How many syntax errors were seen (including those not reported as echoes). */
    public int count() {
        return count;
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line,
            int charPositionInLine, String msg, RecognitionException e) {
        count++;
        if (line == lastLine) {
            return; // one message per line: later ones are usually echoes of the first
        }
        lastLine = line;
        int col = charPositionInLine + 1;
        if (!(offendingSymbol instanceof Token token)) {
            // Lexer errors only reach here for characters no token matches.
            diags.report(Code.SYNTAX, new Span(source, Math.max(1, line), col, 1),
                    "unexpected character");
            return;
        }
        Span span = new Span(source, Math.max(1, line), col,
                token.getType() == Token.EOF ? 1
                        : token.getText().codePointCount(0, token.getText().length()));
        String found = describe(token);
        IntervalSet expected = recognizer instanceof Parser p ? safeExpected(p) : null;
        String want = expected == null ? "" : expectation(expected);
        if (token.getType() == NNLexer.UNEXPECTED) {
            String text = token.getText();
            String hint = text.equals("\"") ? " (a string is missing its closing quote?)" : "";
            diags.report(Code.SYNTAX, span, "unexpected character '%s'%s", text, hint);
        } else if (want.isEmpty()) {
            diags.report(Code.SYNTAX, span, "unexpected %s", found);
        } else {
            diags.report(Code.SYNTAX, span, "unexpected %s; expected %s", found, want);
        }
    }

    private static IntervalSet safeExpected(Parser p) {
        try {
            return p.getExpectedTokens();
        } catch (IllegalArgumentException | IllegalStateException ex) {
            return null;
        }
    }

    private static String describe(Token t) {
        if (t.getType() == Token.EOF) {
            return "end of file";
        }
        return switch (t.getType()) {
            case NNLexer.NUMBER -> "number " + t.getText();
            case NNLexer.STRING -> "string " + t.getText();
            case NNLexer.ID -> "name '" + t.getText() + "'";
            default -> "'" + t.getText() + "'";
        };
    }

    private static String expectation(IntervalSet set) {
        List<String> words = new ArrayList<>();
        boolean expr = set.contains(NNLexer.NUMBER) && set.contains(NNLexer.STRING);
        if (expr) {
            words.add("a value");
        }
        for (int type : set.toArray()) {
            if (expr && isValueStart(type)) {
                continue;
            }
            String w = name(type);
            if (w != null && !words.contains(w)) {
                words.add(w);
            }
        }
        if (words.isEmpty() || words.size() > 5) {
            return "";
        }
        if (words.size() == 1) {
            return words.get(0);
        }
        return String.join(", ", words.subList(0, words.size() - 1)) + " or "
                + words.get(words.size() - 1);
    }

    private static boolean isValueStart(int type) {
        return type == NNLexer.NUMBER || type == NNLexer.STRING || type == NNLexer.ID
                || type == NNLexer.TRUE || type == NNLexer.FALSE || type == NNLexer.MINUS
                || type == NNLexer.LPAREN || type == NNLexer.LBRACK;
    }

    private static String name(int type) {
        if (type == Token.EOF) {
            return "end of file";
        }
        if (type == NNLexer.ID) {
            return "a name";
        }
        if (type == NNLexer.NUMBER) {
            return "a number";
        }
        if (type == NNLexer.STRING) {
            return "a string";
        }
        String literal = NNParser.VOCABULARY.getLiteralName(type);
        return literal == null ? null : literal;
    }
}
