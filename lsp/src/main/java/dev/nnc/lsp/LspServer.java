package dev.nnc.lsp;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;

/**
 * Runs the language server on a pair of streams: {@code nnc lsp} passes standard input and
 * output, tests pass pipes. Returns when the client sends {@code exit} or closes the input.
 *
 * <pre>
 * int code = LspServer.run(System.in, System.out);   // 0 after shutdown and exit
 * </pre>
 */
public final class LspServer {
    /** The pause in typing after which a changed file is checked again. */
    public static final long DEBOUNCE_MILLIS = 200;

    private LspServer() {
    }

    /** Serves the client on standard input and output: what {@code nnc lsp} runs. */
    public static void main(String[] args) {
        System.exit(run(System.in, System.out));
    }

    /** Serves one client until it exits; the exit code LSP asks for (0 after shutdown). */
    public static int run(InputStream in, OutputStream out) {
        NnLanguageServer server = new NnLanguageServer(DEBOUNCE_MILLIS);
        Launcher<LanguageClient> launcher = LSPLauncher.createServerLauncher(server, in, out);
        server.connect(launcher.getRemoteProxy());
        Future<Void> listening = launcher.startListening();
        CompletableFuture<Object> ended = CompletableFuture.anyOf(server.exited(),
                CompletableFuture.runAsync(() -> {
                    try {
                        listening.get();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (ExecutionException e) {
                        // the input failed or closed: the client is gone
                    }
                }));
        try {
            Object code = ended.get();
            return code instanceof Integer i ? i : 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (ExecutionException e) {
            return 1;
        } finally {
            listening.cancel(true);
        }
    }
}
