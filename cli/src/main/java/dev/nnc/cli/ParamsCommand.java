package dev.nnc.cli;

import dev.nnc.runtime.model.ParamTensor;
import dev.nnc.runtime.model.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nnc params}: the learned parameters, readable. */
@Command(name = "params",
        header = "Print the learned parameters.",
        sortOptions = false,
        description = {
            "Prints each parameter tensor of trained weights: its name and shape, then its "
                    + "values, a matrix one row per line (W of a dense layer is [inputs, units]: "
                    + "row i holds the weights of input i), then the saved statistics that are "
                    + "not trained (batch norm's running mean and variance) the same way.",
            "The values are in the model's own units: when the data was normalized, they apply "
                    + "to normalized inputs and outputs."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  nnc params model.nn                            weights ./model.safetensors",
            "  nnc params model.nn --weights runs/m7.safetensors --digits 8"
        })
final class ParamsCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Mixin
    private HelpOption help;

    @Spec
    private CommandSpec spec;

    @Mixin
    private TrainedModelArgs args;

    @Option(names = "--digits", paramLabel = "N", defaultValue = "5",
            description = "Significant digits of each value (default: ${DEFAULT-VALUE}).")
    private int digits;

    @Mixin
    private OutputOptions output;

    @Override
    public Integer call() {
        if (digits < 1 || digits > 9) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option "
                    + "'--digits': " + digits + " is not between 1 and 9");
        }
        Io io = output.io(main.io());
        Model model = args.load(io).model();
        output.print(io, () -> json(model), () -> render(model, digits));
        return Main.OK;
    }

    /**
     * {@code --json}: each tensor's name, shape, whether it is trained (buffers are not) and its
     * values in row-major order, as the floats they are.
     */
    static Map<String, Object> json(Model model) {
        List<Object> tensors = new ArrayList<>();
        int params = model.paramTensors().size();
        List<ParamTensor> all = new ArrayList<>(model.paramTensors());
        all.addAll(model.bufferTensors());
        for (int k = 0; k < all.size(); k++) {
            ParamTensor t = all.get(k);
            float[] p = k < params ? model.params() : model.buffers();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("shape", t.shape());
            m.put("trained", k < params);
            m.put("values", Arrays.copyOfRange(p, t.offset(), t.offset() + t.size()));
            tensors.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model.name());
        m.put("tensors", tensors);
        return m;
    }

    /** The parameter tensors, then the buffers (batch norm's running statistics). */
    static String render(Model model, int digits) {
        StringBuilder sb = new StringBuilder();
        boolean first = true;
        List<ParamTensor> tensors = new ArrayList<>(model.paramTensors());
        tensors.addAll(model.bufferTensors());
        int params = model.paramTensors().size();
        for (int k = 0; k < tensors.size(); k++) {
            ParamTensor t = tensors.get(k);
            float[] p = k < params ? model.params() : model.buffers();
            if (!first) {
                sb.append('\n');
            }
            first = false;
            int[] shape = t.shape();
            StringJoiner dims = new StringJoiner(",", "[", "]");
            for (int d : shape) {
                dims.add(Integer.toString(d));
            }
            sb.append(t.name()).append(' ').append(dims).append('\n');
            int cols = shape.length == 0 ? 1 : shape[shape.length - 1];
            int size = t.size();
            String[] cells = new String[size];
            int width = 0;
            for (int i = 0; i < size; i++) {
                cells[i] = Fmt.sig(p[t.offset() + i], digits);
                width = Math.max(width, cells[i].length());
            }
            for (int r = 0; r * cols < size; r++) {
                StringBuilder line = new StringBuilder();
                for (int j = 0; j < cols && r * cols + j < size; j++) {
                    String s = cells[r * cols + j];
                    line.append(j == 0 ? "" : "  ").append(" ".repeat(width - s.length()))
                            .append(s);
                }
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }
}
