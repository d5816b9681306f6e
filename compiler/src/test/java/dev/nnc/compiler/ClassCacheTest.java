package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.TypeSpec;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassCacheTest {
    private static final String SMALL = "model Cached {\n input [2]\n dense(3) -> sigmoid\n"
            + " dense(1)\n loss mse\n optimizer sgd(lr: 0.1)\n seed 3\n}\n";
    private static final String LARGE = SMALL.replace("dense(3)", "dense(5)");

    @TempDir
    Path tmp;

    private static Compilation compile(String source) {
        Compilation c = Models.compile(source);
        assertFalse(c.hasErrors(), c::renderDiagnostics);
        return c;
    }

    private static List<Path> entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void compilesOnceAndTrainsAsTheInMemoryClass() throws IOException {
        Path dir = tmp.resolve("cache");
        Compilation c = compile(SMALL);
        TrainableModel cached = new ClassCache(dir).load(c);
        List<Path> entries = entries(dir);
        assertEquals(1, entries.size(), "one entry, no temporary directory left: " + entries);
        assertTrue(Files.isRegularFile(entries.get(0).resolve("Cached.class")));

        TrainableModel again = new ClassCache(dir).load(c);
        assertEquals(entries, entries(dir));
        // the source given by a caller that has it already finds the same entry
        TrainableModel given = new ClassCache(dir).load(c, c.javaSource());
        assertEquals(entries, entries(dir));
        TrainableModel memory = InMemoryJavac.load(c);
        float[] x = {0.1f, -0.4f, 0.7f, 0.2f};
        float[] y = {0.3f, -0.2f};
        for (TrainableModel m : List.of(cached, again, given, memory)) {
            m.initParams(new Rng(5));
            m.trainStep(x, y, 2);
        }
        assertArrayEquals(memory.grads(), cached.grads());
        assertArrayEquals(memory.grads(), again.grads());
        assertArrayEquals(memory.grads(), given.grads());
    }

    @Test
    void loadsTheStoredBytecodeInsteadOfCompilingAgain() throws IOException {
        Path dir = tmp.resolve("cache");
        ClassCache cache = new ClassCache(dir);
        Compilation small = compile(SMALL);
        Compilation large = compile(LARGE);
        cache.load(small);
        Path smallEntry = cache.entry(small);
        assertEquals(13, cache.load(small).params().length);
        // The entry now holds the class of the other model (of the same name): what is loaded
        // comes from the entry.
        cache.load(large);
        Files.copy(cache.entry(large).resolve("Cached.class"), smallEntry.resolve("Cached.class"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(21, cache.load(small).params().length);
        assertNotEquals(cache.entry(small), cache.entry(large));
    }

    @Test
    void keepsTheEntriesUsedLastAndRemovesLeftoverTemporaryDirectories() throws IOException {
        Path dir = tmp.resolve("cache");
        ClassCache cache = new ClassCache(dir, 2);
        Compilation a = compile(SMALL);
        Compilation b = compile(LARGE);
        Compilation c = compile(SMALL.replace("dense(3)", "dense(7)"));
        cache.load(a);
        cache.load(b);
        long now = System.currentTimeMillis();
        Files.setLastModifiedTime(cache.entry(a), FileTime.fromMillis(now - 20_000));
        Files.setLastModifiedTime(cache.entry(b), FileTime.fromMillis(now - 10_000));
        Path killed = Files.createDirectory(dir.resolve("tmp-killed"));
        Files.setLastModifiedTime(killed, FileTime.fromMillis(now - 2 * 3600_000));
        Path running = Files.createDirectory(dir.resolve("tmp-running"));
        // a hit marks a used now: b is then the entry used least recently
        assertEquals(13, cache.load(a).params().length);
        assertTrue(Files.getLastModifiedTime(cache.entry(a)).toMillis() >= now);
        assertEquals(29, cache.load(c).params().length);
        assertEquals(List.of(cache.entry(a), cache.entry(c), running).stream().sorted().toList(),
                entries(dir));
        // b is compiled again when needed
        assertEquals(21, cache.load(b).params().length);
        assertTrue(Files.isDirectory(cache.entry(b)));
        assertEquals(3, entries(dir).size(), "two entries and the running run's directory");
    }

    private static Compilation compileFile(Path file) {
        Compilation c = NnCompiler.compile(file, NnCompiler.Options.defaults());
        assertFalse(c.hasErrors(), c::renderDiagnostics);
        return c;
    }

    private static List<Path> hints(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("hint-")).toList();
        }
    }

    @Test
    void guessesTheClassLoadedLastForTheFileAndLoadsItWhenTheSourceIsTheSame()
            throws IOException {
        Path dir = tmp.resolve("cache");
        Path file = Files.writeString(tmp.resolve("cached.nn"), SMALL);
        assertTrue(new ClassCache(dir).guess(file).isEmpty(), "no load of the file yet");
        new ClassCache(dir).load(compileFile(file));
        assertEquals(1, hints(dir).size());

        // another process: the guess, before compiling, is the class its load then answers
        ClassCache next = new ClassCache(dir);
        Class<? extends TrainableModel> guessed = next.guess(file).orElseThrow();
        assertEquals("Cached", guessed.getName());
        TrainableModel loaded = next.load(compileFile(file));
        assertEquals(guessed, loaded.getClass());
        assertEquals(13, loaded.params().length);
        // a cache without a guess defines a class of its own
        assertNotEquals(guessed, new ClassCache(dir).load(compileFile(file)).getClass());
    }

    @Test
    void aGuessIsNotLoadedForAnotherSourceOrOtherBytecode() throws Exception {
        Path dir = tmp.resolve("cache");
        Path file = Files.writeString(tmp.resolve("cached.nn"), SMALL);
        Compilation small = compileFile(file);
        new ClassCache(dir).load(small);
        long now = System.currentTimeMillis();

        // the file changed after the guess: its new source's entry is another
        ClassCache changed = new ClassCache(dir);
        Class<? extends TrainableModel> guessed = changed.guess(file).orElseThrow();
        Files.writeString(file, LARGE);
        Files.setLastModifiedTime(file, FileTime.fromMillis(now + 5000));
        Compilation large = compileFile(file);
        TrainableModel loaded = changed.load(large);
        assertNotEquals(guessed, loaded.getClass());
        assertEquals(21, loaded.params().length);
        // the guess follows the last load
        assertEquals(21, new ClassCache(dir).guess(file).orElseThrow().getDeclaredConstructor()
                .newInstance().params().length);

        // the entry's bytecode changed after the guess: what is loaded comes from the entry
        Files.writeString(file, SMALL);
        Files.setLastModifiedTime(file, FileTime.fromMillis(now + 10_000));
        new ClassCache(dir).load(small);
        ClassCache rewritten = new ClassCache(dir);
        guessed = rewritten.guess(file).orElseThrow();
        assertEquals(13, guessed.getDeclaredConstructor().newInstance().params().length);
        Files.copy(rewritten.entry(large).resolve("Cached.class"),
                rewritten.entry(small).resolve("Cached.class"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        loaded = rewritten.load(small);
        assertNotEquals(guessed, loaded.getClass());
        assertEquals(21, loaded.params().length);

        // a file that is not there has no guess
        Files.delete(file);
        assertTrue(new ClassCache(dir).guess(file).isEmpty());
    }

    @Test
    void keepsAsManyHintsAsEntries() throws IOException {
        Path dir = tmp.resolve("cache");
        ClassCache cache = new ClassCache(dir, 1);
        cache.load(compileFile(Files.writeString(tmp.resolve("a.nn"), SMALL)));
        Path b = Files.writeString(tmp.resolve("b.nn"), LARGE);
        Files.setLastModifiedTime(b, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        cache.load(compileFile(b));
        assertEquals(1, hints(dir).size(), "hints: " + hints(dir));
        assertTrue(new ClassCache(dir, 1).guess(b).isPresent(), "the hint noted last is kept");
    }

    @Test
    void aDamagedEntryIsCompiledAgain() throws IOException {
        Path dir = tmp.resolve("cache");
        ClassCache cache = new ClassCache(dir);
        Compilation c = compile(SMALL);
        cache.load(c);
        Path cls = cache.entry(c).resolve("Cached.class");
        byte[] good = Files.readAllBytes(cls);
        Files.write(cls, new byte[] {1, 2, 3});
        assertEquals(13, cache.load(c).params().length);
        assertArrayEquals(good, Files.readAllBytes(cls));
    }

    @Test
    void withoutAWritableDirectoryItCompilesInMemory() throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-directory"), "x");
        assertEquals(13, new ClassCache(file.resolve("cache")).load(compile(SMALL)).params()
                .length);
    }

    @Test
    void codeThatDoesNotCompileIsAnErrorNamingTheClass() throws IOException {
        Compilation broken = new Compilation(List.of(), null, JavaFile.builder("",
                TypeSpec.classBuilder("Cached").addSuperinterface(ClassName.get("",
                        "NoSuchInterface")).build()).build(), Set.of());
        InMemoryJavac.JavacException e = org.junit.jupiter.api.Assertions.assertThrows(
                InMemoryJavac.JavacException.class, () -> new ClassCache(tmp).load(broken));
        assertTrue(e.getMessage().contains("Cached") && e.getMessage().contains("NoSuchInterface"),
                e.getMessage());
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(0, s.count(), "nothing left behind");
        }
    }
}
