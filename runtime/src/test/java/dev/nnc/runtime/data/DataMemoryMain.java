package dev.nnc.runtime.data;

import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.io.Weights;
import dev.nnc.runtime.io.WeightsException;
import dev.nnc.runtime.model.LinearTestModel;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.ModelSpec.Loss;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads one data or weights file in a JVM of its own, so that a test can give it a small heap:
 * {@code csv FILE INPUTS} loads a CSV training file whose last column is the label,
 * {@code weights FILE} loads a weights file into a 2-input linear model. Prints {@code ok ...}
 * (exit 0), {@code error: MESSAGE} for a data or weights error (exit 3) or
 * {@code internal: THROWABLE} for anything else (exit 4).
 */
final class DataMemoryMain {
    private DataMemoryMain() {
    }

    public static void main(String[] args) {
        try {
            Path file = Path.of(args[1]);
            if (args[0].equals("csv")) {
                LoadedData d = DataLoader.load(file, DataSource.csv(file.toString(), List.of(),
                        true), Integer.parseInt(args[2]), 1, Loss.MSE, null);
                System.out.println("ok " + d.dataset().size() + " rows");
            } else {
                LinearTestModel m = new LinearTestModel("Lin", 2, 1, LinearTestModel.spec(Loss.MSE,
                        0.1, new ModelSpec.TrainSpec(1, 0, false, null, 0, 0),
                        ModelSpec.DataSpec.none()));
                Weights.load(m, file);
                System.out.println("ok");
            }
        } catch (DataException | WeightsException e) {
            System.out.println("error: " + e.getMessage());
            System.exit(3);
        } catch (Throwable e) {
            System.out.println("internal: " + e);
            System.exit(4);
        }
    }
}
