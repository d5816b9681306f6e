package dev.nnc.cli;

import com.palantir.javapoet.JavaFile;
import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.compiler.gen.StandaloneGenerator;
import dev.nnc.compiler.sema.Names;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.model.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.lang.model.SourceVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nnc compile}: write the generated Java source. */
@Command(name = "compile",
        header = "Generate the Java class of a model.",
        sortOptions = false,
        description = {
            "Generates the specialized Java class of each model and writes it under DIR (-o) in "
                    + "its package's directories; prints the path of each file written.",
            "The class compiles against the nnc runtime jar alone.",
            "With --standalone it writes instead the trained model's inference class: one "
                    + "source file with the weights embedded that needs nothing but the JDK, "
                    + "taking raw inputs like 'nnc predict' (predict(float[]), a batch "
                    + "variant, and predictClass for classifiers)."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  nnc compile model.nn -o src/main/java",
            "  nnc compile model.nn -o build/gen --package com.example.models",
            "  nnc compile model.nn --weights model.safetensors --standalone -o src/main/java"
        })
final class CompileCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Mixin
    private HelpOption help;

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "The .nn files to compile.")
    private List<Path> files;

    @Option(names = {"-o", "--output", "-d", "--dir"}, paramLabel = "DIR", defaultValue = ".",
            description = "The source root to write into (default: ${DEFAULT-VALUE}).")
    private Path dir;

    @Option(names = "--package", paramLabel = "PACKAGE",
            description = "The package of models whose file names none "
                    + "(default: the unnamed package).")
    private String pkg;

    @Option(names = "--standalone",
            description = "Write the trained model's JDK-only inference class, weights "
                    + "embedded, instead of the trainable class.")
    private boolean standalone;

    @Option(names = {"-w", "--weights"}, paramLabel = "W",
            description = "With --standalone: the weights (default: <file-stem>.safetensors in "
                    + "the current directory, where train saves them).")
    private Path weights;

    @Mixin
    private OutputOptions output;

    @Override
    public Integer call() {
        Io io = output.io(main.io());
        if (pkg != null && !SourceVersion.isName(pkg)) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option "
                    + "'--package': '" + pkg + "' is not a Java package name");
        }
        if (pkg != null && Names.reservedPackage(pkg) != null) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option "
                    + "'--package': '" + pkg + "' belongs to " + Names.reservedPackage(pkg));
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CliException(dir + ": not a directory");
        }
        if (weights != null && !standalone) {
            throw new ParameterException(spec.commandLine(), "--weights is only used with "
                    + "--standalone");
        }
        if (weights != null && files.size() > 1) {
            throw new ParameterException(spec.commandLine(), "--weights names the weights of "
                    + "one model, but " + files.size() + " files were given");
        }
        NnCompiler.Options options = NnCompiler.Options.defaults()
                .withDefaultPackage(pkg == null ? "" : pkg);
        int status = Main.OK;
        List<Object> written = new ArrayList<>();
        for (Path file : files) {
            Compilation c;
            try {
                c = Models.compileModel(io, file, options);
            } catch (CliException e) {
                if (!e.getMessage().isEmpty()) {
                    io.err().println("nnc: error: " + e.getMessage());
                }
                status = Main.ERROR;
                continue;
            }
            try {
                JavaFile out = standalone ? standalone(c, file) : c.javaFile();
                // NOTE: JavaPoet creates the package's directories, not DIR itself.
                Files.createDirectories(dir);
                Path path = out.writeToPath(dir);
                if (!output.json) {
                    io.out().println(path);
                }
                Map<String, Object> w = new LinkedHashMap<>();
                w.put("file", file.toString());
                w.put("class", out.packageName().isEmpty() ? out.typeSpec().name()
                        : out.packageName() + "." + out.typeSpec().name());
                w.put("output", path.toString());
                written.add(w);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (output.json) {
            output.print(io, () -> Map.of("written", written), () -> "");
        }
        return status;
    }

    /** The standalone class of the model of {@code c} with its trained weights. */
    private JavaFile standalone(Compilation c, Path file) {
        Model model = Models.loadModel(c);
        Preprocessing prep = Models.loadWeights(model, file, weights);
        Path w = weights != null ? weights : Models.defaultWeights(file);
        return StandaloneGenerator.generate(c.model(), model.params(), model.buffers(), prep,
                w.getFileName().toString());
    }
}
