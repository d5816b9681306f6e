package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormatTest {
    @Test
    void significantDigits() {
        assertEquals("2.2099", Fmt.sig(2.20987654, 5));
        assertEquals("-0.0013", Fmt.sig(-0.00130001, 2));
        assertEquals("1.234e-07", Fmt.sig(1.2341e-7, 4));
        assertEquals("1.235e+08", Fmt.sig(123456789, 4));
        assertEquals("0", Fmt.sig(0, 4));
        assertEquals("0", Fmt.sig(-0.0, 4));
        assertEquals("nan", Fmt.sig(Double.NaN, 4));
        assertEquals("-inf", Fmt.sig(Double.NEGATIVE_INFINITY, 4));
        assertEquals("100", Fmt.sig(100.0, 4));
    }

    @Test
    void metricsRatesAndCalls() {
        assertEquals("7131", Fmt.metric(7131));
        assertEquals("true", Fmt.metric(true));
        assertEquals("0.005", Fmt.metric(0.00499988075239127));
        assertEquals("150.9k", Fmt.rate(150920.4));
        assertEquals("6.1M", Fmt.rate(6.1e6));
        assertEquals("12", Fmt.rate(12.2));
        assertEquals("sgd(lr: 0.1)", Fmt.call("sgd", Map.of("lr", 0.1)));
        assertEquals("adam(beta1: 0.9, lr: 1)", Fmt.call("adam", Map.of("lr", 1.0, "beta1", 0.9)));
        assertEquals("sgd", Fmt.call("sgd", Map.of()));
        assertEquals("1,234,567", Fmt.count(1234567));
    }

    @Test
    void tableAlignsColumnsAndDrawsRules() {
        Table t = new Table(List.of("name", "n"), 1);
        t.row("a", 1).row("long name", 1234).rule().row("total", 1235);
        assertEquals("""
                name          n
                a             1
                long name  1234
                ---------------
                total      1235
                """, t.toString());
    }

    @Test
    void tableWithoutHeaderHasNoTrailingSpaces() {
        Table t = new Table(List.of("", ""));
        t.row("loss", "mse").row("optimizer", "");
        assertEquals("loss       mse\noptimizer\n", t.toString());
    }

    @Test
    void defaultWeightsAreTheFileStemInTheWorkingDirectory() {
        assertEquals(Path.of("xor.safetensors"), Models.defaultWeights(Path.of("a/b/xor.nn")));
        assertEquals(Path.of("model.v2.safetensors"), Models.defaultWeights(Path.of("model.v2.nn")));
        assertEquals(Path.of("plain.safetensors"), Models.defaultWeights(Path.of("plain")));
    }
}
