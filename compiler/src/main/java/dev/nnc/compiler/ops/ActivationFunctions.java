package dev.nnc.compiler.ops;

import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import dev.nnc.runtime.kernels.Activations;
import java.util.List;

/**
 * The standalone class's {@code exp}, {@code sigmoid} and {@code tanh} with their constants: the
 * reference functions of {@link Activations}, copied verbatim from that class's source (which the
 * runtime jar carries) — every constant's initializer and every method's body as written there,
 * made private. So the standalone class (which needs nothing but the JDK) computes the bits the
 * model class computes on the runtime's kernels, and there is no second copy to keep in step.
 *
 * <p>The part copied lies between the {@code // standalone: begin} and {@code // standalone: end}
 * comments of {@code Activations.java} ({@link ReferenceSource#ACTIVATIONS}).
 */
public final class ActivationFunctions {
    private ActivationFunctions() {
    }

    /** The reference constants, as private static final fields. */
    public static List<FieldSpec> fields() {
        return ReferenceSource.ACTIVATIONS.fields();
    }

    /** The reference methods ({@code exp}, {@code sigmoid}, {@code tanh}, …), private static. */
    public static List<MethodSpec> methods() {
        return ReferenceSource.ACTIVATIONS.methods();
    }
}
