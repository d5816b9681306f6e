package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.diag.Diagnostic;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** No input text makes the compiler throw, and every diagnostic points inside its file. */
class FrontEndPropertiesTest {

    private static final String[] PIECES = {"model", "M", "{", "}", "input", "[", "]", "2", ",",
        "dense", "(", ")", "->", "sigmoid", "softmax", "loss", "mse", "cross_entropy",
        "optimizer", "sgd", "lr", ":", "0.1", "train", "data", "epochs", "stop", "<", "loss",
        "let", "h", "=", "group", "g", "repeat", "3", "-", "*", "/", "\"x.csv\"", "csv", "label",
        "last", "\n", " ", "//c\n", "/*", "*/", "import", "\"a.nn\"", "and", "or", "true",
        "validation", "0", "-1", "1e999", "$", "\"", "package", "a.b", "init", "he"};

    @Provide
    Arbitrary<String> sources() {
        Arbitrary<String> token = Arbitraries.of(PIECES);
        Arbitrary<String> soup = token.list().ofMaxSize(60).map(l -> String.join(" ", l));
        Arbitrary<String> noise = Arbitraries.strings().ofMaxLength(80);
        return Arbitraries.oneOf(soup, noise, soup.map(s -> "model M {\n input [2]\n" + s
                + "\n dense(1)\n loss mse\n}\n"));
    }

    @Property(tries = 400)
    void neverThrowsAndSpansLieInsideTheFile(@ForAll("sources") String source) {
        Compilation c = Models.compile(source);
        for (Diagnostic d : c.diagnostics()) {
            var s = d.span();
            int lines = s.file().lineCount();
            assertTrue(s.line() >= 1 && s.line() <= lines, d + " line outside 1.." + lines);
            assertTrue(s.column() >= 1 && s.column() <= s.file().line(s.line()).length() + 1,
                    d + " column outside the line");
        }
    }
}
