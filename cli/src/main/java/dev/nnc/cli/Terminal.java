package dev.nnc.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the progress display needs to know of the terminal. */
final class Terminal {
    private Terminal() {
    }

    /**
     * The environment for the progress display: {@code io}'s, with {@code COLUMNS} read from the
     * terminal ({@code stty size}) when the shell does not export it and stderr is a terminal.
     * Shells set {@code COLUMNS} for themselves but rarely export it, so without this a narrow
     * terminal would get an 80-column line that wraps instead of being redrawn.
     */
    static Map<String, String> env(Io io) {
        Map<String, String> env = io.env();
        String c = env.get("COLUMNS");
        if (c != null && !c.isBlank() || !io.console() || System.console() == null) {
            return env;
        }
        Integer cols = sttyColumns();
        if (cols == null) {
            return env;
        }
        Map<String, String> e = new HashMap<>(env);
        e.put("COLUMNS", Integer.toString(cols));
        return e;
    }

    /** The columns of the controlling terminal, or {@code null} when they cannot be read. */
    static Integer sttyColumns() {
        File tty = new File("/dev/tty");
        if (!tty.exists()) {
            return null;
        }
        try {
            Process p = new ProcessBuilder("stty", "size").redirectInput(tty)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .strip();
            if (!p.waitFor(2, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                return null;
            }
            String[] rc = out.split("\\s+");
            int cols = rc.length == 2 ? Integer.parseInt(rc[1]) : 0;
            return cols > 0 ? cols : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
