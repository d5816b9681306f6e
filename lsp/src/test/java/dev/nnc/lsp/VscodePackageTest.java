package dev.nnc.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The VS Code package of editors/vscode: its TextMate grammar passes the grammar tests and scopes
 * every token of every example ({@code npm test}), and it builds into a .vsix with {@code vsce
 * package}. Needs npm and the packages of package-lock.json ({@code npm ci} in editors/vscode,
 * which CI runs); skipped with a message where either is missing. The test itself installs
 * nothing.
 */
class VscodePackageTest {
    private static final Path VSCODE = Path.of("..", "editors", "vscode").toAbsolutePath()
            .normalize();

    @BeforeEach
    void needsNpm() {
        Assumptions.assumeTrue(onPath("npm"), "npm is not installed: the VS Code package "
                + "tests are skipped");
        Assumptions.assumeTrue(Files.isDirectory(VSCODE.resolve("node_modules")),
                "editors/vscode/node_modules is missing: run 'npm ci' in editors/vscode (CI does) "
                        + "for the VS Code package tests");
    }

    private static boolean onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, name))) {
                return true;
            }
        }
        return false;
    }

    private static String run(Path log, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(VSCODE.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    @Test
    void theGrammarScopesTheExamples() throws Exception {
        Path log = Files.createTempFile("nnc-npm-test", ".log");
        String out = run(log, "npm", "test", "--silent");
        assertTrue(out.contains("every token scoped"), out);
        Files.delete(log);
    }

    @Test
    void thePackageBuildsIntoAVsix() throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        Path vsix = target.resolve("nnc-nn.vsix");
        Files.deleteIfExists(vsix);
        Path log = Files.createTempFile("nnc-vsce", ".log");
        run(log, "npx", "--no-install", "vsce", "package", "--allow-missing-repository",
                "--skip-license", "--out", vsix.toString());
        Files.delete(log);
        try (ZipFile z = new ZipFile(vsix.toFile())) {
            for (String entry : List.of("extension/package.json", "extension/extension.js",
                    "extension/syntaxes/nn.tmLanguage.json",
                    "extension/language-configuration.json",
                    "extension/node_modules/vscode-languageclient/package.json")) {
                assertTrue(z.getEntry(entry) != null, entry + " missing from the .vsix");
            }
        }
    }
}
