package dev.nnc.cli;

import dev.nnc.compiler.Compilation;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.model.Model;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The arguments every command on trained weights takes, {@code FILE [-w W]}, and what they lead
 * to: the compiled model with its weights and saved preprocessing loaded.
 */
final class TrainedModelArgs {
    @Parameters(paramLabel = "FILE", description = "The .nn file.")
    Path file;

    @Option(names = {"-w", "--weights"}, paramLabel = "W",
            description = "The weights (default: <file-stem>.safetensors in the current "
                    + "directory, where train saves them).")
    Path weights;

    /** A model compiled from FILE with the weights W loaded into it. */
    record Loaded(Compilation compilation, Model model, Preprocessing preprocessing) {
    }

    Loaded load(Io io) {
        Compilation c = Models.compileModel(io, file);
        Model model = Models.loadModel(c);
        Preprocessing prep = Models.loadWeights(model, file, weights);
        return new Loaded(c, model, prep);
    }
}
