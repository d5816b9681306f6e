package dev.nnc.cli;

import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.ir.LayerIR;
import dev.nnc.compiler.ir.ModelIR;
import dev.nnc.runtime.ModelSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code nnc summary}: the layer table of a model. */
@Command(name = "summary",
        header = "Print a model's layers, shapes, parameters and FLOPs.",
        sortOptions = false,
        description = {
            "Prints a model's layers with their output shapes, parameter counts and forward "
                    + "FLOPs per sample (a multiply-add counts 2), the totals, and the model's "
                    + "input, loss, optimizer, training settings and data."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  nnc summary examples/05-nonlinear-classification/xor.nn"
        })
final class SummaryCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Mixin
    private HelpOption help;

    @Parameters(paramLabel = "FILE", description = "The .nn file.")
    private Path file;

    @Override
    public Integer call() {
        Io io = main.io();
        Compilation c = Models.compileModel(io, file);
        io.out().print(render(c.model(), c.className()));
        return Main.OK;
    }

    static String render(ModelIR m, String className) {
        StringBuilder sb = new StringBuilder();
        sb.append("model ").append(m.name()).append("  (class ").append(className)
                .append(", ").append(m.source().displayName()).append(")\n");
        sb.append("input ").append(m.input()).append('\n').append('\n');

        Table t = new Table(List.of("#", "layer", "kind", "output", "params", "FLOPs"), 0, 4, 5);
        for (LayerIR l : m.layers()) {
            t.row(l.index() + 1, l.name(), kind(l), l.out(), Fmt.count(l.paramCount()),
                    Fmt.count(l.flops()));
        }
        t.rule();
        t.row("", "total", "", m.output(), Fmt.count(m.paramCount()), Fmt.count(m.flops()));
        sb.append(t).append('\n');

        ModelSpec s = m.spec();
        Table k = new Table(List.of("", ""));
        k.row("parameters", Fmt.count(m.paramCount()) + " (" + bytes(4L * m.paramCount())
                + " as float32)");
        k.row("FLOPs/sample", Fmt.count(m.flops()) + " forward");
        k.row("loss", s.loss().id());
        k.row("optimizer", Fmt.call(s.optimizer().name(), s.optimizer().args()));
        k.row("seed", s.seed());
        k.row("train", train(s.train()));
        ModelSpec.DataSpec d = s.data();
        if (d.train() != null) {
            k.row("data", "train " + source(d.train()));
        }
        if (d.test() != null) {
            k.row(d.train() != null ? "" : "data", "test  " + source(d.test()));
        }
        if (d.features() != ModelSpec.Normalization.NONE
                || d.labels() != ModelSpec.Normalization.NONE) {
            k.row("normalize", "features " + lower(d.features()) + ", labels "
                    + lower(d.labels()));
        }
        sb.append(k);
        return sb.toString();
    }

    private static String kind(LayerIR l) {
        return l.kind().name();
    }

    private static String train(ModelSpec.TrainSpec t) {
        List<String> parts = new ArrayList<>();
        parts.add(t.epochs() + (t.epochs() == 1 ? " epoch" : " epochs"));
        parts.add(t.batch() == 0 ? "full batch" : "batch " + t.batch());
        parts.add(t.shuffle() ? "shuffled" : "not shuffled");
        if (t.validation() > 0) {
            parts.add("validation " + Fmt.literal(t.validation()));
        }
        if (t.stop() != null) {
            parts.add("stop when " + t.stop());
        }
        return String.join(", ", parts);
    }

    private static String source(ModelSpec.DataSource src) {
        if (src.window() != null) {
            return src.format() + " " + src.path() + " (" + src.window().describe() + ")";
        }
        String label = src.labelLast() ? "last column"
                : String.join(", ", src.labels());
        return src.format() + " " + src.path() + " (label: " + label + ")";
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String bytes(long b) {
        if (b >= 1L << 20) {
            return String.format(java.util.Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
        }
        if (b >= 1L << 10) {
            return String.format(java.util.Locale.ROOT, "%.1f KiB", b / (double) (1L << 10));
        }
        return b + " B";
    }
}
