package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data archive (its {@code class_archive} function, run by bash with a
 * stand-in for java that logs its calls): written once, by a run that lists the classes and a
 * dump of them, renamed into place only when the JVMs succeeded, written again when the jar is
 * newer, and a failed attempt neither fails the command nor is repeated for the same jar.
 */
class LauncherArchiveTest {
    @TempDir
    Path dir;

    /**
     * A java that logs each call; with DumpLoadedClassList=F it writes the class list F (or fails
     * if told), with -Xshare:dump and SharedArchiveFile=F the archive F.
     */
    private Path fakeJava(boolean fail) throws IOException {
        Path java = dir.resolve(fail ? "java-failing" : "java");
        Files.writeString(java, "#!/usr/bin/env bash\n"
                + "echo call >>'" + dir.resolve("calls-" + fail) + "'\n"
                + "dump=0; for a in \"$@\"; do [[ $a == -Xshare:dump ]] && dump=1; done\n"
                + "for a in \"$@\"; do case \"$a\" in\n"
                + (fail ? "  -XX:DumpLoadedClassList=*) exit 1 ;;\n"
                        : "  -XX:DumpLoadedClassList=*) printf 'list' >\"${a#*=}\"; exit 0 ;;\n")
                + "  -XX:SharedArchiveFile=*) ((dump)) && printf 'archive' >\"${a#*=}\";"
                + " exit 0 ;;\n"
                + "esac; done\n", StandardCharsets.UTF_8);
        assertTrue(java.toFile().setExecutable(true));
        return java;
    }

    /** Runs the launcher's class_archive with {@code java}; returns the cds options it set. */
    private String run(Path java, Path jar) throws IOException, InterruptedException {
        String launcher = Files.readString(Path.of("..", "nnc"), StandardCharsets.UTF_8);
        int from = launcher.indexOf("cds=()\nclass_archive() {");
        int to = launcher.indexOf("\nif [[ \"${NNC_CDS:-on}\" != \"off\" ]]", from);
        assertTrue(from >= 0 && to > from, "the launcher's class_archive");
        String script = "set -euo pipefail\njava='" + java + "'\njar='" + jar + "'\n"
                + launcher.substring(from, to) + "\nclass_archive\necho \"${cds[*]:-}\"\n";
        Process p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private long calls(boolean fail) throws IOException {
        Path log = dir.resolve("calls-" + fail);
        return Files.exists(log) ? Files.readAllLines(log).size() : 0;
    }

    private Path jar(String name) throws IOException {
        Path target = Files.createDirectories(dir.resolve(name));
        Path jar = target.resolve("nnc.jar");
        Files.writeString(jar, "jar");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        return jar;
    }

    @Test
    void writesTheArchiveOnceAndAgainForANewerJar() throws Exception {
        Path jar = jar("ok");
        Path java = fakeJava(false);
        String first = run(java, jar);
        assertTrue(first.startsWith("-XX:SharedArchiveFile=" + jar.getParent() + "/nnc-"), first);
        Path archive = Path.of(first.split(" ")[0].substring("-XX:SharedArchiveFile=".length()));
        assertEquals("archive", Files.readString(archive));
        try (var files = Files.list(jar.getParent())) {
            assertEquals(List.of(archive.getFileName().toString(), "nnc.jar"),
                    files.map(f -> f.getFileName().toString()).sorted().toList(),
                    "no temporary file left");
        }
        assertEquals(2, calls(false), "the workload listing its classes, the dump");
        assertEquals(first, run(java, jar));
        assertEquals(2, calls(false), "an archive newer than the jar is used as it is");
        // the jar rebuilt after the archive was written
        Files.setLastModifiedTime(archive, FileTime.fromMillis(System.currentTimeMillis()
                - 120_000));
        assertEquals(first, run(java, jar));
        assertEquals(4, calls(false), "a jar newer than the archive: written again");
        assertFalse(Files.getLastModifiedTime(archive).toMillis()
                < Files.getLastModifiedTime(jar).toMillis());
    }

    @Test
    void aFailedAttemptRunsWithoutTheArchiveAndIsNotRepeated() throws Exception {
        Path jar = jar("failing");
        Path java = fakeJava(true);
        assertEquals("", run(java, jar));
        assertEquals("", run(java, jar));
        assertEquals(1, calls(true));
        try (var files = Files.list(jar.getParent())) {
            assertFalse(files.anyMatch(f -> f.toString().endsWith(".jsa")
                    || f.toString().endsWith(".tmp")), "no archive, no temporary file");
        }
        try (var files = Files.list(jar.getParent())) {
            for (Path f : files.filter(f -> f.toString().endsWith(".failed")).toList()) {
                Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis()
                        - 120_000));
            }
        }
        assertEquals("", run(java, jar));
        assertEquals(2, calls(true), "tried again for a jar built after the attempt");
    }
}
