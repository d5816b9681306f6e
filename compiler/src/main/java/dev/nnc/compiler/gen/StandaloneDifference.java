package dev.nnc.compiler.gen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.nnc.compiler.ops.ReferenceSource;
import dev.nnc.runtime.model.Difference;
import dev.nnc.runtime.model.ModelSpec;
import javax.lang.model.element.Modifier;

/**
 * The standalone class of a model trained on a differenced series ({@code difference: lag}):
 * its {@code predict} takes raw windows, as {@code nnc predict} and the runtime's
 * {@code Predictor} do, differences each with the runtime's {@link Difference#window}, runs the
 * network and its stage ({@value #NETWORK}, the generator's batch form), and adds each forecast's
 * base back with {@link Difference#invertRow}; both carried verbatim ({@link ReferenceSource}).
 *
 * <p>For {@code window: 8, difference: 1} over one column it writes
 * <pre>
 * public static final int INPUT_SIZE = 9;            // the raw window: 9 weeks
 * private static final int NET_INPUT_SIZE = 8;       // the network's: 8 weekly changes
 * private static final int[] BASE_AT = {8};          // what forecast 0 adds back: the last week
 * public void predict(float[] x, int n, float[] out) {
 *     ... window(x, r * INPUT_SIZE, 8, 1, 1, dx, r * NET_INPUT_SIZE) for each row ...
 *     network(dx, n, out);
 *     ... invertRow(x, r * INPUT_SIZE, BASE_AT, out, r * OUTPUT_SIZE) for each row ...
 * }
 * </pre>
 */
final class StandaloneDifference {
    /** The constant of the network's input size: the differences of a raw window. */
    static final String NET_INPUT_SIZE = "NET_INPUT_SIZE";
    /** The private batch form of the network and its stage, on differences. */
    static final String NETWORK = "network";

    private StandaloneDifference() {
    }

    /** Adds the constants, the buffer, the raw windows' batch {@code predict} and the reference. */
    static void add(TypeSpec.Builder t, ModelSpec.Window w, int netInputSize) {
        Modifier[] priv = {Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL};
        int steps = w.length();
        int features = w.features().size();
        int lag = w.difference();
        t.addJavadoc("\n<p>The model forecasts a differenced series (lag $L): an input row is a "
                + "raw window, the last $L steps of $L, step-major; the class differences it, "
                + "and a forecast is the target's value $L steps before the target plus the "
                + "predicted difference, on the series' own scale.\n", lag, steps + lag,
                JavaText.doc(String.join(", ", w.features())), lag);
        t.addField(FieldSpec.builder(int.class, NET_INPUT_SIZE, priv)
                .addJavadoc("The network's input: the $L steps of differences of a raw window.\n",
                        steps)
                .initializer("$L", netInputSize).build());
        CodeBlock.Builder at = CodeBlock.builder().add("{");
        int[] base = Difference.baseOffsets(w);
        for (int j = 0; j < base.length; j++) {
            at.add(j == 0 ? "$L" : ", $L", base[j]);
        }
        t.addField(FieldSpec.builder(int[].class, "BASE_AT", priv)
                .addJavadoc("Where in a raw window each output's base lies: its target's value "
                        + "$L steps before the target.\n", lag)
                .initializer(at.add("}").build()).build());
        t.addField(FieldSpec.builder(float[].class, "dx", Modifier.PRIVATE)
                .addJavadoc("The differences of the raw windows.\n").build());
        t.addMethod(MethodSpec.methodBuilder("predict").addModifiers(Modifier.PUBLIC)
                .addJavadoc("The batch form: {@code n} raw windows in {@code x}, one after the "
                        + "other; writes {@code n * OUTPUT_SIZE} forecasts into {@code out}. "
                        + "{@code x} is not changed.\n")
                .addParameter(float[].class, "x").addParameter(int.class, "n")
                .addParameter(float[].class, "out")
                .beginControlFlow("if (n < 1)")
                .addStatement("throw new $T($S + n)", IllegalArgumentException.class,
                        "batch size < 1: ")
                .endControlFlow()
                .beginControlFlow("if (x.length < (long) n * INPUT_SIZE "
                        + "|| out.length < (long) n * OUTPUT_SIZE)")
                .addStatement("throw new $T($S + n + $S + x.length + $S + out.length)",
                        IllegalArgumentException.class, "arrays too short for ",
                        " samples: x has ", ", out has ")
                .endControlFlow()
                .beginControlFlow("if (dx == null || dx.length < n * $L)", NET_INPUT_SIZE)
                .addStatement("dx = new float[n * $L]", NET_INPUT_SIZE)
                .endControlFlow()
                .beginControlFlow("for (int r = 0; r < n; r++)")
                .addStatement("window(x, r * INPUT_SIZE, $L, $L, $L, dx, r * $L)", steps,
                        features, lag, NET_INPUT_SIZE)
                .endControlFlow()
                .addStatement("$L(dx, n, out)", NETWORK)
                .beginControlFlow("for (int r = 0; r < n; r++)")
                .addStatement("invertRow(x, r * INPUT_SIZE, BASE_AT, out, r * OUTPUT_SIZE)")
                .endControlFlow()
                .build());
        t.addFields(ReferenceSource.DIFFERENCE.fields());
        t.addMethods(ReferenceSource.DIFFERENCE.methods());
    }
}
