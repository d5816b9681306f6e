package dev.nnc.cli;

import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.compiler.diag.Diagnostic;
import dev.nnc.compiler.diag.Span;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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

    @Mixin
    private OutputOptions output;

    /**
     * This command, parsed into a new instance, as {@link QuickCommandLine} runs it: the options
     * and parameters declared above, without their help texts.
     */
    static CommandSpec quickSpec(Main main) {
        CheckCommand c = new CheckCommand();
        c.main = main;
        c.help = new HelpOption();
        c.output = new OutputOptions();
        CommandSpec spec = CommandSpec.wrapWithoutInspection(c).name("check");
        QuickCommandLine.addHelp(spec, c.help);
        spec.addPositional(QuickCommandLine.paths(v -> c.files = v, () -> c.files)
                .paramLabel("FILE").build());
        spec.addOption(QuickCommandLine.flag(v -> c.warningsAsErrors = v, "-W",
                "--warnings-as-errors").build());
        QuickCommandLine.addOutput(spec, c.output);
        return spec;
    }

    @Override
    public Integer call() {
        Io io = output.io(main.io());
        NnCompiler.Options options = NnCompiler.Options.defaults().withRequireModel(false);
        int status = Main.OK;
        StringBuilder text = new StringBuilder();
        List<Object> results = new ArrayList<>();
        int errors = 0;
        int warnings = 0;
        for (Path file : files) {
            Compilation c = NnCompiler.compile(file, options);
            Models.report(io, c.diagnostics());
            boolean ok = !(c.hasErrors() || warningsAsErrors && c.hasWarnings());
            if (ok) {
                text.append(file).append(": ok\n");
            } else {
                status = Main.ERROR;
            }
            List<Object> found = new ArrayList<>();
            for (Diagnostic d : c.diagnostics()) {
                found.add(json(d));
                errors += d.isError() ? 1 : 0;
                warnings += d.isError() ? 0 : 1;
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("file", file.toString());
            r.put("ok", ok);
            r.put("diagnostics", found);
            results.add(r);
            if (!output.json) {
                // NOTE: as each file is checked, so that a long run shows its progress
                io.out().print(text);
                io.out().flush();
                text.setLength(0);
            }
        }
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("files", results);
        all.put("errors", errors);
        all.put("warnings", warnings);
        output.print(io, () -> all, () -> "");
        return status;
    }

    /** A diagnostic as JSON: file, line and column (null for the file as a whole), and text. */
    static Map<String, Object> json(Diagnostic d) {
        Map<String, Object> m = new LinkedHashMap<>();
        Span s = d.span();
        m.put("file", s.file().displayName());
        m.put("line", s.positioned() ? s.line() : null);
        m.put("column", s.positioned() ? s.column() : null);
        m.put("severity", d.severity().label());
        m.put("code", d.code().id());
        m.put("message", d.message());
        return m;
    }
}
