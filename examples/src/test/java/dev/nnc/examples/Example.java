package dev.nnc.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.InMemoryJavac;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.runtime.data.CsvReader;
import dev.nnc.runtime.data.CsvTable;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.predict.Predictor;
import dev.nnc.runtime.train.Training;
import java.nio.file.Path;
import java.util.Map;

/** One example model trained as {@code nnc train} trains it: compiled in memory, on its data. */
final class Example {
    final Path file;
    final Compilation compilation;
    final TrainableModel model;
    final Training.RunResult result;

    private Example(Path file, Compilation c, TrainableModel model, Training.RunResult result) {
        this.file = file;
        this.compilation = c;
        this.model = model;
        this.result = result;
    }

    /** Compiles and trains {@code examples/<relative>} with the settings the file gives. */
    static Example train(String relative) {
        return train(relative, Training.Options.defaults());
    }

    /** Compiles and trains {@code examples/<relative>} with {@code options} (e.g. fewer epochs). */
    static Example train(String relative, Training.Options options) {
        Path file = Path.of(relative).toAbsolutePath();
        Compilation c = NnCompiler.compile(file, NnCompiler.Options.defaults());
        assertFalse(c.hasErrors(), c.renderDiagnostics());
        TrainableModel m = InMemoryJavac.load(c);
        Training.RunResult r = Training.run(m, file.getParent(), options);
        return new Example(file, c, m, r);
    }

    Map<String, Object> metrics() {
        return result.metrics();
    }

    double metric(String key) {
        Object v = result.metrics().get(key);
        if (!(v instanceof Number n)) {
            throw new AssertionError("no metric " + key + " in " + result.metrics());
        }
        return n.doubleValue();
    }

    Predictor predictor() {
        return new Predictor(model, result.preprocessing());
    }

    /** The value of the parameter tensor {@code name} at {@code index}. */
    float param(String name, int index) {
        for (var t : model.paramTensors()) {
            if (t.name().equals(name)) {
                return model.params()[t.offset() + index];
            }
        }
        throw new AssertionError("no parameter " + name);
    }

    CsvTable csv(String name) {
        return CsvReader.read(file.getParent().resolve(name));
    }
}
