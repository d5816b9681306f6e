package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.ops.ArgSpec;
import dev.nnc.compiler.ops.Args;
import dev.nnc.compiler.ops.EmitSite;
import dev.nnc.compiler.ops.LayerKind;
import dev.nnc.compiler.ops.Registry;
import dev.nnc.compiler.ops.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The randomized suite finds new kinds in the registry by itself: a layer kind that takes and
 * gives a vector is drawn among the hidden layers, with its arguments inside their ranges, and a
 * kind of another shape is left to a draw of its own.
 */
class RandomModelsTest {
    @TempDir
    Path dir;

    /** A small kind: A = factor · Z, on a vector of any size. */
    private static LayerKind kind(String name, List<ArgSpec> args, boolean evenOnly,
            boolean image) {
        return new LayerKind() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return "a kind of this test";
            }

            @Override
            public List<ArgSpec> args() {
                return args;
            }

            @Override
            public Shape outputShape(Shape in, Args a, ShapeErrors errors) {
                if (in.kind() != Shape.Kind.VECTOR || evenOnly && in.size() % 2 != 0) {
                    return null;
                }
                return image ? Shape.of(1, in.size(), 1) : in;
            }

            @Override
            public long flops(Shape in, Shape out, Args a) {
                return in.size();
            }

            @Override
            public void emitForward(EmitSite s) {
            }

            @Override
            public void emitBackward(EmitSite s) {
            }
        };
    }

    @Test
    void aNewKindOnVectorsIsDrawnWithItsArgumentsInRange() {
        LayerKind scale = kind("scale", List.of(ArgSpec.range("factor", null, 1, 3),
                ArgSpec.positiveInt("copies")), false, false);
        List<LayerKind> kinds = new ArrayList<>();
        for (String n : Registry.standard().layerNames()) {
            kinds.add(Registry.standard().layer(n));
        }
        kinds.add(scale);
        kinds.add(kind("pairs", List.of(), true, false));
        kinds.add(kind("picture", List.of(), false, true));
        List<LayerKind> other = RandomModels.otherVectorKinds(kinds);
        assertEquals(List.of("scale"), other.stream().map(LayerKind::name).toList());
        Pattern call = Pattern.compile("scale\\(factor: ([0-9.]+), copies: ([0-9]+)\\)");
        for (long seed = 1; seed <= 20; seed++) {
            String text = new RandomModels.Builder(seed, dir).call(scale);
            Matcher m = call.matcher(text);
            assertTrue(m.matches(), text);
            double factor = Double.parseDouble(m.group(1));
            int copies = Integer.parseInt(m.group(2));
            assertTrue(factor > 1 && factor < 3 && copies >= 1 && copies <= 5, text);
        }
    }
}
