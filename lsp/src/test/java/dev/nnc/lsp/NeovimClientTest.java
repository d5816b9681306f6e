package dev.nnc.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.compiler.ir.LayerIR;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Neovim as the client: headless, scripted in Lua (src/test/resources/nvim/check.lua), started
 * through the lines a user adds (editors/nvim/nnc.lua). It opens an example with a typo,
 * receives NN0201 on the typo's line, and after the typo is fixed in the buffer gets the hover of
 * a layer with its output shape. Skipped where no {@code nvim} is on the PATH (CI installs it).
 */
class NeovimClientTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    static Path nvim() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d, "nvim");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    @Test
    void neovimShowsTheDiagnosticOfATypoAndTheShapeOfALayer() throws Exception {
        Path nvim = nvim();
        Assumptions.assumeTrue(nvim != null, "nvim is not installed: the Neovim client test "
                + "is skipped (apt-get install neovim runs it)");
        Path example = ROOT.resolve("examples/05-nonlinear-classification");
        String good = Files.readString(example.resolve("xor.nn"));
        Files.copy(example.resolve("xor.csv"), dir.resolve("xor.csv"));
        String typo = good.replace("    dense(2) -> sigmoid", "    desne(2) -> sigmoid");
        Path file = dir.resolve("xor.nn");
        Files.writeString(file, typo);
        int typoLine = LspClient.at(typo, "desne", 0).getLine() + 1;
        int hoverLine = LspClient.at(typo, "dense(1)", 0).getLine() + 1;

        Compilation c = NnCompiler.compile(new dev.nnc.compiler.diag.SourceFile(file, "xor.nn",
                good), NnCompiler.Options.defaults());
        assertFalse(c.hasErrors(), c.renderDiagnostics());
        LayerIR second = c.model().layers().stream()
                .filter(l -> l.span().line() == hoverLine).findFirst().orElseThrow();

        Path out = dir.resolve("out.json");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = "[\"" + java + "\", \"-cp\", \"" + System.getProperty("java.class.path")
                + "\", \"" + LspServer.class.getName() + "\"]";
        ProcessBuilder pb = new ProcessBuilder(nvim.toString(), "--headless", "--clean",
                "-c", "luafile " + Path.of("src/test/resources/nvim/check.lua").toAbsolutePath());
        Map<String, String> env = pb.environment();
        env.put("NNC_NVIM_PLUGIN", ROOT.resolve("editors/nvim/nnc.lua").toString());
        env.put("NNC_LSP_CMD", cmd);
        env.put("NNC_NVIM_FILE", file.toString());
        env.put("NNC_NVIM_OUT", out.toString());
        env.put("NNC_NVIM_HOVER_LINE", String.valueOf(hoverLine));
        env.put("NNC_NVIM_HOVER_COL", "6");
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("nvim.log").toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Neovim did not finish: " + Files.readString(
                    dir.resolve("nvim.log")));
        }
        assertTrue(Files.exists(out), "no output; Neovim said: "
                + Files.readString(dir.resolve("nvim.log")));
        JsonObject o = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        assertFalse(o.has("error"), o.toString());
        assertEquals("nn", o.get("filetype").getAsString());
        JsonArray diags = o.getAsJsonArray("diagnostics");
        assertEquals(1, diags.size(), o.toString());
        JsonObject d = diags.get(0).getAsJsonObject();
        assertEquals("NN0201", d.get("code").getAsString(), o.toString());
        assertEquals(typoLine, d.get("line").getAsInt());
        assertEquals(5, d.get("col").getAsInt());
        assertTrue(o.get("cleared").getAsBoolean(), o.toString());
        String hover = o.get("hover").getAsString();
        assertTrue(hover.contains("output `" + second.out() + "`"), hover);
        assertTrue(hover.contains(String.format("%,d params", second.paramCount())), hover);
        assertTrue(List.of(hover.split("\n")).size() > 1);
    }
}
