package dev.nnc.compiler.ops;

import dev.nnc.compiler.onnx.OnnxGraph;
import java.util.List;

/**
 * An element-wise activation function A = f(Z), as a layer. Subclasses give f and its derivative
 * as Java expressions; the loops are shared. Backward: dZ = dA ⊙ f'(Z), where f' may be written
 * in terms of the output A (sigmoid: A(1 − A)) or of the input Z. Each one's ONNX mapping is the
 * operator of the same name.
 */
public abstract class Activation implements LayerKind {

    /** The Java expression for f, given the name of a float local holding z. */
    protected abstract String forward(String z, Args args);

    /**
     * The Java expression for f'(z), given the names of float locals holding z and a = f(z).
     */
    protected abstract String derivative(String z, String a, Args args);

    /**
     * f'(z) written with the output alone, given the name of a float local holding a = f(z), or
     * {@code null} when f' needs z. A layer after the activation that can take it
     * ({@link LayerKind#fusesInputDerivative}) multiplies its dLoss/dIn by it, and the
     * activation's own backward pass is left out: one pass over the batch fewer.
     */
    public String outputDerivative(String a, Args args) {
        return null;
    }

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
        c.addStatement("$L[t] = $L", s.out(), forward("z", s.args()));
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
        c.addStatement("$L[t] = $L[t] * ($L)", s.gradIn(), s.gradOut(), derivative("z", "a", s.args()));
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
        protected String forward(String z, Args args) {
            return z;
        }

        @Override
        protected String derivative(String z, String a, Args args) {
            return "1f";
        }

        @Override
        public void exportOnnx(ExportSite s) {
            s.unary("Identity");
        }
    }

    /**
     * sigmoid: A = 1 / (1 + e^−Z), dZ = dA · A(1 − A). Computed as {@link
     * dev.nnc.runtime.kernels.Activations} computes it: in the model class by its array kernel
     * (loops the JIT vectorizes, a work buffer holding the powers of two), in the standalone class by
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
        protected String forward(String z, Args args) {
            return "sigmoid(" + z + ")";
        }

        @Override
        protected String derivative(String z, String a, Args args) {
            return outputDerivative(a, args);
        }

        @Override
        public String outputDerivative(String a, Args args) {
            return a + " * (1f - " + a + ")";
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
            if (s.inferenceOnly()) {
                super.emitForward(s);
                return;
            }
            s.code().addStatement("$T.sigmoid($L, $L, $L, n * $L)",
                    dev.nnc.runtime.kernels.Activations.class, s.in(), s.out(), s.work(0),
                    s.inSize());
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
        protected String forward(String z, Args args) {
            return "(float) Math.tanh(" + z + ")";
        }

        @Override
        protected String derivative(String z, String a, Args args) {
            return outputDerivative(a, args);
        }

        @Override
        public String outputDerivative(String a, Args args) {
            return "1f - " + a + " * " + a;
        }

        @Override
        public void exportOnnx(ExportSite s) {
            s.unary("Tanh");
        }
    }

    /** relu: A = max(0, Z), dZ = dA where Z &gt; 0, else 0. */
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
        protected String forward(String z, Args args) {
            return z + " > 0f ? " + z + " : 0f";
        }

        @Override
        protected String derivative(String z, String a, Args args) {
            // NOTE: the derivative at the kink Z = 0 is taken as 0, as PyTorch does.
            return z + " > 0f ? 1f : 0f";
        }

        @Override
        public void exportOnnx(ExportSite s) {
            s.unary("Relu");
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
        protected String forward(String z, Args args) {
            return z + " > 0f ? " + z + " : " + EmitSite.f(args.number("alpha")) + " * " + z;
        }

        @Override
        protected String derivative(String z, String a, Args args) {
            // NOTE: at Z = 0 the slope is alpha (the left side), matching relu's choice of 0.
            return z + " > 0f ? 1f : " + EmitSite.f(args.number("alpha"));
        }

        @Override
        public void exportOnnx(ExportSite s) {
            // NOTE: alpha as the float the generated Java multiplies by.
            s.unary("LeakyRelu", OnnxGraph.Attr.f("alpha", (float) s.args().number("alpha")));
        }
    }
}
