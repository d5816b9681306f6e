package dev.nnc.lsp;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The open documents and their analyses. An edit schedules a new analysis after a pause in
 * typing (the debounce); a request needs the analysis of the current text and starts it at once
 * when none is under way. Analyses run one at a time on their own thread, so a slow one never
 * blocks the reading of messages; an analysis of a text that was edited again meanwhile is not
 * published.
 */
final class Workspace {
    /** Texts above this size are not analyzed: no .nn file is near it, and parsing is linear. */
    static final int MAX_CHARS = 1 << 18;

    /** One open document. Its fields change under its lock. */
    static final class Doc {
        final String uri;
        final Path path;
        String text;
        int version;
        Analysis last;
        /** The last analysis that could parse the file, for names while it is half-written. */
        Analysis lastParsed;
        CompletableFuture<Analysis> running;
        int runningVersion = -1;
        ScheduledFuture<?> pending;

        Doc(String uri, Path path) {
            this.uri = uri;
            this.path = path;
        }
    }

    private final Map<String, Doc> docs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            daemon("nnc-lsp-debounce"));
    private final ExecutorService analyzer = Executors.newSingleThreadExecutor(
            daemon("nnc-lsp-analysis"));
    private final long debounceMillis;
    private final Consumer<Analysis> published;

    /** @param published called with each analysis of a document's current text */
    Workspace(long debounceMillis, Consumer<Analysis> published) {
        this.debounceMillis = debounceMillis;
        this.published = published;
    }

    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** The path of a {@code file:} URI, absolute and normalized; another scheme: a made-up one. */
    static Path pathOf(String uri) {
        try {
            URI u = URI.create(uri);
            if ("file".equals(u.getScheme())) {
                return Path.of(u).toAbsolutePath().normalize();
            }
        } catch (RuntimeException e) {
            // fall through: an editor's scratch buffer, named by the path below
        }
        String name = uri.replaceAll("[^A-Za-z0-9._-]", "_");
        return Path.of("").toAbsolutePath().resolve(name.isEmpty() ? "untitled.nn" : name)
                .normalize();
    }

    static String uriOf(Path path) {
        return path.toUri().toString();
    }

    void open(String uri, String text, int version) {
        Doc d = docs.computeIfAbsent(uri, u -> new Doc(u, pathOf(u)));
        synchronized (d) {
            d.text = text;
            d.version = version;
        }
        analyze(d);
        dependentsChanged(d);
    }

    void change(String uri, int version, java.util.function.UnaryOperator<String> edit) {
        Doc d = docs.get(uri);
        if (d == null) {
            return;
        }
        synchronized (d) {
            d.text = edit.apply(d.text);
            d.version = version;
        }
        schedule(d);
        dependentsChanged(d);
    }

    void close(String uri) {
        Doc d = docs.remove(uri);
        if (d != null) {
            synchronized (d) {
                if (d.pending != null) {
                    d.pending.cancel(false);
                }
            }
            dependentsChanged(d);
        }
    }

    Doc doc(String uri) {
        return docs.get(uri);
    }

    /** The last analyses of every open document (for references across files). */
    List<Analysis> analyses() {
        List<Analysis> out = new ArrayList<>();
        for (Doc d : docs.values()) {
            synchronized (d) {
                if (d.last != null) {
                    out.add(d.last);
                }
            }
        }
        return out;
    }

    /** The unsaved text of an open file, or {@code null}. */
    String overlay(Path path) {
        for (Doc d : docs.values()) {
            if (d.path.equals(path)) {
                synchronized (d) {
                    return d.text;
                }
            }
        }
        return null;
    }

    /** The analysis of the document's current text, started now unless one is under way. */
    CompletableFuture<Analysis> analyze(Doc d) {
        synchronized (d) {
            if (d.pending != null) {
                d.pending.cancel(false);
                d.pending = null;
            }
            if (d.last != null && d.last.version == d.version && d.last.text.equals(d.text)) {
                return CompletableFuture.completedFuture(d.last);
            }
            if (d.running != null && d.runningVersion == d.version) {
                return d.running;
            }
            String text = d.text;
            int version = d.version;
            d.runningVersion = version;
            d.running = CompletableFuture.supplyAsync(() -> {
                synchronized (d) {
                    if (d.version != version) {
                        return null;
                    }
                }
                return text.length() > MAX_CHARS ? Analysis.tooLarge(d.path, version, text)
                        : Analysis.run(d.path, version, text, this::overlay);
            }, analyzer);
            CompletableFuture<Analysis> mine = d.running;
            return mine.thenApply(a -> {
                if (a == null) {
                    return null;
                }
                boolean current;
                synchronized (d) {
                    current = d.version == a.version;
                    if (current) {
                        d.last = a;
                        if (a.main() != null) {
                            d.lastParsed = a;
                        }
                    }
                }
                if (current && docs.get(d.uri) == d) {
                    published.accept(a);
                }
                return a;
            });
        }
    }

    private void schedule(Doc d) {
        synchronized (d) {
            if (d.pending != null) {
                d.pending.cancel(false);
            }
            d.pending = timer.schedule(() -> {
                analyze(d);
            }, debounceMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Files that import {@code changed} see its new text: analyze them again, debounced. */
    private void dependentsChanged(Doc changed) {
        for (Doc d : docs.values()) {
            if (d == changed) {
                continue;
            }
            boolean imports;
            synchronized (d) {
                imports = d.last != null && d.last.files.containsKey(changed.path);
                if (imports) {
                    d.last = null;
                    d.runningVersion = -1;
                }
            }
            if (imports) {
                schedule(d);
            }
        }
    }

    void shutdown() {
        timer.shutdownNow();
        analyzer.shutdownNow();
    }
}
