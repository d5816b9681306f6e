package dev.nnc.cli;

import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.NnCompiler;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code nnc check}: parse and check files, report every problem. */
@Command(name = "check",
        header = "Check .nn files and report every problem.",
        sortOptions = false,
        description = {
            "Checks .nn files: syntax, names, shapes, settings and the headers of the data files "
                    + "they name. Reports every problem it finds, GNU-style "
                    + "(file:line:col: error[CODE]: message) with the source line and a caret, "
                    + "on stderr; prints 'FILE: ok' on stdout for each file without errors.",
            "A file without a model (a library of lets and groups) is fine to check."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  nnc check model.nn",
            "  nnc check examples/*/*.nn examples/common/layers.nn",
            "  nnc check --warnings-as-errors model.nn",
            "",
            "Exit status: 0 no errors (warnings are printed but pass), 1 errors, 2 bad command "
                    + "line."
        })
final class CheckCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Mixin
    private HelpOption help;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "The .nn files to check.")
    private List<Path> files;

    @Option(names = {"-W", "--warnings-as-errors"},
            description = "Fail (exit 1) when a file has warnings.")
    private boolean warningsAsErrors;

    @Override
    public Integer call() {
        Io io = main.io();
        NnCompiler.Options options = NnCompiler.Options.defaults().withRequireModel(false);
        int status = Main.OK;
        for (Path file : files) {
            Compilation c = NnCompiler.compile(file, options);
            if (!c.diagnostics().isEmpty()) {
                io.err().print(c.renderDiagnostics());
                io.err().flush();
            }
            if (c.hasErrors() || warningsAsErrors && c.hasWarnings()) {
                status = Main.ERROR;
            } else {
                io.out().println(file + ": ok");
            }
        }
        return status;
    }
}
