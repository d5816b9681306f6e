package dev.nnc.compiler.ops;

import com.palantir.javapoet.CodeBlock;
import dev.nnc.compiler.onnx.OnnxGraph;
import dev.nnc.runtime.kernels.Activations;
import dev.nnc.runtime.kernels.Kernels;
import java.util.List;

/**
 * An element-wise activation function A = f(Z), as a layer. Subclasses give f and its derivative
 * as Java expressions ({@link CodeBlock}s of the locals they are given); the loops are shared. Backward: dZ = dA ⊙ f'(Z), where f' may be written
 * in terms of the output A (sigmoid: A(1 − A)) or of the input Z. Each one's ONNX mapping is the
 * operator of the same name.
 */
public abstract class Activation implements LayerKind {

    /** The Java expression for f, given a float local holding z. */
    protected abstract CodeBlock forward(CodeBlock z, Args args);

    /** The Java expression for f'(z), given float locals holding z and a = f(z). */
    protected abstract CodeBlock derivative(CodeBlock z, CodeBlock a, Args args);

    /**
     * f'(z) written with the output alone, given a float local holding a = f(z), or
     * {@code null} when f' needs z. A layer after the activation that can take it
     * ({@link LayerKind#fusesInputDerivative}) multiplies its dLoss/dIn by it, and the
     * activation's own backward pass is left out: one pass over the batch fewer.
     */
    public CodeBlock outputDerivative(CodeBlock a, Args args) {
        return null;
    }

    private static final CodeBlock Z = CodeBlock.of("z");
    private static final CodeBlock A = CodeBlock.of("a");

    /** Floating-point operations per element. */
    protected int cost() {
        return 1;
    }

    @Override
    public List<ArgSpec> args() {
        return List.of();
    }

    @Override
    public boolean isActivation() {
        return true;
    }

    @Override
    public Shape outputShape(Shape in, Args args, ShapeErrors errors) {
        return in;
    }

    @Override
    public long flops(Shape in, Shape out, Args args) {
        return (long) cost() * in.size();
    }

    @Override
    public void emitForward(EmitSite s) {
        var c = s.code();
        c.beginControlFlow("for (int t = 0, e = n * $L; t < e; t++)", s.inSize());
        c.addStatement("final float z = $L[t]", s.in());
        c.addStatement("$L[t] = $L", s.out(), forward(Z, s.args()));
        c.endControlFlow();
    }

    @Override
    public void emitBackward(EmitSite s) {
        if (s.gradIn() == null) {
            return;
        }
        var c = s.code();
        c.beginControlFlow("for (int t = 0, e = n * $L; t < e; t++)", s.inSize());
        c.addStatement("final float z = $L[t]", s.in());
        c.addStatement("final float a = $L[t]", s.out());
        c.addStatement("$L[t] = $L[t] * ($L)", s.gradIn(), s.gradOut(), derivative(Z, A, s.args()));
        c.endControlFlow();
    }

    /** identity: A = Z, dZ = dA. */
    public static final class Identity extends Activation {
        @Override
        public String name() {
            return "identity";
        }

        @Override
        public String description() {
            return "A = Z (a linear output)";
        }

        @Override
        protected CodeBlock forward(CodeBlock z, Args args) {
            return z;
        }

        @Override
        protected CodeBlock derivative(CodeBlock z, CodeBlock a, Args args) {
            return CodeBlock.of("1f");
        }

        @Override
        public void exportOnnx(ExportSite s) {
            s.unary("Identity");
        }
    }

    /**
     * sigmoid: A = 1 / (1 + e^−Z), dZ = dA · A(1 − A). Computed as {@link
     * dev.nnc.runtime.kernels.Activations} computes it: in the model class by its array kernel (passes
     * of loops, a work buffer holding the powers of two), in the standalone class by
     * its copy of the scalar function, to the same bits.
     */
    public static final class Sigmoid extends Activation {
        @Override
        public String name() {
            return "sigmoid";
        }

        @Override
        public String description() {
            return "A = 1 / (1 + exp(-Z))";
        }

        @Override
        protected int cost() {
            return 4;
        }

        @Override
        protected CodeBlock forward(CodeBlock z, Args args) {
            return CodeBlock.of("sigmoid($L)", z);
        }

        @Override
        protected CodeBlock derivative(CodeBlock z, CodeBlock a, Args args) {
            return outputDerivative(a, args);
        }

        @Override
        public CodeBlock outputDerivative(CodeBlock a, Args args) {
            return CodeBlock.of("$L * (1f - $L)", a, a);
        }

        @Override
        public boolean usesActivationFunctions() {
            return true;
        }

        @Override
        public List<WorkBuffer> workBuffers(Shape in, Shape out, Args args) {
            return List.of(WorkBuffer.perSample("scratch: the powers of two of e^−Z", in.size()));
        }

        @Override
        public void emitForward(EmitSite s) {
            if (s.standalone()) {
                super.emitForward(s);
                return;
            }
            s.code().addStatement("$T.sigmoid($L, $L, $L, n * $L)", Activations.class, s.in(),
                    s.out(), s.work(0), s.inSize());
        }

        @Override
        public void exportOnnx(ExportSite s) {
            s.unary("Sigmoid");
        }
    }

