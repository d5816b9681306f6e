package dev.nnc.lsp;

import dev.nnc.compiler.diag.Severity;
import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.compiler.diag.Span;
import dev.nnc.compiler.format.Formatter;
import dev.nnc.compiler.sema.Vocabulary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemKind;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.CompletionOptions;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DidSaveTextDocumentParams;
import org.eclipse.lsp4j.DocumentFormattingParams;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.LocationLink;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ReferenceParams;
import org.eclipse.lsp4j.RenameParams;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.ServerInfo;
import org.eclipse.lsp4j.SymbolInformation;
import org.eclipse.lsp4j.SymbolKind;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageClientAware;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;

/**
 * The language server of {@code .nn} files. Everything it says comes from the compiler: the
 * diagnostics of the checker with their catalog codes, the shapes, parameters and FLOPs of the
 * checked model, the names and descriptions of the registries. Requests are answered on a pool of
 * their own from the last analysis of the text; each waits for that analysis at most {@link
 * #REQUEST_BOUND_SECONDS} seconds, and an exception answers its request with an error.
 */
public final class NnLanguageServer implements LanguageServer, LanguageClientAware,
        TextDocumentService, WorkspaceService {
    /** The longest a request waits for the analysis of the current text. */
    static final long REQUEST_BOUND_SECONDS = 10;
    private static final Pattern DID_YOU_MEAN = Pattern.compile("did you mean '([^']+)'\\?");

    private final Workspace workspace;
    private final ExecutorService requests = Executors.newFixedThreadPool(2,
            Workspace.daemon("nnc-lsp-request"));
    private final Navigation navigation = new Navigation();
    private final Hovers hovers = new Hovers(navigation);
    private final Completions completions = new Completions();
    private final CompletableFuture<Integer> exited = new CompletableFuture<>();
    private volatile LanguageClient client;
    private volatile boolean shutdown;

    /** @param debounceMillis the pause in typing after which a changed file is checked */
    public NnLanguageServer(long debounceMillis) {
        this.workspace = new Workspace(debounceMillis, this::publish);
    }

    @Override
    public void connect(LanguageClient client) {
        this.client = client;
    }

    /** Completes with the exit code when the client sends exit: 0 after shutdown, else 1. */
    public CompletableFuture<Integer> exited() {
        return exited;
    }

    @Override
    public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
        ServerCapabilities c = new ServerCapabilities();
        c.setPositionEncoding(Positions.ENCODING);
        c.setTextDocumentSync(TextDocumentSyncKind.Incremental);
        c.setHoverProvider(true);
        c.setCompletionProvider(new CompletionOptions(false, List.of("(", ",", ":", " ", ">")));
        c.setDefinitionProvider(true);
        c.setReferencesProvider(true);
        c.setDocumentSymbolProvider(true);
        c.setRenameProvider(true);
        c.setCodeActionProvider(true);
        c.setDocumentFormattingProvider(true);
        return CompletableFuture.completedFuture(new InitializeResult(c,
                new ServerInfo("nnc lsp", NnLanguageServer.class.getPackage()
                        .getImplementationVersion())));
    }

    @Override
    public CompletableFuture<Object> shutdown() {
        shutdown = true;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void exit() {
        workspace.shutdown();
        requests.shutdownNow();
        exited.complete(shutdown ? 0 : 1);
    }

    @Override
    public TextDocumentService getTextDocumentService() {
        return this;
    }

    @Override
    public WorkspaceService getWorkspaceService() {
        return this;
    }

    @Override
    public void didChangeConfiguration(DidChangeConfigurationParams params) {
    }

    @Override
    public void didChangeWatchedFiles(DidChangeWatchedFilesParams params) {
    }

    // --- documents ---

    @Override
    public void didOpen(DidOpenTextDocumentParams params) {
        var d = params.getTextDocument();
        workspace.open(d.getUri(), d.getText() == null ? "" : d.getText(), d.getVersion());
    }

    @Override
    public void didChange(DidChangeTextDocumentParams params) {
        List<TextDocumentContentChangeEvent> changes = params.getContentChanges();
        workspace.change(params.getTextDocument().getUri(),
                params.getTextDocument().getVersion() == null ? 0
                        : params.getTextDocument().getVersion(),
                text -> {
                    String t = text;
                    for (TextDocumentContentChangeEvent e : changes) {
                        t = Positions.apply(t, e.getRange(), e.getText());
                    }
                    return t;
                });
    }

    @Override
    public void didClose(DidCloseTextDocumentParams params) {
        String uri = params.getTextDocument().getUri();
        workspace.close(uri);
        LanguageClient c = client;
        if (c != null) {
            c.publishDiagnostics(new PublishDiagnosticsParams(uri, List.of()));
        }
    }

    @Override
    public void didSave(DidSaveTextDocumentParams params) {
    }

    private void publish(Analysis a) {
        LanguageClient c = client;
        if (c == null) {
            return;
        }
        List<Diagnostic> out = new ArrayList<>();
        if (a.isTooLarge()) {
            Diagnostic d = new Diagnostic(new Range(new Position(0, 0), new Position(0, 0)),
                    String.format("not checked: %,d characters, above the language server's "
                            + "limit of %,d", a.text.length(), Workspace.MAX_CHARS),
                    DiagnosticSeverity.Information, "nnc lsp");
            out.add(d);
        } else if (a.failure != null) {
            c.logMessage(new MessageParams(MessageType.Error, "nnc lsp: the compiler failed on "
                    + a.path + ": " + a.failure));
        } else {
            for (dev.nnc.compiler.diag.Diagnostic d : a.compilation.diagnostics()) {
                out.add(toLsp(a, d));
            }
        }
        c.publishDiagnostics(new PublishDiagnosticsParams(Workspace.uriOf(a.path), out,
                a.version));
    }

    private static Diagnostic toLsp(Analysis a, dev.nnc.compiler.diag.Diagnostic d) {
        Span s = d.span();
        String message = d.message();
        Range range;
        if (s.file().path() != null && s.file().path().equals(a.path)) {
            range = Positions.range(s);
        } else {
            // an error in an imported file: shown at the import that brings it in
            range = importOf(a, s.file().path());
            message = s + ": " + message;
        }
        Diagnostic out = new Diagnostic(range, message, d.severity() == Severity.ERROR
                ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, "nnc",
                d.code().id());
        Matcher m = DID_YOU_MEAN.matcher(d.message());
        if (m.find()) {
            out.setData(m.group(1));
        }
        return out;
    }

    private static Range importOf(Analysis a, Path file) {
        Index.Occurrence first = null;
        for (Index.Occurrence o : a.index.all()) {
            if (o.role() == Index.Role.IMPORT && o.file().equals(a.path)) {
                if (file != null && file.equals(Navigation.importTarget(o))) {
                    return Positions.range(o.span());
                }
                first = first == null ? o : first;
            }
        }
        return first == null ? new Range(new Position(0, 0), new Position(0, 0))
                : Positions.range(first.span());
    }

    // --- requests ---

    /** Runs {@code f} on the analysis of the document's current text, within the bound. */
    private <T> CompletableFuture<T> withAnalysis(String uri, T none, Function<Analysis, T> f) {
        Workspace.Doc d = workspace.doc(uri);
        if (d == null) {
            return CompletableFuture.completedFuture(none);
        }
        return workspace.analyze(d).copy()
                .completeOnTimeout(null, REQUEST_BOUND_SECONDS, TimeUnit.SECONDS)
                .thenApplyAsync(a -> a == null || a.isTooLarge() || a.failure != null ? none
                        : f.apply(a), requests);
    }

    private static Index.Occurrence at(Analysis a, Position p) {
        return a.index.at(a.path, p.getLine() + 1, Positions.column(a.text, p));
    }

    @Override
    public CompletableFuture<Hover> hover(HoverParams params) {
        return withAnalysis(params.getTextDocument().getUri(), null, a -> {
            Index.Occurrence o = at(a, params.getPosition());
            String text = o == null ? null : hovers.hover(a, o, workspace.analyses());
            return text == null ? null : new Hover(new MarkupContent(MarkupKind.MARKDOWN, text),
                    Positions.range(o.span()));
        });
    }

    @Override
    public CompletableFuture<Either<List<CompletionItem>, CompletionList>> completion(
            CompletionParams params) {
        Workspace.Doc d = workspace.doc(params.getTextDocument().getUri());
        if (d == null) {
            return CompletableFuture.completedFuture(Either.forLeft(List.of()));
        }
        String text;
        synchronized (d) {
            text = d.text;
        }
        // completion reads the text as it is now; the names of the file come from the last
        // analysis that could parse it, since the text being typed rarely parses
        Analysis last;
        synchronized (d) {
            last = d.lastParsed;
        }
        return CompletableFuture.supplyAsync(() -> {
            if (text.length() > Workspace.MAX_CHARS) {
                return Either.forLeft(List.of());
            }
            int offset = Positions.offset(text, params.getPosition());
            List<CompletionItem> items = new ArrayList<>();
            for (Completions.Item i : completions.complete(text, offset, last)) {
                CompletionItem c = new CompletionItem(i.label());
                c.setDetail(i.detail());
                c.setInsertText(i.insert());
                c.setKind(kindOf(i.kind()));
                items.add(c);
            }
            return Either.forLeft(items);
        }, requests);
    }

    private static CompletionItemKind kindOf(Vocabulary.Kind k) {
        if (k == null) {
            return CompletionItemKind.Keyword;
        }
        return switch (k) {
            case LAYER, ACTIVATION -> CompletionItemKind.Function;
            case LOSS, OPTIMIZER, INITIALIZER, SCHEDULE, DATA_SOURCE -> CompletionItemKind.Value;
            case SETTING -> CompletionItemKind.Keyword;
            case TRAIN_KEY, DATA_KEY, ENSEMBLE_KEY -> CompletionItemKind.Property;
        };
    }

    @Override
    public CompletableFuture<Either<List<? extends Location>, List<? extends LocationLink>>>
            definition(DefinitionParams params) {
        return withAnalysis(params.getTextDocument().getUri(), Either.forLeft(List.of()), a -> {
            Index.Occurrence o = at(a, params.getPosition());
            if (o == null) {
                return Either.forLeft(List.of());
            }
            if (o.role() == Index.Role.IMPORT) {
                Path target = Navigation.importTarget(o);
                return Either.forLeft(target == null ? List.of() : List.of(new Location(
                        Workspace.uriOf(target), new Range(new Position(0, 0),
                                new Position(0, 0)))));
            }
            Index.Occurrence def = navigation.definition(a, o);
            return Either.forLeft(def == null ? List.of() : List.of(location(def)));
        });
    }

    private static Location location(Index.Occurrence o) {
        return new Location(Workspace.uriOf(o.file()), Positions.range(o.span()));
    }

    @Override
    public CompletableFuture<List<? extends Location>> references(ReferenceParams params) {
        return withAnalysis(params.getTextDocument().getUri(), List.of(), a -> {
            Index.Occurrence o = at(a, params.getPosition());
            if (o == null) {
                return List.of();
            }
            boolean withDecl = params.getContext() == null
                    || params.getContext().isIncludeDeclaration();
            List<Location> out = new ArrayList<>();
            for (Index.Occurrence r : navigation.references(a, o, workspace.analyses())) {
                if (withDecl || !isDefinition(r)) {
                    out.add(location(r));
                }
            }
            return out;
        });
    }

    private static boolean isDefinition(Index.Occurrence o) {
        return o.role() == Index.Role.CONSTANT_DEF || o.role() == Index.Role.GROUP_DEF
                || o.role() == Index.Role.PARAM_DEF;
    }

    @Override
    public CompletableFuture<WorkspaceEdit> rename(RenameParams params) {
        return withAnalysis(params.getTextDocument().getUri(), null, a -> {
            String name = params.getNewName();
            if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")
                    || Positions.KEYWORDS.contains(name)) {
                throw new ResponseErrorException(new ResponseError(
                        ResponseErrorCode.InvalidParams, "'" + name + "' is not a name a .nn "
                                + "file can define", null));
            }
            Index.Occurrence o = at(a, params.getPosition());
            Index.Occurrence def = o == null ? null : navigation.definition(a, o);
            if (def == null || def.role() == Index.Role.MODEL_DEF) {
                throw new ResponseErrorException(new ResponseError(
                        ResponseErrorCode.InvalidParams, "only a constant, a group or a group "
                                + "parameter can be renamed here", null));
            }
            Map<String, List<TextEdit>> changes = new LinkedHashMap<>();
            for (Index.Occurrence r : navigation.references(a, o, workspace.analyses())) {
                changes.computeIfAbsent(Workspace.uriOf(r.file()), k -> new ArrayList<>())
                        .add(new TextEdit(Positions.range(r.span()), name));
            }
            return new WorkspaceEdit(changes);
        });
    }

    @Override
    public CompletableFuture<List<Either<SymbolInformation, DocumentSymbol>>> documentSymbol(
            DocumentSymbolParams params) {
        return withAnalysis(params.getTextDocument().getUri(), List.of(), a -> {
            List<Either<SymbolInformation, DocumentSymbol>> out = new ArrayList<>();
            for (Navigation.Symbol s : navigation.outline(a)) {
                out.add(Either.forRight(toLsp(s)));
            }
            return out;
        });
    }

    private static DocumentSymbol toLsp(Navigation.Symbol s) {
        SymbolKind kind = switch (s.kind()) {
            case "model" -> SymbolKind.Class;
            case "group" -> SymbolKind.Function;
            case "constant" -> SymbolKind.Constant;
            case "parameter" -> SymbolKind.Variable;
            default -> SymbolKind.Method;
        };
        Range r = Positions.range(s.at().span());
        DocumentSymbol d = new DocumentSymbol(s.name(), kind, r, r, s.detail());
        List<DocumentSymbol> children = new ArrayList<>();
        for (Navigation.Symbol c : s.children()) {
            children.add(toLsp(c));
        }
        d.setChildren(children);
        return d;
    }

    @Override
    public CompletableFuture<List<Either<Command, CodeAction>>> codeAction(
            CodeActionParams params) {
        String uri = params.getTextDocument().getUri();
        Workspace.Doc doc = workspace.doc(uri);
        if (doc == null || params.getContext() == null
                || params.getContext().getDiagnostics() == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        String text;
        synchronized (doc) {
            text = doc.text;
        }
        return CompletableFuture.supplyAsync(() -> {
            List<Either<Command, CodeAction>> out = new ArrayList<>();
            for (Diagnostic d : params.getContext().getDiagnostics()) {
                Matcher m = DID_YOU_MEAN.matcher(d.getMessage() == null ? "" : d.getMessage());
                if (!m.find() || d.getRange() == null) {
                    continue;
                }
                Range word = Positions.wordAt(text, d.getRange().getStart());
                if (word == null) {
                    continue;
                }
                CodeAction fix = new CodeAction("Change to '" + m.group(1) + "'");
                fix.setKind(CodeActionKind.QuickFix);
                fix.setDiagnostics(List.of(d));
                fix.setIsPreferred(true);
                fix.setEdit(new WorkspaceEdit(Map.of(uri, List.of(new TextEdit(word,
                        m.group(1))))));
                out.add(Either.forRight(fix));
            }
            return out;
        }, requests);
    }

    @Override
    public CompletableFuture<List<? extends TextEdit>> formatting(
            DocumentFormattingParams params) {
        Workspace.Doc doc = workspace.doc(params.getTextDocument().getUri());
        if (doc == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        String text;
        synchronized (doc) {
            text = doc.text;
        }
        return CompletableFuture.supplyAsync(() -> {
            if (text.length() > Workspace.MAX_CHARS) {
                return List.<TextEdit>of();
            }
            // nnc fmt's layout; a file with syntax errors stays as it is (its diagnostics say why)
            Formatter.Result r = Formatter.format(new SourceFile(doc.path,
                    doc.path.getFileName().toString(), text));
            if (!r.ok() || r.text().equals(text)) {
                return List.<TextEdit>of();
            }
            return List.of(new TextEdit(new Range(new Position(0, 0),
                    Positions.position(text, text.length())), r.text()));
        }, requests);
    }
}
