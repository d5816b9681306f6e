package dev.nnc.compiler.ops;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.nnc.runtime.kernels.DenseReference;
import dev.nnc.runtime.kernels.Kernels;
import java.util.List;

/**
 * {@code dense(units, bias: true, init: ...)}: a fully connected layer on a vector, or on a
 * sequence [T,F] the same weights applied at every step ([T,units], Keras's semantics): the T
 * steps of the n samples are simply n·T rows.
 *
 * <p>Forward, rows are samples (the textbook's notation): Z = X·W + B, with W of shape
 * [in, units] and B of shape [units].
 *
 * <p>Backward, with dZ the gradient of the mean loss: dW = Xᵀ·dZ, dB = Σ_rows dZ,
 * dX = dZ·Wᵀ. The 1/m of the mean is already inside dZ (the loss applies it), so it is not
 * repeated here.
 *
 * <p>Penalties, as the textbook adds them to a batch of m samples: L2 adds λ/(2m)·ΣW² to the loss
 * and λ/m·W to dW; L1 adds λ/m·Σ|W| and λ/m·sign(W). Biases are not penalized.
 */
public final class Dense implements LayerKind {

    @Override
    public String name() {
        return "dense";
    }

    @Override
    public String description() {
        return "fully connected layer: Z = X·W + B";
    }

    @Override
    public List<ArgSpec> args() {
        return List.of(ArgSpec.positiveInt("units"), ArgSpec.bool("bias", true),
                ArgSpec.init("init"), penalty("l1"), penalty("l2"));
    }

    /** A penalty weight; NaN (the default) means "the train block's l1 / l2". */
    private static ArgSpec penalty(String name) {
        return new ArgSpec(name, ArgSpec.Type.NUMBER, Double.NaN, 0, true,
                Double.POSITIVE_INFINITY, true);
    }

    @Override
    public void emitPenalty(EmitSite s) {
        double l1 = s.args().number("l1");
        double l2 = s.args().number("l2");
        int w = s.offset(0);
        int size = width(s) * units(s);
        var c = s.code();
        if (l2 > 0) {
            c.addStatement("double squares = 0");
            c.beginControlFlow("for (int q = $L; q < $L; q++)", w, w + size);
            c.addStatement("squares += p[q] * p[q]");
            c.endControlFlow();
            c.addStatement("loss += $L * squares", 0.5 * l2);
        }
        if (l1 > 0) {
            c.addStatement("double absolutes = 0");
            c.beginControlFlow("for (int q = $L; q < $L; q++)", w, w + size);
            c.addStatement("absolutes += Math.abs(p[q])");
            c.endControlFlow();
            c.addStatement("loss += $L * absolutes", l1);
        }
    }

    @Override
    public Shape outputShape(Shape in, Args args, ShapeErrors errors) {
        if (in.kind() == Shape.Kind.SEQUENCE) {
            return Shape.of(in.dim(0), args.integer("units"));
        }
        if (in.kind() != Shape.Kind.VECTOR) {
            errors.report("dense needs a vector [N] input, but its input has shape %s %s; "
                    + "add flatten before it", in, in.kind().pattern());
            return null;
        }
        return Shape.vector(args.integer("units"));
    }

    /** Rows per sample: T for a sequence, else 1. */
    static int steps(Shape s) {
        return s.kind() == Shape.Kind.SEQUENCE ? s.dim(0) : 1;
    }

    /** The Java expression for the number of rows: {@code n} or {@code n * T}. */
    private static String rows(EmitSite s) {
        int t = steps(s.inShape());
        return t == 1 ? "n" : "n * " + t;
    }

    private static int width(EmitSite s) {
        return s.inSize() / steps(s.inShape());
    }

    private static int units(EmitSite s) {
        return s.outSize() / steps(s.inShape());
    }

    @Override
    public List<TensorDef> params(Shape in, Shape out, Args args) {
        int fanIn = in.size() / steps(in);
        int units = out.size() / steps(in);
        TensorDef w = new TensorDef("W", new int[] {fanIn, units}, false, fanIn, units);
        if (!args.bool("bias")) {
            return List.of(w);
        }
        return List.of(w, new TensorDef("B", new int[] {units}, true, fanIn, units));
    }

