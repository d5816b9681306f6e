package dev.nnc.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnc.compiler.NnCompiler;
import dev.nnc.compiler.diag.SourceFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.eclipse.lsp4j.CodeActionContext;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DocumentFormattingParams;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.FormattingOptions;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ReferenceContext;
import org.eclipse.lsp4j.ReferenceParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.services.TextDocumentService;

/**
 * Random edits of the examples and random bytes, sent to one server: it answers every request
 * (no error, within the bound) and its copy of the text stays the client's.
 */
class LspFuzzTest {
    private static final String[] TOKENS = {"model", "group", "let", "import", "input", "loss",
        "optimizer", "init", "seed", "repeat", "train", "data", "{", "}", "(", ")", "[", "]", ",",
        ":", "->", "=", "\"", "\n", " ", "dense", "conv2d", "relu", "1", "0.5", "-", "*", "//",
        "x", "block", "lr", "é", "\t", "\r\n", "\u0000", "🙂"};
    private static LspClient client;
    private static List<String> examples;
    private static int version = 1000;

    @BeforeContainer
    static void start() throws Exception {
        client = new LspClient();
        try (Stream<Path> s = Files.walk(Path.of("..", "examples"))) {
            examples = new ArrayList<>();
            for (Path p : s.filter(p -> p.toString().endsWith(".nn")).sorted().toList()) {
                examples.add(Files.readString(p));
            }
        }
    }

    @AfterContainer
    static void stop() throws Exception {
        client.stop();
    }

    record Edit(double from, double length, String text) {
    }

    @Provide
    Arbitrary<List<Edit>> edits() {
        return edit().list().ofMaxSize(8);
    }

    private static Arbitrary<Edit> edit() {
        Arbitrary<String> tokens = Arbitraries.of(TOKENS).list().ofMaxSize(6)
                .map(l -> String.join("", l));
        Arbitrary<String> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(40)
                .map(b -> new String(b, StandardCharsets.UTF_8));
        return Combinators.combine(Arbitraries.doubles().between(0, 1),
                Arbitraries.doubles().between(0, 0.2), Arbitraries.oneOf(tokens, bytes))
                .as(Edit::new);
    }

    @Property(tries = 60)
    void everyRequestIsAnswered(@ForAll("edits") List<Edit> edits,
            @ForAll("positions") List<Position> where, @ForAll boolean fromExample)
            throws Exception {
        Path f = Path.of("fuzz-" + version + ".nn").toAbsolutePath();
        String text = fromExample ? examples.get(Math.abs(edits.hashCode()) % examples.size())
                : edits.isEmpty() ? "" : edits.get(0).text();
        client.open(f, text, version++);
        TextDocumentService docs = client.server.getTextDocumentService();
        for (Edit e : edits) {
            int from = (int) (e.from() * text.length());
            int to = Math.min(text.length(), from + (int) (e.length() * text.length()));
            Range r = new Range(Positions.position(text, from), Positions.position(text, to));
            text = text.substring(0, from) + e.text() + text.substring(to);
            docs.didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(
                    LspClient.uri(f), version++), List.of(new TextDocumentContentChangeEvent(r,
                    e.text()))));
        }
        List<CompletableFuture<?>> answers = new ArrayList<>();
        for (Position p : where) {
            answers.add(docs.hover(new HoverParams(LspClient.doc(f), p)));
            answers.add(docs.completion(new CompletionParams(LspClient.doc(f), p)));
            answers.add(docs.definition(new DefinitionParams(LspClient.doc(f), p)));
            answers.add(docs.references(new ReferenceParams(LspClient.doc(f), p,
                    new ReferenceContext(true))));
            answers.add(docs.codeAction(new CodeActionParams(LspClient.doc(f), new Range(p, p),
                    new CodeActionContext(List.of()))));
        }
        answers.add(docs.documentSymbol(new DocumentSymbolParams(LspClient.doc(f))));
        answers.add(docs.formatting(new DocumentFormattingParams(LspClient.doc(f),
                new FormattingOptions(4, true))));
        for (CompletableFuture<?> a : answers) {
            a.get(NnLanguageServer.REQUEST_BOUND_SECONDS + 5, TimeUnit.SECONDS);
        }
        // the server's copy of the text is the client's: it reports what the compiler reports
        List<String> published = client.diagnosticsOfVersion(f, version - 1).stream()
                .map(d -> d.getCode().getLeft() + "@" + d.getRange().getStart()).toList();
        List<String> expected = NnCompiler.compile(new SourceFile(f, "fuzz.nn", text),
                new NnCompiler.Options(f.getParent(), "", false)).diagnostics().stream()
                .map(d -> d.code().id() + "@" + Positions.range(d.span()).getStart()).toList();
        assertEquals(expected, published);
        client.close(f);
    }

    @Provide
    Arbitrary<List<Position>> positions() {
        return Combinators.combine(Arbitraries.integers().between(-1, 60),
                Arbitraries.integers().between(-1, 120)).as(Position::new).list().ofMinSize(1)
                .ofMaxSize(4);
    }
}
