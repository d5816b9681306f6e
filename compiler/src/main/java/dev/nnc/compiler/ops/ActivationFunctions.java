package dev.nnc.compiler.ops;

import com.palantir.javapoet.MethodSpec;
import dev.nnc.runtime.kernels.Activations;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The standalone class's {@code exp}, {@code sigmoid} and {@code tanh}: copies of {@link
 * Activations}' scalar functions, operation for operation and with the same constants, so the
 * standalone class (which needs nothing but the JDK) computes the bits the model class computes
 * on the runtime's kernels.
 */
public final class ActivationFunctions {
    private ActivationFunctions() {
    }

    /** The three private static methods, for a class whose layers call them. */
    public static List<MethodSpec> methods() {
        MethodSpec exp = MethodSpec.methodBuilder("exp")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC).returns(float.class)
                .addParameter(float.class, "v")
                .addJavadoc("e^v, as nnc's runtime computes it (Cody–Waite reduction, Cephes'"
                        + " polynomial).\n")
                .addStatement("final float x = Math.min(Math.max(v, $Lf), $Lf)",
                        Activations.EXP_MIN, Activations.EXP_MAX)
                .addStatement("final float t = x * $Lf + $Lf", Activations.LOG2E,
                        Activations.ROUND)
                .addStatement("final float n = t - $Lf", Activations.ROUND)
                .addStatement("final float r = x - n * $Lf - n * $Lf", Activations.LN2_HI,
                        Activations.LN2_LO)
                .addStatement("float q = r * $Lf + $Lf", Activations.P0, Activations.P1)
                .addStatement("q = q * r + $Lf", Activations.P2)
                .addStatement("q = q * r + $Lf", Activations.P3)
                .addStatement("q = q * r + $Lf", Activations.P4)
                .addStatement("q = q * r + $Lf", Activations.P5)
                .addStatement("return (q * (r * r) + r + 1f) * Float.intBitsToFloat("
                        + "(Float.floatToRawIntBits(t) - $L) << 23)", Activations.BIAS)
                .build();
        MethodSpec sigmoid = MethodSpec.methodBuilder("sigmoid")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC).returns(float.class)
                .addParameter(float.class, "x")
                .addStatement("return 1f / (exp(-x) + 1f)").build();
        MethodSpec tanh = MethodSpec.methodBuilder("tanh")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC).returns(float.class)
                .addParameter(float.class, "x")
                .addStatement("return 2f / (exp(x * -2f) + 1f) - 1f").build();
        return List.of(exp, sigmoid, tanh);
    }
}
