package dev.nnc.cli;

import dev.nnc.cli.report.Diagram;
import dev.nnc.compiler.Compilation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nnc graph}: the model diagram as SVG, DOT or PNG. */
@Command(name = "graph",
        header = "Draw a model's diagram as SVG, Graphviz DOT or PNG.",
        sortOptions = false,
        description = {
            "Draws the model top to bottom: its input, one box per layer (name, kind, output "
                    + "shape, parameters, FLOPs) with the shape of one sample on each arrow, and "
                    + "its loss. The format follows the extension of --output (.svg, .dot or .gv, "
                    + ".png) unless --format says otherwise; without --output the SVG or DOT text "
                    + "goes to stdout."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  nnc graph model.nn -o model.svg",
            "  nnc graph model.nn -o model.dot && dot -Tpng model.dot > model.png",
            "  nnc graph model.nn --format dot"
        })
final class GraphCommand implements Callable<Integer> {
    /** The formats of the diagram. */
    enum Format { svg, dot, png }

    @ParentCommand
    private Main main;

    @Mixin
    private HelpOption help;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The .nn file.")
    private Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Where to write the diagram (default: stdout).")
    private Path out;

    /** {@code --out}, the former name of {@code --output}, still taken. */
    @Option(names = "--out", paramLabel = "FILE", hidden = true)
    private void outAlias(Path p) {
        out = p;
    }

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "svg, dot or png (default: from the extension of --output, svg on stdout; another extension needs --format).")
    private Format format;

    @Mixin
    private OutputOptions output;

    /** {@code --json}: what was written, or the diagram itself when it went to stdout. */
    private final Map<String, Object> json = new LinkedHashMap<>();

    @Override
    public Integer call() {
        Io io = output.io(main.io());
        Format f = format != null ? format : fromName(out);
        if (f == null) {
            throw new ParameterException(spec.commandLine(), "cannot tell the format of " + out
                    + " from its extension (.svg, .dot, .gv or .png); name one with --format");
        }
        if (f == Format.png && out == null) {
            throw new ParameterException(spec.commandLine(),
                    "a PNG diagram needs --output FILE");
        }
        Compilation c = Models.compileModel(io, file);
        Diagram d = Diagram.of(c.model());
        json.put("model", c.model().name());
        json.put("format", f.name());
        try {
            if (out != null) {
                Path parent = out.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
            }
            switch (f) {
                case png -> {
                    if (System.getProperty("java.awt.headless") == null) {
                        System.setProperty("java.awt.headless", "true");
                    }
                    ImageIO.write(d.toImage(2), "png", out.toFile());
                }
                case dot -> write(io, d.toDot());
                default -> write(io, d.toSvg());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (out != null) {
            json.put("output", out.toString());
            output.print(io, () -> json, () -> out + "\n");
        } else if (output.json) {
            output.print(io, () -> json, () -> "");
        }
        return Main.OK;
    }

    private void write(Io io, String text) throws IOException {
        if (out == null && output.json) {
            json.put("diagram", text);
        } else if (out == null) {
            io.out().print(text);
        } else {
            Files.writeString(out, text, StandardCharsets.UTF_8);
        }
    }

    /** The format named by the extension of {@code p}; svg without a file; null when unknown. */
    private static Format fromName(Path p) {
        if (p == null) {
            return Format.svg;
        }
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".dot") || n.endsWith(".gv")) {
            return Format.dot;
        }
        if (n.endsWith(".png")) {
            return Format.png;
        }
        return n.endsWith(".svg") ? Format.svg : null;
    }
}