    /** tanh: A = tanh(Z), dZ = dA · (1 − A²). */
    public static final class Tanh extends Activation {
        @Override
        public String name() {
            return "tanh";
        }

        @Override
        public String description() {
            return "A = tanh(Z)";
        }

        @Override
        protected int cost() {
            return 4;
        }

        @Override
        protected CodeBlock forward(CodeBlock z, Args args) {
            return CodeBlock.of("(float) Math.tanh($L)", z);
        }

        @Override
        protected CodeBlock derivative(CodeBlock z, CodeBlock a, Args args) {
            return outputDerivative(a, args);
        }

        @Override
        public CodeBlock outputDerivative(CodeBlock a, Args args) {
            return CodeBlock.of("1f - $L * $L", a, a);
        }

        @Override
        public void exportOnnx(ExportSite s) {
            s.unary("Tanh");
        }
    }

    /**
     * relu: A = max(0, Z), dZ = dA where Z &gt; 0, else 0. The model class runs it on {@link
     * Kernels#relu} and {@link Kernels#reluBackward}, the bits of the expressions below without a
     * data-dependent branch per value (which mispredicts on about half of them); the standalone
     * class calls the reference it carries, {@code Activations.relu}.
     */
    public static final class Relu extends Activation {
        @Override
        public String name() {
            return "relu";
        }

        @Override
        public String description() {
            return "A = max(0, Z)";
        }

        @Override
        protected CodeBlock forward(CodeBlock z, Args args) {
            return CodeBlock.of("$L > 0f ? $L : 0f", z, z);
        }

        @Override
        protected CodeBlock derivative(CodeBlock z, CodeBlock a, Args args) {
            // NOTE: the derivative at the kink Z = 0 is taken as 0, as PyTorch does.
            return CodeBlock.of("$L > 0f ? 1f : 0f", z);
        }

        @Override
        public void emitForward(EmitSite s) {
            if (s.standalone()) {
                // the reference the standalone class carries (Activations.relu)
                s.members().use(ReferenceSource.ACTIVATIONS);
                s.code().addStatement("relu($L, $L, n * $L)", s.in(), s.out(), s.inSize());
                return;
            }
            s.code().addStatement("$T.relu($L, $L, n * $L)", Kernels.class, s.in(), s.out(),
                    s.inSize());
        }

        @Override
        public void emitBackward(EmitSite s) {
            if (s.gradIn() == null) {
                return;
            }
            s.code().addStatement("$T.reluBackward($L, $L, $L, n * $L)", Kernels.class, s.in(),
                    s.gradOut(), s.gradIn(), s.inSize());
        }

        @Override
        public void exportOnnx(ExportSite s) {
            s.unary("Relu");
        }
    }

    /**
     * softplus: A = log(1 + e^Z), dZ = dA · σ(Z). NOTE: computed as max(Z, 0) + log1p(e^−|Z|)
     * and σ(Z) as 1 / (1 + e^−Z), in double on {@link StrictMath}, so neither overflows (e^Z for
     * a large Z) nor loses the small values (log(1 + tiny)), and every form computes the same
     * bits.
     */
    public static final class Softplus extends Activation {
        @Override
        public String name() {
            return "softplus";
        }

        @Override
        public String description() {
            return "A = log(1 + exp(Z))";
        }

        @Override
        protected int cost() {
            return 4;
        }

        @Override
        protected CodeBlock forward(CodeBlock z, Args args) {
            return CodeBlock.of("(float) ($T.max($L, 0f) + $T.log1p($T.exp(-$T.abs($L))))",
                    Math.class, z, StrictMath.class, StrictMath.class, Math.class, z);
        }

        @Override
        protected CodeBlock derivative(CodeBlock z, CodeBlock a, Args args) {
            return CodeBlock.of("(float) (1.0 / (1.0 + $T.exp(-$L)))", StrictMath.class, z);
        }

        @Override
        public void exportOnnx(ExportSite s) {
            s.unary("Softplus");
        }
    }

    /** leaky_relu(alpha): A = Z where Z &gt; 0, else alpha·Z; dZ = dA · (1 or alpha). */
    public static final class LeakyRelu extends Activation {
        @Override
        public String name() {
            return "leaky_relu";
        }

        @Override
        public String description() {
            return "A = Z if Z > 0 else alpha * Z";
        }

        @Override
        public List<ArgSpec> args() {
            return List.of(ArgSpec.range("alpha", 0.01, 0, 1));
        }

        @Override
        protected CodeBlock forward(CodeBlock z, Args args) {
            return CodeBlock.of("$L > 0f ? $L : $L * $L", z, z, EmitSite.f(args.number("alpha")),
                    z);
        }

        @Override
        protected CodeBlock derivative(CodeBlock z, CodeBlock a, Args args) {
            // NOTE: at Z = 0 the slope is alpha (the left side), matching relu's choice of 0.
            return CodeBlock.of("$L > 0f ? 1f : $L", z, EmitSite.f(args.number("alpha")));
        }

        @Override
        public void exportOnnx(ExportSite s) {
            // NOTE: alpha as the float the generated Java multiplies by.
            s.unary("LeakyRelu", OnnxGraph.Attr.f("alpha", (float) s.args().number("alpha")));
        }
    }
}
