package dev.nnc.cli;

import dev.nnc.lsp.LspServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code nnc lsp}: the language server, for editors. */
@Command(name = "lsp",
        header = "Run the language server for editors (LSP over stdin and stdout).",
        sortOptions = false,
        description = {
            "Runs a Language Server Protocol server on standard input and output, for an editor "
                    + "to start: diagnostics as you type (with their NN codes, and 'did you "
                    + "mean' quick fixes), hover with a layer's output shape, parameters and "
                    + "FLOPs, completion of layers, activations, losses, optimizers, "
                    + "initializers, schedules, settings and arguments, go to definition, "
                    + "references, rename of constants and groups, the outline, and formatting "
                    + "in nnc fmt's layout.",
            "Not meant to be run by hand: docs/editors.md shows how VS Code and Neovim start "
                    + "it. Messages of the server itself go to standard error."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  nnc lsp                     started by the editor, e.g. Neovim's vim.lsp.start",
            "",
            "Exit status: 0 when the editor ends the session with shutdown and exit, 1 when "
                    + "it exits without shutdown or closes the connection."
        })
final class LspCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Mixin
    private HelpOption help;

    @Override
    public Integer call() {
        return LspServer.run(System.in, main.io().out());
    }
}
