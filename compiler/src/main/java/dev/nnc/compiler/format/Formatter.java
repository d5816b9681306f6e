package dev.nnc.compiler.format;

import dev.nnc.compiler.ast.AstBuilder;
import dev.nnc.compiler.diag.Diagnostic;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.grammar.NNLexer;
import dev.nnc.grammar.NNParser;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * The canonical layout of {@code .nn} files, as {@code nnc fmt} writes it and editors ask for it.
 * It works on the token stream, comments included, so it changes only layout: the formatted file
 * compiles to the same class.
 *
 * <p>The rules:
 * <ul>
 *   <li>one statement (a layer chain, setting, entry, {@code let}, {@code input}, …) per line,
 *       indented 4 spaces per level of braces; a block with nothing in it is written {@code {}};
 *   <li>optional {@code ;} after statements and {@code ,} between the entries of a block are
 *       dropped;
 *   <li>one space around binary operators, {@code =} and {@code ->}, after {@code ,} and
 *       {@code :}, before {@code {}; none inside brackets, before {@code (} of a call, after a
 *       unary minus;
 *   <li>an argument or list that does not fit in 100 columns is filled: as many items per line as
 *       fit, the next lines aligned just after the opening bracket;
 *   <li>blank lines between statements are kept, a run of them collapsed into one; none at the
 *       start or end of a block or file; one always separates top-level declarations, except
 *       within a run of {@code import}s or of {@code let}s;
 *   <li>comments stay where they were: a comment on its own line stays on its own line at the
 *       indentation of what follows it; a comment at the end of a line stays at the end of that
 *       line, and such comments on consecutive lines start in one column (37, or two after the
 *       longest code of the run); a comment inside a line stays inside it.
 * </ul>
 *
 * <pre>
 * model Xor{input [2] ; dense(2)-&gt;sigmoid
 *   dense( 1 )-&gt;sigmoid  // the output
 *   train{epochs:10,batch:1}}
 * </pre>
 * becomes
 * <pre>
 * model Xor {
 *     input [2]
 *     dense(2) -&gt; sigmoid
 *     dense(1) -&gt; sigmoid             // the output
 *     train {
 *         epochs: 10
 *         batch: 1
 *     }
 * }
 * </pre>
 *
 * <p>The result is a fixed point: formatting formatted text returns it unchanged.
 */
public final class Formatter {
    /** Lines are filled up to this many columns (comments at their ends do not count). */
    public static final int WIDTH = 100;
    /** Spaces per level of braces. */
    public static final int INDENT = 4;
    /** The column (0-based) that comments at the ends of lines start at, at the least. */
    static final int COMMENT_COLUMN = 36;

    /**
     * The outcome of formatting one file.
     *
     * @param text the formatted text, or {@code null} when the file has syntax errors
     * @param diagnostics the syntax errors (empty when {@code text} is present)
     */
    public record Result(String text, List<Diagnostic> diagnostics) {
        public Result {
            diagnostics = List.copyOf(diagnostics);
        }

        /** Whether the file parsed and {@link #text()} holds its formatted text. */
        public boolean ok() {
            return text != null;
        }
    }

    private Formatter() {
    }

    /**
     * Formats {@code source}. Never throws for a problem in the text: a file with syntax errors
     * gives a result without text and with its diagnostics (file:line:col as for compiling).
     */
    public static Result format(SourceFile source) {
        Diagnostics diags = new Diagnostics();
        AstBuilder.Parsed parsed = AstBuilder.parseTree(source, diags);
        if (parsed == null) {
            return new Result(null, diags.all());
        }
        Printer printer = new Printer(parsed.tokens());
        printer.mark(parsed.tree());
        return new Result(printer.print(), List.of());
    }

    /**
     * Formats text that has no file of its own (diagnostics name it {@code <input>}).
     *
     * @throws IllegalArgumentException with the rendered diagnostics when it has syntax errors
     */
    public static String format(String text) {
        Result r = format(new SourceFile(Path.of("<input>"), "<input>", text));
        if (!r.ok()) {
            StringBuilder sb = new StringBuilder();
            r.diagnostics().forEach(d -> sb.append(d).append('\n'));
            throw new IllegalArgumentException(sb.toString().strip());
        }
        return r.text();
    }

    /** Top-level declarations, for the blank lines between them. */
    private enum Top { PACKAGE, IMPORT, LET, GROUP, MODEL }

    /** One output line: indentation, code, and the comment at its end. */
    private static final class Line {
        final int indent;
        final StringBuilder code = new StringBuilder();
        final StringBuilder endComment = new StringBuilder();
        final boolean commentOnly;

        Line(int indent, boolean commentOnly) {
            this.indent = indent;
            this.commentOnly = commentOnly;
        }

        int width() {
            return indent + code.length();
        }

        boolean blank() {
            return code.length() == 0 && !commentOnly;
        }
    }

    /** Walks the tokens once, writing lines. */
    private static final class Printer {
        private final List<Token> tokens;
        /** Indexes of tokens that start a statement (a new line). */
        private final Set<Integer> statementStarts = new HashSet<>();
        /** Indexes of optional separators that the layout drops. */
        private final Set<Integer> dropped = new HashSet<>();
        /** Indexes of unary minus signs. */
        private final Set<Integer> unary = new HashSet<>();
        /** Top-level declarations by the index of their first token. */
        private final Map<Integer, Top> topLevel = new HashMap<>();

        private final List<Line> lines = new ArrayList<>();
        /** Alignment columns of the open brackets of the current statement. */
        private final Deque<Integer> brackets = new ArrayDeque<>();
        private int depth;
        private int statementIndent;
        private Token prevCode;
        private Top prevTop;
        /** The next code token starts a new line (a comment ended the previous one). */
        private boolean breakPending;
        /** Nothing (but comments at line ends) was written since the last '{' or the start. */
        private boolean atBlockStart = true;
        /** No comment line was written since the last statement. */
        private boolean gapFresh = true;
        /** The previous item written inside the line was a comment. */
        private boolean afterInlineComment;

        Printer(List<Token> tokens) {
            this.tokens = tokens;
        }

        void mark(ParseTree node) {
            if (node instanceof TerminalNode t) {
                Token tok = t.getSymbol();
                if (tok.getType() == NNLexer.SEMI) {
                    dropped.add(tok.getTokenIndex());
                }
                return;
            }
            ParserRuleContext ctx = (ParserRuleContext) node;
            int start = ctx.getStart().getTokenIndex();
            if (isStatement(ctx)) {
                statementStarts.add(start);
            }
            if (ctx instanceof NNParser.PackageDeclContext) {
                topLevel.put(start, Top.PACKAGE);
            } else if (ctx instanceof NNParser.ImportDeclContext) {
                topLevel.put(start, Top.IMPORT);
            } else if (ctx instanceof NNParser.TopItemContext item) {
                topLevel.put(start, item.letDecl() != null ? Top.LET
                        : item.groupDecl() != null ? Top.GROUP : Top.MODEL);
            } else if (ctx instanceof NNParser.NegExprContext neg) {
                unary.add(neg.MINUS().getSymbol().getTokenIndex());
            } else if (ctx instanceof NNParser.BlockContext block) {
                for (TerminalNode comma : block.COMMA()) {
                    dropped.add(comma.getSymbol().getTokenIndex());
                }
            }
            for (int i = 0; i < ctx.getChildCount(); i++) {
                mark(ctx.getChild(i));
            }
        }

        private static boolean isStatement(ParserRuleContext ctx) {
            return ctx instanceof NNParser.PackageDeclContext
                    || ctx instanceof NNParser.ImportDeclContext
                    || ctx instanceof NNParser.LetDeclContext
                    || ctx instanceof NNParser.GroupDeclContext
                    || ctx instanceof NNParser.ModelDeclContext
                    || ctx instanceof NNParser.InputDeclContext
                    || ctx instanceof NNParser.SettingContext
                    || ctx instanceof NNParser.BlockContext
                    || ctx instanceof NNParser.EntryContext
                    || ctx instanceof NNParser.RepeatStmtContext
                    || ctx instanceof NNParser.ChainStmtContext;
        }

        String print() {
            int newlines = 0;
            for (int i = 0; i < tokens.size(); i++) {
                Token t = tokens.get(i);
                int type = t.getType();
                if (type == Token.EOF) {
                    break;
                }
                if (type == NNLexer.WS) {
                    newlines += countNewlines(t.getText());
                    continue;
                }
                if (dropped.contains(i)) {
                    continue;
                }
                if (type == NNLexer.LINE_COMMENT || type == NNLexer.BLOCK_COMMENT) {
                    comment(i, newlines);
                } else {
                    code(i, newlines);
                }
                newlines = 0;
            }
            return render();
        }

        private void code(int i, int newlines) {
            Token t = tokens.get(i);
            int type = t.getType();
            String text = t.getText();
            if (type == NNLexer.RBRACE) {
                depth--;
                Line last = lines.isEmpty() ? null : lines.get(lines.size() - 1);
                if (prevCode != null && prevCode.getType() == NNLexer.LBRACE && atBlockStart
                        && last != null && last.endComment.length() == 0) {
                    last.code.append('}');
                } else {
                    newLine(depth * INDENT, false).code.append('}');
                }
                atBlockStart = false;
                gapFresh = true;
            } else if (statementStarts.contains(i)) {
                boolean blank = !atBlockStart && !lines.isEmpty()
                        && (newlines >= 2 || gapFresh && forcedBlank(i));
                if (blank) {
                    newLine(0, false);
                }
                statementIndent = depth * INDENT;
                brackets.clear();
                newLine(statementIndent, false).code.append(text);
                Top top = topLevel.get(i);
                if (top != null) {
                    prevTop = top;
                }
                atBlockStart = false;
                gapFresh = true;
            } else if (breakPending) {
                newLine(continuation(), false).code.append(text);
            } else {
                Line line = lines.get(lines.size() - 1);
                String space = space(i);
                if (breakOpportunity() && line.width() + space.length() + segment(i) > WIDTH) {
                    newLine(continuation(), false).code.append(text);
                } else {
                    line.code.append(space).append(text);
                }
            }
            breakPending = false;
            afterInlineComment = false;
            prevCode = t;
            if (type == NNLexer.LBRACE) {
                depth++;
                atBlockStart = true;
            } else if (type == NNLexer.LPAREN || type == NNLexer.LBRACK) {
                brackets.push(lines.get(lines.size() - 1).width());
            } else if ((type == NNLexer.RPAREN || type == NNLexer.RBRACK) && !brackets.isEmpty()) {
                brackets.pop();
            }
        }

        /** A blank line before a top-level declaration that follows one of another kind. */
        private boolean forcedBlank(int i) {
            Top next = topLevel.get(i);
            return next != null && prevTop != null
                    && !(prevTop == next && (next == Top.IMPORT || next == Top.LET));
        }

        private void comment(int i, int newlines) {
            Token c = tokens.get(i);
            String text = commentText(c);
            if (newlines == 0 && !lines.isEmpty()) {
                Line last = lines.get(lines.size() - 1);
                if (inline(i) && !last.commentOnly && last.endComment.length() == 0) {
                    String code = last.code.toString();
                    boolean open = code.endsWith("(") || code.endsWith("[");
                    last.code.append(code.isEmpty() || open ? "" : " ").append(text);
                    afterInlineComment = true;
                    return;
                }
                if (last.commentOnly) {
                    last.code.append(' ').append(text);
                } else {
                    if (last.endComment.length() > 0) {
                        last.endComment.append(' ');
                    }
                    last.endComment.append(text);
                }
                breakPending = true;
                return;
            }
            int next = nextCode(i);
            boolean betweenStatements = next < 0 || statementStarts.contains(next)
                    || tokens.get(next).getType() == NNLexer.RBRACE;
            int indent;
            if (betweenStatements) {
                boolean blank = !atBlockStart && !lines.isEmpty()
                        && (newlines >= 2 || gapFresh && next >= 0 && forcedBlank(next));
                if (blank) {
                    newLine(0, false);
                }
                indent = depth * INDENT;
                gapFresh = false;
            } else {
                indent = continuation();
            }
            text = reindent(text, indent - c.getCharPositionInLine());
            newLine(indent, true).code.append(text);
            atBlockStart = false;
            breakPending = true;
        }

        /**
         * A block comment followed, on its line, by code that stays on the same line: it is
         * written inside the line, like a token.
         */
        private boolean inline(int i) {
            if (tokens.get(i).getType() != NNLexer.BLOCK_COMMENT) {
                return false;
            }
            for (int j = i + 1; j < tokens.size(); j++) {
                Token t = tokens.get(j);
                int type = t.getType();
                if (type == NNLexer.WS) {
                    if (countNewlines(t.getText()) > 0) {
                        return false;
                    }
                } else if (!dropped.contains(j)) {
                    return type != Token.EOF && type != NNLexer.LINE_COMMENT
                            && type != NNLexer.BLOCK_COMMENT && !statementStarts.contains(j)
                            && type != NNLexer.RBRACE;
                }
            }
            return false;
        }

        /** The index of the next code token that is written, or -1 at the end. */
        private int nextCode(int i) {
            for (int j = i + 1; j < tokens.size(); j++) {
                int type = tokens.get(j).getType();
                if (type == Token.EOF) {
                    return -1;
                }
                if (type != NNLexer.WS && type != NNLexer.LINE_COMMENT
                        && type != NNLexer.BLOCK_COMMENT && !dropped.contains(j)) {
                    return j;
                }
            }
            return -1;
        }

        /** Where a statement goes on when it needs another line. */
        private int continuation() {
            return brackets.isEmpty() ? statementIndent + 2 * INDENT : brackets.peek();
        }

        /** Whether a line may break before the current token: just after a ',' in brackets. */
        private boolean breakOpportunity() {
            return prevCode != null && prevCode.getType() == NNLexer.COMMA && !brackets.isEmpty()
                    && !afterInlineComment;
        }

        /**
         * The width of the tokens from {@code i} up to and including the next place the line
         * may break, or the end of the statement.
         */
        private int segment(int i) {
            int width = 0;
            Token prev = null;
            int depthHere = 0;
            for (int j = i; j < tokens.size(); j++) {
                Token t = tokens.get(j);
                int type = t.getType();
                if (type == Token.EOF || type == NNLexer.WS || dropped.contains(j)) {
                    if (type == Token.EOF) {
                        break;
                    }
                    continue;
                }
                if (type == NNLexer.LINE_COMMENT || type == NNLexer.BLOCK_COMMENT) {
                    if (!inline(j)) {
                        break;
                    }
                    width += 1 + t.getText().length();
                    continue;
                }
                if (j != i && (statementStarts.contains(j) || type == NNLexer.RBRACE
                        || type == NNLexer.LBRACE)) {
                    break;
                }
                width += (prev == null ? 0 : space(j).length()) + t.getText().length();
                prev = t;
                if (type == NNLexer.LPAREN || type == NNLexer.LBRACK) {
                    depthHere++;
                } else if (type == NNLexer.RPAREN || type == NNLexer.RBRACK) {
                    depthHere--;
                } else if (type == NNLexer.COMMA && brackets.size() + depthHere > 0) {
                    break;
                }
            }
            return width;
        }

        /** The space written before code token {@code i}, after the code token before it. */
        private String space(int i) {
            int type = tokens.get(i).getType();
            Token prev = previousCode(i);
            if (prev == null) {
                return "";
            }
            int p = prev.getType();
            if (type == NNLexer.RPAREN || type == NNLexer.RBRACK || type == NNLexer.COMMA
                    || type == NNLexer.COLON || type == NNLexer.DOT) {
                return "";
            }
            if (afterInlineCommentAt(i)) {
                return " ";
            }
            if (p == NNLexer.LPAREN || p == NNLexer.LBRACK || p == NNLexer.DOT
                    || unary.contains(prev.getTokenIndex())) {
                return "";
            }
            if (type == NNLexer.LPAREN && p == NNLexer.ID) {
                return "";
            }
            return " ";
        }

        /** Whether an inline comment sits right before code token {@code i}. */
        private boolean afterInlineCommentAt(int i) {
            for (int j = i - 1; j >= 0; j--) {
                int type = tokens.get(j).getType();
                if (type == NNLexer.BLOCK_COMMENT) {
                    return true;
                }
                if (type != NNLexer.WS && !dropped.contains(j)) {
                    return false;
                }
            }
            return false;
        }

        private Token previousCode(int i) {
            for (int j = i - 1; j >= 0; j--) {
                Token t = tokens.get(j);
                int type = t.getType();
                if (type != NNLexer.WS && type != NNLexer.LINE_COMMENT
                        && type != NNLexer.BLOCK_COMMENT && !dropped.contains(j)) {
                    return t;
                }
            }
            return null;
        }

        private Line newLine(int indent, boolean commentOnly) {
            Line line = new Line(indent, commentOnly);
            lines.add(line);
            return line;
        }

        private String render() {
            while (!lines.isEmpty() && lines.get(lines.size() - 1).blank()) {
                lines.remove(lines.size() - 1);
            }
            alignEndComments();
            StringBuilder out = new StringBuilder();
            for (Line line : lines) {
                if (!line.blank()) {
                    out.append(" ".repeat(line.indent)).append(line.code);
                }
                if (line.endComment.length() > 0) {
                    out.append(line.endComment);
                }
                out.append('\n');
            }
            return out.toString();
        }

        /** Pads the code of lines with end comments so that those of consecutive lines align. */
        private void alignEndComments() {
            int i = 0;
            while (i < lines.size()) {
                if (!hasEndComment(lines.get(i))) {
                    i++;
                    continue;
                }
                int j = i;
                int column = COMMENT_COLUMN;
                while (j < lines.size() && hasEndComment(lines.get(j))) {
                    column = Math.max(column, lines.get(j).width() + 2);
                    j++;
                }
                for (int k = i; k < j; k++) {
                    Line line = lines.get(k);
                    line.code.append(" ".repeat(column - line.width()));
                }
                i = j;
            }
        }

        private static boolean hasEndComment(Line line) {
            return line.endComment.length() > 0 && line.code.length() > 0 && !line.commentOnly;
        }
    }

    /** A comment's text with line ends normalized and trailing spaces of its lines removed. */
    private static String commentText(Token c) {
        String[] parts = c.getText().split("\r\n|\r|\n", -1);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < parts.length; k++) {
            if (k > 0) {
                sb.append('\n');
            }
            sb.append(parts[k].stripTrailing());
        }
        return sb.toString();
    }

    /** Shifts the second and later lines of a block comment by {@code delta} columns. */
    private static String reindent(String text, int delta) {
        if (delta == 0 || text.indexOf('\n') < 0) {
            return text;
        }
        String[] parts = text.split("\n", -1);
        StringBuilder sb = new StringBuilder(parts[0]);
        for (int k = 1; k < parts.length; k++) {
            String p = parts[k];
            sb.append('\n');
            if (p.isEmpty()) {
                continue;
            }
            if (delta > 0) {
                sb.append(" ".repeat(delta)).append(p);
            } else {
                int drop = 0;
                while (drop < -delta && drop < p.length() && p.charAt(drop) == ' ') {
                    drop++;
                }
                sb.append(p.substring(drop));
            }
        }
        return sb.toString();
    }

    private static int countNewlines(String ws) {
        int n = 0;
        for (int k = 0; k < ws.length(); k++) {
            char ch = ws.charAt(k);
            if (ch == '\n' || (ch == '\r' && (k + 1 >= ws.length() || ws.charAt(k + 1) != '\n'))) {
                n++;
            }
        }
        return n;
    }
}
