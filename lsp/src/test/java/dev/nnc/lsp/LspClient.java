package dev.nnc.lsp;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;

/**
 * An LSP4J client connected by pipes to {@link LspServer#run}, the code {@code nnc lsp} runs:
 * every message crosses the same JSON-RPC transport as with an editor.
 */
final class LspClient implements LanguageClient {
    final LanguageServer server;
    /** For messages the typed API refuses to build, such as a hover without a position. */
    final org.eclipse.lsp4j.jsonrpc.RemoteEndpoint endpoint;
    private final Map<String, PublishDiagnosticsParams> diagnostics = new ConcurrentHashMap<>();
    private final Map<String, Integer> publishes = new ConcurrentHashMap<>();
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    private final PipedOutputStream toServer;
    private int version = 1;

    LspClient() throws Exception {
        PipedInputStream serverIn = new PipedInputStream(1 << 16);
        toServer = new PipedOutputStream(serverIn);
        PipedInputStream clientIn = new PipedInputStream(1 << 16);
        PipedOutputStream fromServer = new PipedOutputStream(clientIn);
        Thread t = new Thread(() -> exitCode.complete(LspServer.run(serverIn, fromServer)),
                "lsp-server-under-test");
        t.setDaemon(true);
        t.start();
        Launcher<LanguageServer> launcher = LSPLauncher.createClientLauncher(this, clientIn,
                toServer);
        launcher.startListening();
        server = launcher.getRemoteProxy();
        endpoint = launcher.getRemoteEndpoint();
        InitializeParams init = new InitializeParams();
        init.setCapabilities(new ClientCapabilities());
        server.initialize(init).get(10, TimeUnit.SECONDS);
        server.initialized(new InitializedParams());
    }

    static String uri(Path p) {
        return p.toAbsolutePath().normalize().toUri().toString();
    }

    void open(Path p, String text) {
        open(p, text, version++);
    }

    void open(Path p, String text, int atVersion) {
        diagnostics.remove(uri(p));
        server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(
                new TextDocumentItem(uri(p), "nn", atVersion, text)));
    }

    /** Sends the whole new text; returns its version. */
    int change(Path p, String text) {
        diagnostics.remove(uri(p));
        int v = version++;
        server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(
                new VersionedTextDocumentIdentifier(uri(p), v),
                List.of(new TextDocumentContentChangeEvent(text))));
        return v;
    }

    void close(Path p) {
        diagnostics.remove(uri(p));
        server.getTextDocumentService().didClose(new DidCloseTextDocumentParams(
                new TextDocumentIdentifier(uri(p))));
    }

    static TextDocumentIdentifier doc(Path p) {
        return new TextDocumentIdentifier(uri(p));
    }

    /** The next diagnostics published for {@code p} that satisfy {@code test}. */
    List<Diagnostic> diagnostics(Path p, Predicate<List<Diagnostic>> test) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            PublishDiagnosticsParams d = diagnostics.get(uri(p));
            if (d != null && test.test(d.getDiagnostics())) {
                return d.getDiagnostics();
            }
            Thread.sleep(20);
        }
        PublishDiagnosticsParams d = diagnostics.get(uri(p));
        throw new AssertionError("no such diagnostics for " + p + "; last: "
                + (d == null ? "none" : d.getDiagnostics()));
    }

    /** How many times diagnostics were published for {@code p}. */
    int publishes(Path p) {
        return publishes.getOrDefault(uri(p), 0);
    }

    /** The diagnostics published for {@code p} at {@code version}. */
    List<Diagnostic> diagnosticsOfVersion(Path p, int version) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            PublishDiagnosticsParams d = diagnostics.get(uri(p));
            if (d != null && d.getVersion() != null && d.getVersion() == version) {
                return d.getDiagnostics();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no diagnostics of version " + version + " for " + p);
    }

    /** The line and character of the first {@code needle} in {@code text}, plus {@code shift}. */
    static Position at(String text, String needle, int shift) {
        int i = text.indexOf(needle);
        if (i < 0) {
            throw new AssertionError("not in the text: " + needle);
        }
        i += shift;
        int line = 0;
        int start = 0;
        for (int k = 0; k < i; k++) {
            if (text.charAt(k) == '\n') {
                line++;
                start = k + 1;
            }
        }
        return new Position(line, i - start);
    }

    void stop() throws Exception {
        server.shutdown().get(10, TimeUnit.SECONDS);
        server.exit();
        if (exitCode.get(10, TimeUnit.SECONDS) != 0) {
            throw new AssertionError("the server did not exit with 0 after shutdown");
        }
        try {
            toServer.close();
        } catch (IOException e) {
            // already closed by the server's side
        }
    }

    @Override
    public void publishDiagnostics(PublishDiagnosticsParams d) {
        diagnostics.put(d.getUri(), d);
        publishes.merge(d.getUri(), 1, Integer::sum);
    }

    @Override
    public void telemetryEvent(Object object) {
    }

    @Override
    public void showMessage(MessageParams messageParams) {
    }

    @Override
    public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams p) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void logMessage(MessageParams message) {
    }
}
