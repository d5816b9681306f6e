package dev.nnc.compiler.ops;

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
     * inline loops with constant bounds are as fast. Inference-only code (the standalone class)
     * always emits the loops, since it depends on nothing but the JDK.
     */
    static final int KERNEL_MIN_WEIGHTS = 4096;

    /** Outputs up to which the inline loops keep each output's sum in a local. */
    static final int LOCAL_SUMS = 4;

    /** The inline loops (below {@link #KERNEL_MIN_WEIGHTS}) take the activation's derivative. */
    @Override
    public boolean fusesInputDerivative(Shape in, Shape out, Args args) {
        return (long) (in.size() / steps(in)) * (out.size() / steps(in)) < KERNEL_MIN_WEIGHTS;
    }

    private static boolean kernel(EmitSite s) {
        return (long) width(s) * units(s) >= KERNEL_MIN_WEIGHTS;
    }

    @Override
    public void emitForward(EmitSite s) {
        int in = width(s);
        int out = units(s);
        String rows = rows(s);
        int w = s.offset(0);
        boolean bias = s.args().bool("bias");
        var c = s.code();
        if (kernel(s) && !s.inferenceOnly()) {
            // NOTE: inference always sums as the standalone class's loops do (Kernels.denseInfer:
            // ascending k, fused multiply-adds), so predictions do not depend on the JVM's
            // options and equal the standalone class's to the bit; training steps take the
            // fastest kernels.
            c.beginControlFlow("if ($L)", s.training());
            c.addStatement("$T.denseForward($L, $L, $L, p, $L, $L, $L, $L)", Kernels.class, s.in(),
                    rows, in, w, bias ? s.offset(1) : -1, out, s.out());
            c.nextControlFlow("else");
            c.addStatement("$T.denseInfer($L, $L, $L, p, $L, $L, $L, $L)", Kernels.class,
                    s.in(), rows, in, w, bias ? s.offset(1) : -1, out, s.out());
            c.endControlFlow();
            return;
        }
        // the standalone class's form of Kernels.denseInfer adds with one rounding per product
        boolean fused = kernel(s);
        c.beginControlFlow("for (int i = 0, m = $L; i < m; i++)", rows);
        if (in > 1) {
            c.addStatement("final int xo = i * $L", in);
        }
        c.addStatement("final int zo = i * $L", out);
        // NOTE: one input (a textbook regression's x) has no loop over the inputs: the bias and
        // the single product go in one statement per output.
        if (out <= LOCAL_SUMS) {
            // NOTE: a few outputs are summed in locals: in the array, each addition would wait
            // for the store of the one before (the same operations, in the same order).
            if (in == 1) {
                c.addStatement("final float xv = $L[i]", s.in());
            }
            for (int j = 0; j < out; j++) {
                String init = bias ? "p[" + (s.offset(1) + j) + "]" : "0f";
                if (in > 1) {
                    c.addStatement("float z$L = $L", j, init);
                } else if (fused) {
                    c.addStatement("final float z$L = Math.fma(xv, p[$L], $L)", j, w + j, init);
                } else {
                    c.addStatement("final float z$L = $L", j, bias ? init + " + xv * p[" + (w + j)
                            + "]" : "xv * p[" + (w + j) + "]");
                }
            }
            if (in > 1) {
                c.beginControlFlow("for (int k = 0; k < $L; k++)", in);
                c.addStatement("final float xv = $L[xo + k]", s.in());
                c.addStatement("final int wo = $L + k * $L", w, out);
                for (int j = 0; j < out; j++) {
                    if (fused) {
                        c.addStatement("z$L = Math.fma(xv, p[wo + $L], z$L)", j, j, j);
                    } else {
                        c.addStatement("z$L += xv * p[wo + $L]", j, j);
                    }
                }
                c.endControlFlow();
            }
            for (int j = 0; j < out; j++) {
                c.addStatement("$L[zo + $L] = z$L", s.out(), j, j);
            }
            c.endControlFlow();
            return;
        }
        String init = bias ? "p[" + s.offset(1) + " + j]" : "0f";
        if (in == 1) {
            c.addStatement("final float xv = $L[i]", s.in());
            c.beginControlFlow("for (int j = 0; j < $L; j++)", out);
            if (fused) {
                c.addStatement("$L[zo + j] = Math.fma(xv, p[$L + j], $L)", s.out(), w, init);
            } else if (bias) {
                c.addStatement("$L[zo + j] = $L + xv * p[$L + j]", s.out(), init, w);
            } else {
                c.addStatement("$L[zo + j] = xv * p[$L + j]", s.out(), w);
            }
            c.endControlFlow();
            c.endControlFlow();
            return;
        }
        c.beginControlFlow("for (int j = 0; j < $L; j++)", out);
        c.addStatement("$L[zo + j] = $L", s.out(), init);
        c.endControlFlow();
        c.beginControlFlow("for (int k = 0; k < $L; k++)", in);
        c.addStatement("final float xv = $L[xo + k]", s.in());
        c.addStatement("final int wo = $L + k * $L", w, out);
        c.beginControlFlow("for (int j = 0; j < $L; j++)", out);
        if (fused) {
            c.addStatement("$L[zo + j] = Math.fma(xv, p[wo + j], $L[zo + j])", s.out(), s.out());
        } else {
            c.addStatement("$L[zo + j] += xv * p[wo + j]", s.out());
        }
        c.endControlFlow();
        c.endControlFlow();
        c.endControlFlow();
    }

    @Override
    public void emitBackward(EmitSite s) {
        int in = width(s);
        int out = units(s);
        String rows = rows(s);
        int w = s.offset(0);
        boolean bias = s.args().bool("bias");
        var c = s.code();
        if (kernel(s)) {
            c.addStatement("$T.denseGradWeights($L, $L, $L, $L, $L, gp, $L, $L)", Kernels.class,
                    s.in(), rows, in, s.gradOut(), out, w, bias ? s.offset(1) : -1);
            if (s.gradIn() != null) {
                c.addStatement("$T.denseGradInput($L, $L, $L, p, $L, $L, $L)", Kernels.class,
                        s.gradOut(), rows, out, w, in, s.gradIn());
            }
            emitPenaltyGradient(s, w, in * out);
            return;
        }
        c.addStatement("$T.fill(gp, $L, $L, 0f)", java.util.Arrays.class, w, w + in * out);
        if (bias) {
            c.addStatement("$T.fill(gp, $L, $L, 0f)", java.util.Arrays.class, s.offset(1),
                    s.offset(1) + out);
        }
        // dLoss/dIn, times the derivative of the activation before the layer when it is fused
        // here (the same product the activation's own pass would take, to the bit)
        String scale = s.gradInDerivative() == null ? "" : " * (" + s.gradInDerivative().apply("xv")
                + ")";
        boolean locals = out <= LOCAL_SUMS;
        // NOTE: with one input there is no loop over the inputs, and the bias gradient is summed
        // in the loop over the outputs (each gradient's additions in the same order).
        boolean loop = in > 1;
        c.beginControlFlow("for (int i = 0, m = $L; i < m; i++)", rows);
        if (loop) {
            c.addStatement("final int xo = i * $L", in);
        }
        c.addStatement("final int go = i * $L", out);
        if (locals) {
            for (int j = 0; j < out; j++) {
                c.addStatement("final float g$L = $L[go + $L]", j, s.gradOut(), j);
            }
            if (bias) {
                for (int j = 0; j < out; j++) {
                    c.addStatement("gp[$L] += g$L", s.offset(1) + j, j);
                }
            }
        } else if (bias && loop) {
            c.beginControlFlow("for (int j = 0; j < $L; j++)", out);
            c.addStatement("gp[$L + j] += $L[go + j]", s.offset(1), s.gradOut());
            c.endControlFlow();
        }
        String x = loop ? "xo + k" : "i";
        String wo = loop ? "wo" : String.valueOf(w);
        if (loop) {
            c.beginControlFlow("for (int k = 0; k < $L; k++)", in);
            c.addStatement("final int wo = $L + k * $L", w, out);
        }
        c.addStatement("final float xv = $L[$L]", s.in(), x);
        if (locals) {
            StringBuilder sum = new StringBuilder();
            for (int j = 0; j < out; j++) {
                c.addStatement("gp[$L + $L] += xv * g$L", wo, j, j);
                sum.append(j == 0 ? "" : " + ").append("g").append(j).append(" * p[").append(wo)
                        .append(" + ").append(j).append("]");
            }
            if (s.gradIn() != null) {
                c.addStatement("$L[$L] = $L$L", s.gradIn(), x,
                        scale.isEmpty() ? sum : "(" + sum + ")", scale);
            }
        } else {
            c.beginControlFlow("for (int j = 0; j < $L; j++)", out);
            if (bias && !loop) {
                c.addStatement("final float g = $L[go + j]", s.gradOut());
                c.addStatement("gp[$L + j] += g", s.offset(1));
                c.addStatement("gp[$L + j] += xv * g", wo);
            } else {
                c.addStatement("gp[$L + j] += xv * $L[go + j]", wo, s.gradOut());
            }
            c.endControlFlow();
            if (s.gradIn() != null) {
                c.addStatement("float sum = 0f");
                c.beginControlFlow("for (int j = 0; j < $L; j++)", out);
                c.addStatement("sum += $L[go + j] * p[$L + j]", s.gradOut(), wo);
                c.endControlFlow();
                c.addStatement("$L[$L] = sum$L", s.gradIn(), x, scale);
            }
        }
        if (loop) {
            c.endControlFlow();
        }
        c.endControlFlow();
        emitPenaltyGradient(s, w, in * out);
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