    @Override
    public long flops(Shape in, Shape out, Args args) {
        long t = steps(in);
        return t * (2L * (in.size() / t) * (out.size() / t)) + (args.bool("bias") ? out.size() : 0);
    }

    /**
     * NOTE: from this many weights on, the layer calls the runtime's dense kernels (vectorized
     * when the JVM offers the Vector API) instead of emitting its loops inline; below it, the
     * inline loops with constant bounds are as fast. The standalone class, which depends on
     * nothing but the JDK, calls the reference it carries (of the kernels' or the loops' form).
     */
    static final int KERNEL_MIN_WEIGHTS = 4096;

    /** Outputs up to which the inline loops keep each output's sum in a local. */
    static final int LOCAL_SUMS = 4;

    /**
     * Outputs up to which the inline loops over more than one input keep each output's sum
     * (forward) or gradient (backward) in a local: in the array each addition waits for the
     * store of the one before, and the gradients are read again after every store into gp. A
     * classifier's last layer, 64 → 10 over a batch of 64, took 0.39–0.48 of the time forward
     * and 0.71–0.75 backward with them in locals (paired medians, AMD EPYC Zen 5). Twelve sums,
     * the input and a product fit the 16 vector registers of an x86 without AVX-512.
     */
    static final int WIDE_LOCAL_SUMS = 12;

    /**
     * Inputs from which a layer of more than {@link #LOCAL_SUMS} and at most
     * {@link #WIDE_LOCAL_SUMS} outputs, with no activation's derivative to take, has its
     * backward pass done by the runtime's {@link dev.nnc.runtime.kernels.Kernels#denseRoundedGrad}
     * instead of the inline loops: the same operations in the same order, the same bits, in
     * vectors over the inputs (a vector of 16 lanes or two of 8). A classifier's last layer,
     * 64 → 10 over a batch of 64: see that kernel's vector form for the time.
     */
    static final int ROUNDED_GRAD_MIN_INPUTS = 16;

    /** The inline loops (below {@link #KERNEL_MIN_WEIGHTS}) take the activation's derivative. */
    @Override
    public boolean fusesInputDerivative(Shape in, Shape out, Args args) {
        return (long) (in.size() / steps(in)) * (out.size() / steps(in)) < KERNEL_MIN_WEIGHTS;
    }

    private static boolean kernel(EmitSite s) {
        return (long) width(s) * units(s) >= KERNEL_MIN_WEIGHTS;
    }

    /** The layer's matrix product as the inline loops see it. */
    private static DenseLoops loops(EmitSite s) {
        return new DenseLoops(rows(s), width(s), units(s), s.offset(0),
                s.args().bool("bias") ? s.offset(1) : -1);
    }

    /**
     * Forward: Z = X·W + B. From {@link #KERNEL_MIN_WEIGHTS} weights on, the model class calls
     * the runtime's kernels; below it the {@link DenseLoops}; the standalone class calls the
     * reference it carries, {@link DenseReference}.
     */
    @Override
    public void emitForward(EmitSite s) {
        DenseLoops z = loops(s);
        if (kernel(s) && !s.standalone()) {
            // NOTE: inference always sums as the standalone class's loops do (Kernels.denseInfer:
            // ascending k, fused multiply-adds), so predictions do not depend on the JVM's
            // options and equal the standalone class's to the bit; training steps take the
            // fastest kernels.
            s.code().addStatement("$T.$L($L, $L, $L, p, $L, $L, $L, $L)", Kernels.class,
                    s.training() ? "denseForward" : "denseInfer", s.in(), z.rows(), z.in(),
                    z.w(), z.b(), z.out(), s.out());
            return;
        }
        if (s.standalone()) {
            emitStandalone(s, z);
            return;
        }
        if (s.training()) {
            z.forwardTrain(s.code(), s.in(), s.out());
        } else {
            z.forward(s.code(), s.in(), s.out());
        }
    }

