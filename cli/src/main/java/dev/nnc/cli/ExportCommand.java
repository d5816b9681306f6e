package dev.nnc.cli;

import dev.nnc.compiler.gen.OnnxExporter;
import dev.nnc.compiler.onnx.OnnxExportException;
import dev.nnc.compiler.onnx.proto.Onnx.ModelProto;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code nnc export}: write trained weights as an ONNX model. */
@Command(name = "export",
        header = "Export a trained model as ONNX.",
        sortOptions = false,
        description = {
            "Writes the model with its trained weights as an ONNX model (opset "
                    + OnnxExporter.OPSET + ") for ONNX Runtime and other ONNX tools.",
            "The ONNX model takes the same raw input as 'nnc predict' and gives the same "
                    + "outputs: the feature normalization saved with the weights is written "
                    + "as operators before the layers, and for regression the label "
                    + "de-normalization after them. Input 'input' [N, ...input shape] and "
                    + "output 'output' [N, ...output shape], both float32, N the batch size. "
                    + "Classifiers output the class probabilities; the class labels are in the "
                    + "model's metadata (key nnc.classes).",
            "A model with a layer kind that has no ONNX mapping is an error naming the layer."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  nnc export model.nn -o model.onnx",
            "  nnc export model.nn -w runs/model.safetensors -o build/model.onnx"
        })
final class ExportCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Mixin
    private HelpOption help;

    @Mixin
    private TrainedModelArgs args;

    @Option(names = {"-o", "--output", "--onnx"}, paramLabel = "FILE", required = true,
            description = "The ONNX file to write.")
    private Path onnx;

    @Mixin
    private OutputOptions output;

    @Override
    public Integer call() {
        Io io = output.io(main.io());
        TrainedModelArgs.Loaded loaded = args.load(io);
        ModelProto model;
        try {
            model = OnnxExporter.export(loaded.compilation().model(), loaded.model().params(),
                    loaded.model().buffers(), loaded.preprocessing(), Main.Version.version());
        } catch (OnnxExportException e) {
            throw new CliException(e.getMessage());
        }
        Path parent = onnx.toAbsolutePath().getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream out = Files.newOutputStream(onnx)) {
                model.writeTo(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", loaded.model().name());
        json.put("output", onnx.toString());
        json.put("nodes", model.getGraph().getNodeCount());
        json.put("opset", OnnxExporter.OPSET);
        output.print(io, () -> json, () -> onnx + "\n");
        if (!io.quiet()) {
            io.err().println("exported model " + loaded.model().name() + " ("
                    + model.getGraph().getNodeCount() + " nodes, opset " + OnnxExporter.OPSET
                    + ") to " + onnx);
        }
        return Main.OK;
    }
}
