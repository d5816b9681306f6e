package dev.nnc.lsp;

import dev.nnc.compiler.ops.ArgSpec;
import dev.nnc.compiler.sema.Vocabulary;
import dev.nnc.compiler.sema.Vocabulary.Kind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What may be written at a place of a file, from the registries: the words of the kind the place
 * expects (losses after {@code loss}, train keys inside {@code train { }}, named arguments with
 * their defaults inside a call's parentheses), and the file's groups and constants.
 *
 * <pre>
 * optimizer |        →  adadelta, adagrad, adam, adamw, momentum, nesterov, rmsprop, sgd
 * conv2d(32, |       →  filters:, kernel:, stride: 1, padding: valid, bias: true, init: model
 * </pre>
 */
final class Completions {
    /** One completion: the label, what it is, its one line, and the text to insert. */
    record Item(String label, Kind kind, String detail, String insert) {
    }

    private static final List<String> TOP_LEVEL = List.of("model", "group", "let", "import",
            "package");

    private final Vocabulary vocabulary = Vocabulary.standard();

    /** The completions at {@code offset} of {@code text}. */
    List<Item> complete(String text, int offset, Analysis a) {
        offset = Math.max(0, Math.min(offset, text.length()));
        Deque<int[]> open = openBrackets(text, offset);
        int lineStart = text.lastIndexOf('\n', offset - 1) + 1;
        int wordStart = offset;
        while (wordStart > lineStart && isWordChar(text.charAt(wordStart - 1))) {
            wordStart--;
        }
        String before = text.substring(lineStart, wordStart).strip();
        Map<String, Item> out = new LinkedHashMap<>();
        if (open.isEmpty()) {
            for (String k : TOP_LEVEL) {
                add(out, new Item(k, null, "keyword", k + " "));
            }
            return new ArrayList<>(out.values());
        }
        int[] inner = open.peek();
        String opener = wordBefore(text, inner[1]);
        if (inner[0] == '(') {
            arguments(out, opener, a, text.substring(inner[1] + 1, wordStart));
            return new ArrayList<>(out.values());
        }
        if (inner[0] == '[') {
            constants(out, a);
            return new ArrayList<>(out.values());
        }
        if (opener.equals("train") || opener.equals("data") || opener.equals("ensemble")) {
            Kind keys = opener.equals("train") ? Kind.TRAIN_KEY : opener.equals("data")
                    ? Kind.DATA_KEY : Kind.ENSEMBLE_KEY;
            String key = entryKey(before);
            if (key == null) {
                for (String k : vocabulary.names(keys)) {
                    add(out, new Item(k, keys, vocabulary.describe(keys, k), k + ": "));
                }
            } else {
                Kind value = keys == Kind.TRAIN_KEY && key.equals("schedule") ? Kind.SCHEDULE
                        : keys == Kind.DATA_KEY && (key.equals("train") || key.equals("test"))
                        ? Kind.DATA_SOURCE : null;
                if (value != null) {
                    words(out, value);
                }
                constants(out, a);
            }
            return new ArrayList<>(out.values());
        }
        if (before.equals("loss")) {
            words(out, Kind.LOSS);
        } else if (before.equals("optimizer")) {
            words(out, Kind.OPTIMIZER);
        } else if (before.equals("init")) {
            words(out, Kind.INITIALIZER);
        } else if (before.equals("seed")) {
            constants(out, a);
        } else if (before.endsWith("->")) {
            words(out, Kind.ACTIVATION);
            words(out, Kind.LAYER);
            groups(out, a);
        } else {
            words(out, Kind.LAYER);
            words(out, Kind.ACTIVATION);
            groups(out, a);
            if (isModel(text, inner[1])) {
                for (String s : vocabulary.names(Kind.SETTING)) {
                    boolean block = s.equals("train") || s.equals("data")
                            || s.equals("ensemble");
                    add(out, new Item(s, Kind.SETTING, vocabulary.describe(Kind.SETTING, s),
                            block ? s + " {\n}" : s + " "));
                }
                add(out, new Item("repeat", null, "keyword", "repeat "));
                add(out, new Item("let", null, "keyword", "let "));
            }
        }
        return new ArrayList<>(out.values());
    }

    private void arguments(Map<String, Item> out, String callee, Analysis a, String inside) {
        List<ArgSpec> specs = null;
        for (Kind k : List.of(Kind.LAYER, Kind.ACTIVATION, Kind.OPTIMIZER, Kind.SCHEDULE,
                Kind.DATA_SOURCE, Kind.INITIALIZER)) {
            if (vocabulary.names(k).contains(callee)) {
                specs = vocabulary.arguments(k, callee);
                break;
            }
        }
        if (callee.equals("monitor")) {
            specs = vocabulary.monitorArguments();
        }
        String last = inside.substring(Math.max(inside.lastIndexOf(','), inside.lastIndexOf('('))
                + 1).strip();
        String key = entryKey(last);
        if (key != null) {
            if (key.equals("init")) {
                words(out, Kind.INITIALIZER);
            }
            constants(out, a);
            return;
        }
        if (specs != null) {
            for (ArgSpec s : specs) {
                String detail = s.type().description() + (s.required() ? ", required"
                        : ", default " + Hovers.show(s.defaultValue()));
                add(out, new Item(s.name(), null, detail, s.name() + ": "));
            }
        } else {
            for (Index.Occurrence o : a == null ? List.<Index.Occurrence>of() : a.index.all()) {
                if (o.role() == Index.Role.PARAM_DEF && o.group().name().equals(callee)) {
                    add(out, new Item(o.name(), null, "parameter of group " + callee,
                            o.name() + ": "));
                }
            }
        }
        constants(out, a);
    }

    private void words(Map<String, Item> out, Kind kind) {
        for (String n : vocabulary.names(kind)) {
            add(out, new Item(n, kind, vocabulary.describe(kind, n), n));
        }
    }

    private static void groups(Map<String, Item> out, Analysis a) {
        for (Index.Occurrence o : a == null ? List.<Index.Occurrence>of() : a.index.all()) {
            if (o.role() == Index.Role.GROUP_DEF) {
                add(out, new Item(o.name(), null, "group", o.name()));
            }
        }
    }

    private static void constants(Map<String, Item> out, Analysis a) {
        for (Index.Occurrence o : a == null ? List.<Index.Occurrence>of() : a.index.all()) {
            if (o.role() == Index.Role.CONSTANT_DEF) {
                add(out, new Item(o.name(), null, "constant", o.name()));
            }
        }
    }

    private static void add(Map<String, Item> out, Item item) {
        out.putIfAbsent(item.label(), item);
    }

    /** The key of {@code key: value…} when {@code s} is such an entry's start, else null. */
    private static String entryKey(String s) {
        int colon = s.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String k = s.substring(0, colon).strip();
        int i = k.length();
        while (i > 0 && isWordChar(k.charAt(i - 1))) {
            i--;
        }
        return i < k.length() ? k.substring(i) : null;
    }

    /** True when the brace at {@code at} opens a model's body. */
    private static boolean isModel(String text, int at) {
        int lineStart = text.lastIndexOf('\n', at - 1) + 1;
        return text.substring(lineStart, at).strip().startsWith("model");
    }

    /** The name written before a bracket: {@code conv2d} for {@code conv2d(}. */
    private static String wordBefore(String text, int at) {
        int end = at;
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        if (end > 0 && text.charAt(end - 1) == ')') {
            // group name(params) { … }: the word is "group"'s name, not the keyword
            int depth = 0;
            while (end > 0) {
                char c = text.charAt(--end);
                if (c == ')') {
                    depth++;
                } else if (c == '(' && --depth == 0) {
                    break;
                }
            }
        }
        int start = end;
        while (start > 0 && isWordChar(text.charAt(start - 1))) {
            start--;
        }
        return text.substring(start, end);
    }

    /** The brackets open at {@code offset}, innermost first: {kind, offset}. */
    private static Deque<int[]> openBrackets(String text, int offset) {
        Deque<int[]> stack = new ArrayDeque<>();
        for (int i = 0; i < offset; i++) {
            char c = text.charAt(i);
            if (c == '/' && i + 1 < offset && text.charAt(i + 1) == '/') {
                int nl = text.indexOf('\n', i);
                i = nl < 0 ? offset : nl;
            } else if (c == '"') {
                int j = i + 1;
                while (j < offset && text.charAt(j) != '"' && text.charAt(j) != '\n') {
                    j += text.charAt(j) == '\\' ? 2 : 1;
                }
                i = j;
            } else if (c == '(' || c == '{' || c == '[') {
                stack.push(new int[] {c, i});
            } else if (c == ')' || c == '}' || c == ']') {
                char want = c == ')' ? '(' : c == '}' ? '{' : '[';
                while (!stack.isEmpty() && stack.peek()[0] != want) {
                    stack.pop();
                }
                if (!stack.isEmpty()) {
                    stack.pop();
                }
            }
        }
        return stack;
    }

    static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
