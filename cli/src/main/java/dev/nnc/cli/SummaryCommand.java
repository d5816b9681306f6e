package dev.nnc.cli;

import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.ir.LayerIR;
import dev.nnc.compiler.ir.ModelIR;
import dev.nnc.compiler.ops.Shape;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.Schedule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
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

    @Mixin
    private OutputOptions output;

    @Override
    public Integer call() {
        Io io = output.io(main.io());
        Compilation c = Models.compileModel(io, file);
        output.print(io, () -> toJson(c.model(), c.className()),
                () -> render(c.model(), c.className()));
        return Main.OK;
    }

    /** What {@link #render} shows, as a JSON object: shapes as lists of sizes. */
    static Map<String, Object> toJson(ModelIR m, String className) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", m.name());
        o.put("class", className);
        o.put("file", m.source().displayName());
        o.put("input", dims(m.input()));
        o.put("output", dims(m.output()));
        List<Object> layers = new ArrayList<>();
        for (LayerIR l : m.layers()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", l.name());
            r.put("kind", kind(l));
            r.put("output", dims(l.out()));
            r.put("params", l.paramCount());
            r.put("flops", l.flops());
            layers.add(r);
        }
        o.put("layers", layers);
        o.put("params", m.paramCount());
        o.put("flops", m.flops());
        ModelSpec s = m.spec();
        o.put("loss", s.loss().id());
        Map<String, Object> opt = new LinkedHashMap<>();
        opt.put("name", s.optimizer().name());
        opt.putAll(new TreeMap<>(s.optimizer().args()));
        o.put("optimizer", opt);
        o.put("seed", s.seed());
        if (s.ensemble() != null) {
            o.put("ensemble", Map.of("members", s.ensemble().members(), "vary",
                    s.ensemble().vary().id(), "vote", s.ensemble().vote().id()));
        }
        return o;
    }

    private static List<Integer> dims(Shape shape) {
        List<Integer> d = new ArrayList<>();
        for (int n : shape.dims()) {
            d.add(n);
        }
        return d;
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
        if (!d.augment().isNone()) {
            k.row("augment", d.augment().describe() + ", training batches only");
        }
        String prep = Preprocessing.describe(s, m.input().size(), m.output().size());
        if (!prep.equals("none")) {
            k.row("preprocessing", prep);
        }
        ModelSpec.EnsembleSpec e = s.ensemble();
        if (e != null) {
            k.row("ensemble", e.members() + " members (" + Fmt.count((long) e.members()
                    * m.paramCount()) + " parameters in all), " + e.vary().id() + ", "
                    + e.vote().id() + " vote");
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
            parts.add("validation " + Fmt.literal(t.validation())
                    + (t.stratify() ? " stratified" : ""));
        }
        if (t.classWeights() != null) {
            parts.add("class weights " + (t.classWeights().isBalanced() ? "balanced"
                    : t.classWeights().weights().stream().map(Fmt::literal).toList()));
        }
        if (t.stop() != null) {
            parts.add("stop when " + t.stop());
        }
        if (t.schedule() != null) {
            parts.add("schedule " + schedule(t.schedule()));
        }
        if (t.clipValue() > 0) {
            parts.add("clip_value " + Fmt.literal(t.clipValue()));
        }
        if (t.clipNorm() > 0) {
            parts.add("clip_norm " + Fmt.literal(t.clipNorm()));
        }
        if (t.earlyStopping() != null) {
            Schedule.EarlyStopping e = t.earlyStopping();
            parts.add("early_stopping monitor(" + e.metric() + ", patience: " + e.patience()
                    + ", restore_best: " + e.restoreBest()
                    + (e.minDelta() > 0 ? ", min_delta: " + Fmt.literal(e.minDelta()) : "")
                    + ")");
        }
        return String.join(", ", parts);
    }

    /** A schedule as the train block writes it: {@code multistep(at: [30, 50], gamma: 0.1)}. */
    static String schedule(Schedule s) {
        if (s instanceof Schedule.Step st) {
            return "step(every: " + st.every() + ", gamma: " + Fmt.literal(st.gamma()) + ")";
        }
        if (s instanceof Schedule.MultiStep ms) {
            return "multistep(at: " + java.util.Arrays.toString(ms.at()) + ", gamma: "
                    + Fmt.literal(ms.gamma()) + ")";
        }
        if (s instanceof Schedule.Exponential ex) {
            return "exponential(gamma: " + Fmt.literal(ex.gamma()) + ")";
        }
        if (s instanceof Schedule.Inverse in) {
            return "inverse(gamma: " + Fmt.literal(in.gamma()) + ", power: "
                    + Fmt.literal(in.power()) + ")";
        }
        if (s instanceof Schedule.Polynomial po) {
            return "polynomial(power: " + Fmt.literal(po.power()) + ", epochs: " + po.epochs()
                    + ", min: " + Fmt.literal(po.min()) + ")";
        }
        if (s instanceof Schedule.Cosine co) {
            return "cosine(epochs: " + co.epochs() + ", min: " + Fmt.literal(co.min()) + ")";
        }
        if (s instanceof Schedule.Plateau pl) {
            return "plateau(metric: " + pl.metric() + ", factor: " + Fmt.literal(pl.factor())
                    + ", patience: " + pl.patience() + ", min: " + Fmt.literal(pl.min()) + ")";
        }
        return s.toString();
    }

    private static String source(DataSource src) {
        if (src instanceof DataSource.Windows w) {
            return src.format() + " " + src.path() + " (" + w.window().describe() + ")";
        }
        if (!(src instanceof DataSource.Csv c)) {
            return src.format() + " " + src.path();
        }
        String label = c.labelLast() ? "last column" : String.join(", ", c.labels());
        return src.format() + " " + src.path() + " (label: " + label
                + (c.features().isEmpty() ? "" : "; features: " + String.join(", ", c.features()))
                + (c.ignore().isEmpty() ? "" : "; ignore: " + String.join(", ", c.ignore()))
                + ")";
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
