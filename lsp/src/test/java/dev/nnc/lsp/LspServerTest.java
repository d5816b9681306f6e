package dev.nnc.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.compiler.format.Formatter;
import dev.nnc.compiler.ir.LayerIR;
import dev.nnc.compiler.ops.ArgSpec;
import dev.nnc.compiler.ops.Registry;
import dev.nnc.compiler.sema.Vocabulary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionContext;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DocumentFormattingParams;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.FormattingOptions;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ReferenceContext;
import org.eclipse.lsp4j.ReferenceParams;
import org.eclipse.lsp4j.RenameParams;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The language server driven by an LSP4J client over its JSON-RPC transport. */
class LspServerTest {
    private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
    private static LspClient client;
    private static TextDocumentService docs;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        client = new LspClient();
        docs = client.server.getTextDocumentService();
    }

    @AfterAll
    static void stop() throws Exception {
        client.stop();
    }

    private static <T> T get(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    private static final String XOR = """
            model Xor {
                input [2]
                desne(2) -> sigmoid
                dense(1) -> sigmoid
                loss mse
                optimizer sgd(lr: 0.5)
            }
            """;

    @Test
    void diagnosticsFollowOpenChangeAndCloseWithCodesSpansAndQuickFix() throws Exception {
        Path f = dir.resolve("xor.nn");
        client.open(f, XOR);
        List<Diagnostic> d = client.diagnostics(f, l -> !l.isEmpty());
        assertEquals(1, d.size(), d.toString());
        Diagnostic typo = d.get(0);
        assertEquals("NN0201", typo.getCode().getLeft());
        assertEquals(new Range(new Position(2, 4), new Position(2, 9)), typo.getRange());
        assertTrue(typo.getMessage().contains("did you mean 'dense'"), typo.getMessage());

        List<CodeAction> fixes = get(docs.codeAction(new CodeActionParams(LspClient.doc(f),
                typo.getRange(), new CodeActionContext(List.of(typo))))).stream()
                .map(e -> e.getRight()).toList();
        assertEquals(1, fixes.size());
        TextEdit edit = fixes.get(0).getEdit().getChanges().get(LspClient.uri(f)).get(0);
        assertEquals("dense", edit.getNewText());
        assertEquals(typo.getRange(), edit.getRange());

        // every error of the file, each at its place
        client.change(f, XOR.replace("loss mse", "loss mse2").replace("sgd(", "sdg("));
        d = client.diagnostics(f, l -> l.size() == 3);
        assertEquals(List.of("NN0201", "NN0203", "NN0204"), d.stream()
                .map(x -> x.getCode().getLeft()).toList());
        assertEquals(4, d.get(1).getRange().getStart().getLine());

        client.change(f, XOR.replace("desne", "dense"));
        assertTrue(client.diagnostics(f, List::isEmpty).isEmpty());
        client.change(f, XOR);
        client.diagnostics(f, l -> !l.isEmpty());
        client.close(f);
        assertTrue(client.diagnostics(f, List::isEmpty).isEmpty());
    }

    /** An index in {@code text} as the protocol's default position: UTF-16 code units. */
    private static Position utf16(String text, int index) {
        int line = (int) text.substring(0, index).chars().filter(ch -> ch == '\n').count();
        return new Position(line, index - (text.lastIndexOf('\n', index - 1) + 1));
    }

    @Test
    void positionsAreUtf16CodeUnitsPastCharactersOutsideTheBasicPlane() throws Exception {
        // each emoji is one code point and two UTF-16 code units
        String text = """
                let /* \uD83D\uDE00\uD83D\uDE00 */ w = 2
                model Xor {
                    input [2]
                    /* \uD83D\uDE42\uD83D\uDE42 */ desne(w) -> sigmoid
                    dense(1) -> sigmoid
                    loss mse
                    optimizer sgd(lr: 0.5)
                }
                """;
        Path f = dir.resolve("emoji.nn");
        client.open(f, text);
        List<Diagnostic> d = client.diagnostics(f, l -> !l.isEmpty());
        assertEquals(1, d.size(), d.toString());
        int typo = text.indexOf("desne");
        assertEquals(new Range(utf16(text, typo), utf16(text, typo + 5)), d.get(0).getRange());

        // a request at the use of w (UTF-16) finds w's definition, given back in UTF-16
        int use = text.indexOf("desne(w") + 6;
        int def = text.indexOf("w = 2");
        List<? extends Location> at = get(docs.definition(new DefinitionParams(
                LspClient.doc(f), utf16(text, use)))).getLeft();
        assertEquals(List.of(new Location(LspClient.uri(f), new Range(utf16(text, def),
                utf16(text, def + 1)))), at);
        Hover h = get(docs.hover(new HoverParams(LspClient.doc(f), utf16(text, use))));
        assertNotNull(h);
        assertTrue(h.getContents().getRight().getValue().contains("= `2`"),
                h.getContents().getRight().getValue());
        client.close(f);
    }

    @Test
    void hoverNamesPlacesInTheCompilersCodePointColumnsPastAnEmoji() throws Exception {
        // the use of the group is at code point 14 of its line, UTF-16 code unit 16
        String text = """
                group block(units) { dense(units) -> relu }
                model M {
                    input [2]
                    /* \uD83D\uDE00\uD83D\uDE00 */ block(3)
                    dense(1) -> sigmoid
                    loss mse
                    optimizer sgd(lr: 0.5)
                }
                """;
        Path f = dir.resolve("places.nn");
        client.open(f, text);
        assertTrue(client.diagnostics(f, l -> true).isEmpty());
        Hover h = get(docs.hover(new HoverParams(LspClient.doc(f),
                utf16(text, text.indexOf("units")))));
        assertNotNull(h);
        String shown = h.getContents().getRight().getValue();
        assertTrue(shown.contains("values at the uses of the group:\n- `3` at places.nn:4:14"),
                shown);
        int use = text.indexOf("block(3)");
        assertEquals(14, 1 + text.codePointCount(text.lastIndexOf('\n', use) + 1, use));
        assertEquals(16, utf16(text, use).getCharacter() + 1);
        client.close(f);
    }

    @Test
    void typingIsCheckedOnceItPauses() throws Exception {
        Path f = dir.resolve("typing.nn");
        String target = XOR.replace("desne", "dense");
        client.open(f, "");
        client.diagnostics(f, l -> true);
        int before = client.publishes(f);
        int version = 0;
        // 30 keystrokes 30 ms apart, then the rest: one pause, one check (a few to spare for
        // a slow machine; without the debounce, each keystroke is checked)
        for (int i = 1; i <= 30; i++) {
            version = client.change(f, target.substring(0, i));
            Thread.sleep(30);
        }
        version = client.change(f, target);
        assertTrue(client.diagnosticsOfVersion(f, version).isEmpty());
        int checks = client.publishes(f) - before;
        assertTrue(checks <= 5, checks + " checks for 31 changes");
        client.close(f);
    }

    @Test
    void hoverShowsTheShapesParametersAndFlopsOfTheCnnExample() throws Exception {
        Path f = EXAMPLES.resolve("08-cnn/colors.nn");
        String text = Files.readString(f);
        Compilation c = NnCompiler.compile(f, NnCompiler.Options.defaults());
        assertFalse(c.hasErrors(), c.renderDiagnostics());
        client.open(f, text);
        assertTrue(client.diagnostics(f, l -> true).isEmpty());

        Hover h = get(docs.hover(new HoverParams(LspClient.doc(f),
                LspClient.at(text, "conv2d(3, 3)", 2))));
        LayerIR conv = c.model().layers().stream().filter(l -> l.span().line() == 1
                + LspClient.at(text, "conv2d(3, 3)", 0).getLine()).findFirst().orElseThrow();
        String shown = h.getContents().getRight().getValue();
        assertTrue(shown.contains("output `" + conv.out() + "`"), shown);
        assertTrue(shown.contains(String.format("%,d params", conv.paramCount())), shown);
        assertTrue(shown.contains(String.format("%,d FLOPs", conv.flops())), shown);
        assertTrue(shown.contains(Registry.standard().layer("conv2d").description()), shown);

        h = get(docs.hover(new HoverParams(LspClient.doc(f),
                LspClient.at(text, "init xavier", 6))));
        assertTrue(h.getContents().getRight().getValue().contains(
                Vocabulary.standard().describe(Vocabulary.Kind.INITIALIZER, "xavier")));
        h = get(docs.hover(new HoverParams(LspClient.doc(f), LspClient.at(text, "epochs: ", 1))));
        assertTrue(h.getContents().getRight().getValue().contains(
                Vocabulary.standard().describe(Vocabulary.Kind.TRAIN_KEY, "epochs")));
        h = get(docs.hover(new HoverParams(LspClient.doc(f), LspClient.at(text, "sgd(lr", 1))));
        assertTrue(h.getContents().getRight().getValue().contains(
                Vocabulary.standard().describe(Vocabulary.Kind.OPTIMIZER, "sgd")));

        List<DocumentSymbol> outline = get(docs.documentSymbol(new DocumentSymbolParams(
                LspClient.doc(f)))).stream().map(e -> e.getRight()).toList();
        DocumentSymbol model = outline.get(0);
        assertEquals("Colors", model.getName());
        assertEquals(c.model().input() + " → " + c.model().output(), model.getDetail());
        List<String> layerShapes = model.getChildren().stream().map(DocumentSymbol::getDetail)
                .toList();
        assertEquals(c.model().layers().stream().map(l -> l.out().toString()).toList(),
                layerShapes);
        client.close(f);
    }

    private List<String> labels(Path f, String text, String needle, int shift) throws Exception {
        return get(docs.completion(new CompletionParams(LspClient.doc(f),
                LspClient.at(text, needle, shift)))).getLeft().stream()
                .map(CompletionItem::getLabel).toList();
    }

    @Test
    void completionListsComeFromTheRegistries() throws Exception {
        Path f = dir.resolve("c.nn");
        String text = """
                let width = 8
                group block(units, act = relu) {
                    dense(units) -> act
                }
                model M {
                    input [4]
                    conv2d(8, 3, )
                    dense(4) ->\s

                    loss\s
                    optimizer\s
                    init\s
                    train {
                        epochs: 3

                        schedule:\s
                    }
                    data {

                    }
                }
                """;
        // the names of the file come from its last version that parsed
        client.open(f, text.substring(0, text.indexOf("model")));
        assertTrue(client.diagnostics(f, l -> true).isEmpty());
        client.change(f, text);
        assertFalse(client.diagnostics(f, l -> !l.isEmpty()).isEmpty());
        Registry r = Registry.standard();
        Vocabulary v = Vocabulary.standard();
        assertEquals(r.lossNames(), Set.copyOf(labels(f, text, "loss ", 5)));
        assertEquals(r.optimizerNames(), Set.copyOf(labels(f, text, "optimizer ", 10)));
        assertEquals(Set.copyOf(v.names(Vocabulary.Kind.INITIALIZER)),
                Set.copyOf(labels(f, text, "init \n", 5)));
        assertEquals(Set.copyOf(v.names(Vocabulary.Kind.TRAIN_KEY)),
                Set.copyOf(labels(f, text, "epochs: 3\n", 10)));
        List<String> schedules = labels(f, text, "schedule: ", 10);
        assertTrue(schedules.containsAll(v.names(Vocabulary.Kind.SCHEDULE)), schedules.toString());
        assertTrue(schedules.contains("width"));
        assertEquals(Set.copyOf(v.names(Vocabulary.Kind.DATA_KEY)),
                Set.copyOf(labels(f, text, "data {\n", 7)));

        List<String> statement = labels(f, text, "dense(4) -> \n", 13);
        assertTrue(statement.containsAll(r.layerNames()), statement.toString());
        assertTrue(statement.contains("block"), "groups of the file are offered");
        assertTrue(statement.containsAll(v.names(Vocabulary.Kind.SETTING)));
        List<String> after = labels(f, text, "dense(4) -> ", 12);
        assertEquals(r.activationNames(), after.subList(0, r.activationNames().size()));

        List<CompletionItem> args = get(docs.completion(new CompletionParams(LspClient.doc(f),
                LspClient.at(text, "conv2d(8, 3, ", 13)))).getLeft();
        List<ArgSpec> specs = r.layer("conv2d").args();
        assertEquals(specs.stream().map(ArgSpec::name).toList(),
                args.subList(0, specs.size()).stream().map(CompletionItem::getLabel).toList());
        for (int i = 0; i < specs.size(); i++) {
            ArgSpec s = specs.get(i);
            String detail = args.get(i).getDetail();
            assertTrue(s.required() ? detail.endsWith("required")
                    : detail.endsWith("default " + Hovers.show(s.defaultValue())), detail);
        }
        client.close(f);
    }

    @Test
    void definitionReferencesAndRenameAcrossAnImportWithAnUnsavedBuffer() throws Exception {
        Path lib = dir.resolve("lib.nn");
        Path main = dir.resolve("main.nn");
        Files.writeString(lib, "let width = 8\n");
        String libText = """
                let width = 8
                group block(units, act = relu) {
                    dense(units) -> act
                }
                """;
        String mainText = """
                import "lib.nn"
                let hidden = width * 2
                model M {
                    input [4]
                    block(hidden)
                    block(width, act: tanh)
                    dense(1) -> sigmoid
                    loss mse
                    optimizer sgd(lr: hidden / 160)
                }
                """;
        // block exists only in the unsaved buffer of lib.nn
        client.open(lib, libText);
        client.open(main, mainText);
        assertTrue(client.diagnostics(main, List::isEmpty).isEmpty());

        List<? extends Location> def = get(docs.definition(new DefinitionParams(
                LspClient.doc(main), LspClient.at(mainText, "block(width", 1)))).getLeft();
        assertEquals(List.of(new Location(LspClient.uri(lib), new Range(new Position(1, 6),
                new Position(1, 11)))), def);
        def = get(docs.definition(new DefinitionParams(LspClient.doc(main),
                LspClient.at(mainText, "\"lib.nn\"", 2)))).getLeft();
        assertEquals(LspClient.uri(lib), def.get(0).getUri());

        Hover h = get(docs.hover(new HoverParams(LspClient.doc(main),
                LspClient.at(mainText, "hidden / 160", 1))));
        assertTrue(h.getContents().getRight().getValue().contains("= `16`"),
                h.getContents().getRight().getValue());
        h = get(docs.hover(new HoverParams(LspClient.doc(lib),
                LspClient.at(libText, "dense(units", 7))));
        String param = h.getContents().getRight().getValue();
        assertTrue(param.contains("parameter `units`"), param);
        assertTrue(param.contains("`hidden` at main.nn:5:5") && param.contains("`width` at "
                + "main.nn:6:5"), param);
        h = get(docs.hover(new HoverParams(LspClient.doc(main),
                LspClient.at(mainText, "block(hidden)", 1))));
        assertTrue(h.getContents().getRight().getValue().contains("group `block(units, "
                + "act = relu)`"), h.getContents().getRight().getValue());

        List<? extends Location> refs = get(docs.references(new ReferenceParams(
                LspClient.doc(main), LspClient.at(mainText, "width", 1),
                new ReferenceContext(true))));
        assertEquals(Map.of(LspClient.uri(lib), 1L, LspClient.uri(main), 2L), refs.stream()
                .collect(Collectors.groupingBy(Location::getUri, Collectors.counting())));

        WorkspaceEdit rename = get(docs.rename(new RenameParams(LspClient.doc(main),
                LspClient.at(mainText, "hidden", 1), "size")));
        List<TextEdit> edits = rename.getChanges().get(LspClient.uri(main));
        assertEquals(3, edits.size());
        String renamed = mainText;
        for (TextEdit e : edits.stream().sorted((a, b) -> Integer.compare(
                b.getRange().getStart().getLine() * 1000 + b.getRange().getStart().getCharacter(),
                a.getRange().getStart().getLine() * 1000 + a.getRange().getStart().getCharacter()))
                .toList()) {
            renamed = Positions.apply(renamed, e.getRange(), e.getNewText());
        }
        assertEquals(mainText.replace("hidden", "size"), renamed);

        edits = get(docs.rename(new RenameParams(LspClient.doc(main),
                LspClient.at(mainText, "block(hidden", 2), "unit"))).getChanges()
                .values().stream().flatMap(List::stream).toList();
        assertEquals(3, edits.size(), "the definition in lib.nn and two uses");
        // a group parameter: its uses in the body and the named arguments of the calls
        edits = get(docs.rename(new RenameParams(LspClient.doc(lib),
                LspClient.at(libText, "act =", 0), "activation"))).getChanges()
                .values().stream().flatMap(List::stream).toList();
        assertEquals(3, edits.size(), edits.toString());
        assertTrue(edits.stream().anyMatch(e -> e.getRange().getStart().getLine() == 5),
                "act: tanh in main.nn, line 6");
        ExecutionException bad = assertThrows(ExecutionException.class, () -> get(docs.rename(
                new RenameParams(LspClient.doc(main), LspClient.at(mainText, "hidden", 1),
                        "model"))));
        assertTrue(bad.getCause().getMessage().contains("not a name"), bad.getMessage());

        // the import's disk copy lacks block: closing the buffer brings the error back
        client.close(lib);
        List<Diagnostic> d = client.diagnostics(main, l -> !l.isEmpty());
        assertEquals("NN0201", d.get(0).getCode().getLeft());
        client.close(main);
    }

    @Test
    void aFailingRequestIsAnsweredWithAnErrorAndTheServerGoesOn() throws Exception {
        Path f = dir.resolve("x.nn");
        client.open(f, XOR);
        client.diagnostics(f, l -> !l.isEmpty());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> get(client.endpoint.request("textDocument/hover",
                        Map.of("textDocument", Map.of("uri", LspClient.uri(f))))));
        assertTrue(e.getCause() instanceof org.eclipse.lsp4j.jsonrpc.ResponseErrorException,
                e.toString());
        Hover h = get(docs.hover(new HoverParams(LspClient.doc(f), LspClient.at(XOR, "sgd", 1))));
        assertNotNull(h);
        assertNull(get(docs.hover(new HoverParams(LspClient.doc(dir.resolve("never-opened.nn")),
                new Position(0, 0)))));
        client.close(f);
    }

    @Test
    void aTenMegabyteFileIsAnsweredWithinTheBound() throws Exception {
        Path f = dir.resolve("big.nn");
        StringBuilder sb = new StringBuilder(10_500_000);
        java.util.Random rnd = new java.util.Random(7);
        while (sb.length() < 10_000_000) {
            sb.append("dense(").append(rnd.nextInt(100)).append(") -> relu } { ( \"\n");
        }
        long start = System.nanoTime();
        client.open(f, sb.toString());
        List<Diagnostic> d = client.diagnostics(f, l -> !l.isEmpty());
        assertTrue(d.get(0).getMessage().startsWith("not checked"), d.get(0).getMessage());
        get(docs.hover(new HoverParams(LspClient.doc(f), new Position(3, 2))));
        get(docs.completion(new CompletionParams(LspClient.doc(f), new Position(3, 2))));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20));
        client.close(f);
    }

    @Test
    void randomBytesJustUnderTheLimitAreCheckedWithinTheBound() throws Exception {
        Path f = dir.resolve("bytes.nn");
        byte[] bytes = new byte[Workspace.MAX_CHARS - 1000];
        new java.util.Random(11).nextBytes(bytes);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        long start = System.nanoTime();
        client.open(f, text);
        List<Diagnostic> d = client.diagnostics(f, l -> !l.isEmpty());
        assertEquals("NN0101", d.get(0).getCode().getLeft());
        assertNotNull(get(docs.documentSymbol(new DocumentSymbolParams(LspClient.doc(f)))));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20));
        client.close(f);
    }

    @Test
    void formattingGivesNncFmtsLayout() throws Exception {
        Path f = dir.resolve("fmt.nn");
        String messy = "model Xor{input [2] ; dense(2)->sigmoid\n  dense( 1 )->sigmoid  // out\n"
                + "  loss mse\n train{epochs:10,batch:1}}\n";
        client.open(f, messy);
        List<? extends TextEdit> edits = get(docs.formatting(new DocumentFormattingParams(
                LspClient.doc(f), new FormattingOptions(4, true))));
        assertEquals(1, edits.size());
        String formatted = Positions.apply(messy, edits.get(0).getRange(),
                edits.get(0).getNewText());
        assertEquals(Formatter.format(new SourceFile(f, "fmt.nn", messy)).text(), formatted);
        assertTrue(formatted.contains("    dense(2) -> sigmoid\n"), formatted);
        client.change(f, formatted);
        assertTrue(get(docs.formatting(new DocumentFormattingParams(LspClient.doc(f),
                new FormattingOptions(4, true)))).isEmpty(), "formatted text stays as it is");
        client.change(f, "model {");
        assertTrue(get(docs.formatting(new DocumentFormattingParams(LspClient.doc(f),
                new FormattingOptions(4, true)))).isEmpty(), "a file that does not parse");
        client.close(f);
    }
}