    /**
     * The standalone class calls the reference, {@link DenseReference}, which it carries: the
     * form of {@code Kernels.denseInfer} (one rounding per product) where the model class calls
     * that, else the form of the inline loops (each product and sum rounded). W is made into rows
     * once, when the class loads.
     */
    private static void emitStandalone(EmitSite s, DenseLoops z) {
        StandaloneMembers c = s.members();
        c.use(ReferenceSource.DENSE);
        String w = c.constant("W", ArrayTypeName.of(ArrayTypeName.of(TypeName.FLOAT)),
                CodeBlock.of("rows($L, $L, $L, $L)", c.params(), z.w(), z.in(), z.out()));
        String b = z.b() < 0 ? "null" : c.constant("B", ArrayTypeName.of(TypeName.FLOAT),
                CodeBlock.of("bias($L, $L, $L)", c.params(), z.b(), z.out()));
        s.code().addStatement("$L($L, 0, $L, $L, $L, $L, $L, $L, $L)",
                kernel(s) ? "dense" : "denseRounded", s.in(), z.rows(), z.in(), w, b, z.out(),
                s.out(), c.scratch(0, z.out()));
    }

    /**
     * Backward: dW = Xᵀ·dZ, dB = Σ_rows dZ, dX = dZ·Wᵀ (times the derivative of a fused
     * activation before the layer), then the penalties' gradients.
     */
    @Override
    public void emitBackward(EmitSite s) {
        DenseLoops z = loops(s);
        var c = s.code();
        if (kernel(s)) {
            c.addStatement("$T.denseGradWeights($L, $L, $L, $L, $L, gp, $L, $L)", Kernels.class,
                    s.in(), z.rows(), z.in(), s.gradOut(), z.out(), z.w(), z.b());
            if (s.gradIn() != null) {
                c.addStatement("$T.denseGradInput($L, $L, $L, p, $L, $L, $L)", Kernels.class,
                        s.gradOut(), z.rows(), z.out(), z.w(), z.in(), s.gradIn());
            }
        } else {
            CodeBlock derivative = s.gradInDerivative() == null ? null
                    : s.gradInDerivative().apply(CodeBlock.of("xv"));
            z.backward(c, s.in(), s.gradOut(), s.gradIn(), derivative);
        }
        emitPenaltyGradient(s, z.w(), z.in() * z.out());
    }

    private static void emitPenaltyGradient(EmitSite s, int w, int size) {
        double l1 = s.args().number("l1");
        double l2 = s.args().number("l2");
        if (!(l1 > 0) && !(l2 > 0)) {
            return;
        }
        var c = s.code();
        c.beginControlFlow("for (int q = $L; q < $L; q++)", w, w + size);
        if (l2 > 0 && l1 > 0) {
            c.addStatement("gp[q] += ($L * p[q] + $L * Math.signum(p[q])) / n",
                    EmitSite.f(l2), EmitSite.f(l1));
        } else if (l2 > 0) {
            c.addStatement("gp[q] += $L * p[q] / n", EmitSite.f(l2));
        } else {
            c.addStatement("gp[q] += $L * Math.signum(p[q]) / n", EmitSite.f(l1));
        }
        c.endControlFlow();
    }

    /**
     * ONNX: {@code Gemm(X, W, B)}, which is X·W + B with W as nnc lays it out, [in, units]; on a
     * sequence {@code MatMul(X, W)} (which broadcasts over the steps) and {@code Add(·, B)}.
     */
    @Override
    public void exportOnnx(ExportSite s) {
        int steps = steps(s.inShape());
        int in = s.inSize() / steps;
        int units = s.outSize() / steps;
        String w = s.constant("W", new int[] {in, units}, s.param(0));
        if (steps > 1 || s.inShape().kind() == Shape.Kind.SEQUENCE) {
            if (!s.args().bool("bias")) {
                s.graph().node("MatMul", List.of(s.in(), w), s.out());
                return;
            }
            String xw = s.graph().fresh(s.layer() + ".xw");
            s.graph().node("MatMul", List.of(s.in(), w), xw);
            s.graph().node("Add", List.of(xw, s.constant("B", new int[] {units}, s.param(1))),
                    s.out());
            return;
        }
        List<String> inputs = s.args().bool("bias")
                ? List.of(s.in(), w, s.constant("B", new int[] {units}, s.param(1)))
                : List.of(s.in(), w);
        s.graph().node("Gemm", inputs, s.out());
    }
}
