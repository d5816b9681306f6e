package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JIT options the launcher gives the commands that run a model (its {@code case} on the
 * command, run by bash): this JVM accepts them, they name the runtime's kernel classes, and they
 * print nothing of their own, so a command's stdout stays its own.
 */
class LauncherJitTest {
    /** The launcher's jit options for {@code command}, one per element. */
    private static List<String> jit(String command) throws IOException, InterruptedException {
        String launcher = Files.readString(Path.of("..", "nnc"), StandardCharsets.UTF_8);
        int from = launcher.indexOf("vector=()\njit=()\ncase ");
        int to = launcher.indexOf("\nesac\n", from);
        assertTrue(from >= 0 && to > from, "the launcher's case on the command");
        String script = launcher.substring(from, to + 6)
                + "for o in ${jit[@]+\"${jit[@]}\"}; do printf '%s\\n' \"$o\"; done\n";
        Process p = new ProcessBuilder("bash", "-c", script, "nnc", command)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    /** Runs {@code nnc --version} in a JVM with {@code options}; returns stdout and stderr. */
    private static String[] version(List<String> options) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(options);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--version"));
        Process p = new ProcessBuilder(cmd).start();
        byte[] err = p.getErrorStream().readAllBytes();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return new String[] {out, new String(err, StandardCharsets.UTF_8)};
    }

    @Test
    void modelCommandsCompileTheKernelsSoonerAndPrintNothingOfIt() throws Exception {
        for (String command : List.of("train", "eval", "predict", "serve")) {
            List<String> jit = jit(command);
            assertTrue(jit.contains("-XX:CompileCommand=quiet"), command + ": " + jit);
            assertTrue(jit.stream().anyMatch(o -> o.startsWith(
                    "-XX:CompileCommand=CompileThresholdScaling,dev.nnc.runtime.kernels.*::*,")),
                    command + ": " + jit);
        }
        List<String> jit = jit("train");
        String plain = version(List.of())[0];
        String[] with = version(jit);
        assertEquals(plain, with[0], "stdout with the launcher's options");
        assertFalse(with[1].contains("CompileCommand"), with[1]);
        // NOTE: without "quiet" the JVM says what it understood: the kernels' package
        List<String> loud = new ArrayList<>(jit);
        loud.remove("-XX:CompileCommand=quiet");
        String said = version(loud)[0];
        assertTrue(said.contains("CompileThresholdScaling dev/nnc/runtime/kernels/*.*"), said);
    }

    @Test
    void commandsThatRunNoModelStopAtTheFirstTier() throws Exception {
        assertEquals(List.of("-XX:TieredStopAtLevel=1"), jit("check"));
    }
}
