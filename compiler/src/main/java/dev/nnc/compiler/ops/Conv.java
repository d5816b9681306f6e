package dev.nnc.compiler.ops;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.nnc.compiler.onnx.OnnxGraph;
import dev.nnc.runtime.kernels.Conv2d;
import dev.nnc.runtime.kernels.ConvReference;
import java.util.List;

/**
 * {@code conv2d(filters, kernel, stride: 1, padding: valid, bias: true, init: ...)}: a 2-D
 * convolution (strictly, a cross-correlation, as in every framework) of an image [C,H,W] with
 * {@code filters} kernels of C × KH × KW weights. {@code kernel} and {@code stride} are a number
 * or [height, width]; {@code padding} is {@code valid} (none), {@code same} (the output keeps
 * ⌈H/stride⌉ × ⌈W/stride⌉, see {@link Window}), a number or [height, width] of zeros added on each
 * side.
 *
 * <p>Forward, for each sample, filter f and output position (oy, ox):
 * <pre>
 * Z[f, oy, ox] = B[f] + Σ_{c, ky, kx} W[f, c, ky, kx] · X[c, oy·SH − PT + ky, ox·SW − PL + kx]
 * </pre>
 * (padding positions contribute nothing). Output [F, OH, OW] with OH = (H + PT + PB − KH)/SH + 1.
 *
 * <p>Backward, with dZ the gradient of the mean loss: dW[f, c, ky, kx] = Σ_{samples, oy, ox}
 * dZ[f, oy, ox] · X[c, oy·SH − PT + ky, ox·SW − PL + kx], dB[f] = Σ dZ[f, ·, ·], and dX the
 * same sums scattered back onto the input positions.
 *
 * <p>W is laid out [F, C, KH, KW] (as PyTorch and ONNX keep it); its fan-in for the initializers
 * is C·KH·KW and its fan-out F·KH·KW.
 *
 * <p>NOTE: training steps call the runtime's {@link Conv2d} (im2col, then matrix products, the
 * batch split across the kernel threads). Inference in the generated class calls
 * {@link Conv2d#infer} at stride 1 (direct convolution with the sums kept in vector registers
 * over all taps, no im2col) and {@link ConvReference#convStrided} at other strides; the
 * standalone class, which depends on nothing but the JDK, carries {@link ConvReference}
 * verbatim and calls its {@code conv} at stride 1 and {@code convStrided} at other strides.
 * All of them sum every output in the same order, b then (c, ky, kx) ascending, by fused multiply-adds ({@link Math#fma}), so the
 * generated class predicts the standalone class's bits whichever kernels are in use (and the
 * vectorized training kernels', which fuse in the same order).
 */
public final class Conv implements LayerKind {

    @Override
    public String name() {
        return "conv2d";
    }

    @Override
    public String description() {
        return "2-D convolution: Z = W ⋆ X + B";
    }

    @Override
    public List<ArgSpec> args() {
        return List.of(ArgSpec.positiveInt("filters"), ArgSpec.pair("kernel", null),
                ArgSpec.pair("stride", List.of(1, 1)), ArgSpec.padding("padding", "valid"),
                ArgSpec.bool("bias", true), ArgSpec.init("init"));
    }

    static Window window(Shape in, Args args, ShapeErrors errors) {
        return Window.of("conv2d", in, args.pair("kernel"), args.pair("stride"),
                args.get("padding"), errors);
    }

    private static Window window(Shape in, Args args) {
        return Window.checked("conv2d", in, args.pair("kernel"), args.pair("stride"),
                args.get("padding"));
    }

    @Override
    public Shape outputShape(Shape in, Args args, ShapeErrors errors) {
        Window w = window(in, args, errors);
        if (w == null) {
            return null;
        }
        return Shape.of(args.integer("filters"), w.oh(), w.ow());
    }

    @Override
    public List<TensorDef> params(Shape in, Shape out, Args args) {
        int[] k = args.pair("kernel");
        int f = args.integer("filters");
        int c = in.dim(0);
        TensorDef w = new TensorDef("W", new int[] {f, c, k[0], k[1]}, false, c * k[0] * k[1],
                f * k[0] * k[1]);
        if (!args.bool("bias")) {
            return List.of(w);
        }
        return List.of(w, new TensorDef("B", new int[] {f}, true, c * k[0] * k[1], f));
    }

    @Override
    public long flops(Shape in, Shape out, Args args) {
        int[] k = args.pair("kernel");
        long macs = (long) out.size() * in.dim(0) * k[0] * k[1];
        return 2 * macs + (args.bool("bias") ? out.size() : 0);
    }

    @Override
    public List<Helper> helpers(Shape in, Shape out, Args args) {
        Window w = window(in, args);
        return List.of(new Helper(Conv2d.class, CodeBlock.of(
                "new $T($L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L)", Conv2d.class,
                in.dim(0), in.dim(1), in.dim(2), out.dim(0), w.kh(), w.kw(), w.sh(), w.sw(),
                w.pt(), w.pl(), w.oh(), w.ow())));
    }

    @Override
    public void emitForward(EmitSite s) {
        var c = s.code();
        int wOff = s.offset(0);
        int bOff = s.args().bool("bias") ? s.offset(1) : -1;
        if (s.training()) {
            c.addStatement("$L.forward($L, n, p, $L, $L, $L)", s.helper(0), s.in(), wOff, bOff,
                    s.out());
            return;
        }
        Shape in = s.inShape();
        Window w = window(in, s.args());
        if (w.sh() == 1 && w.sw() == 1) {
            if (!s.standalone()) {
                // the sums of the reference the standalone class carries (ConvReference)
                c.addStatement("$L.infer($L, n, p, $L, $L, $L)", s.helper(0), s.in(), wOff, bOff,
                        s.out());
                return;
            }
            emitStandalone(s, w, wOff, bOff);
            return;
        }
        // the reference the standalone class carries, called by both
        String call = "convStrided($L, n, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, "
                + "$L, $L)";
        Object[] a = {s.in(), in.dim(0), in.dim(1), in.dim(2), "p", wOff, bOff,
            s.outShape().dim(0), w.kh(), w.kw(), w.sh(), w.sw(), w.pt(), w.pl(), w.oh(), w.ow(),
            s.out()};
        if (s.standalone()) {
            s.members().use(ReferenceSource.CONV);
            a[4] = s.members().params();
            c.addStatement(call, a);
            return;
        }
        Object[] b = new Object[a.length + 1];
        b[0] = ConvReference.class;
        System.arraycopy(a, 0, b, 1, a.length);
        c.addStatement("$T." + call, b);
    }

    /**
     * The standalone class at stride 1 calls the reference it carries, {@link ConvReference}
     * (the sums of {@link Conv2d#infer}), on W as rows of its filters made when the class loads
     * and scratch of the instance's (the padded input, its rows for each tap, each filter's sums).
     */
    private static void emitStandalone(EmitSite s, Window w, int wOff, int bOff) {
        StandaloneMembers m = s.members();
        m.use(ReferenceSource.CONV);
        Shape in = s.inShape();
        int channels = in.dim(0);
        int f = s.outShape().dim(0);
        int taps = channels * w.kh() * w.kw();
        String weights = m.constant("W", ArrayTypeName.of(ArrayTypeName.of(TypeName.FLOAT)),
                CodeBlock.of("rows($L, $L, $L, $L)", m.params(), wOff, f, taps));
        String bias = bOff < 0 ? "null" : m.constant("B", ArrayTypeName.of(TypeName.FLOAT),
                CodeBlock.of("bias($L, $L, $L)", m.params(), bOff, f));
        int ph = in.dim(1) + w.pt() + w.pb();
        int pw = in.dim(2) + w.pl() + w.pr();
        String padded = m.instanceField("Padded", ArrayTypeName.of(TypeName.FLOAT),
                CodeBlock.of("new float[$L]", channels * ph * pw));
        String cols = m.instanceField("Cols", ArrayTypeName.of(ArrayTypeName.of(TypeName.FLOAT)),
                CodeBlock.of("cols($L, $L, $L, $L, $L)", channels, w.kh(), w.kw(), w.oh(),
                        w.ow()));
        String sums = m.instanceField("Sums", ArrayTypeName.of(ArrayTypeName.of(TypeName.FLOAT)),
                CodeBlock.of("sums($L, $L, $L, $L)", f, w.kw(), w.oh(), w.ow()));
        s.code().addStatement("conv($L, n, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, "
                + "$L, $L, $L)", s.in(), channels, in.dim(1), in.dim(2), weights, bias, f,
                w.kh(), w.kw(), w.pt(), w.pl(), w.oh(), w.ow(), s.out(), padded, cols, sums);
    }

    @Override
    public void emitBackward(EmitSite s) {
        int wOff = s.offset(0);
        int bOff = s.args().bool("bias") ? s.offset(1) : -1;
        s.code().addStatement("$L.backward($L, $L, n, p, $L, $L, gp, $L)", s.helper(0), s.in(),
                s.gradOut(), wOff, bOff, s.gradIn() == null ? "null" : s.gradIn());
    }

    /** ONNX: {@code Conv(X, W, B)} with W as nnc keeps it, [F, C, KH, KW], and explicit pads. */
    @Override
    public void exportOnnx(ExportSite s) {
        Window w = window(s.inShape(), s.args());
        int f = s.outShape().dim(0);
        String weights = s.constant("W", new int[] {f, s.inShape().dim(0), w.kh(), w.kw()},
                s.param(0));
        List<String> inputs = s.args().bool("bias")
                ? List.of(s.in(), weights, s.constant("B", new int[] {f}, s.param(1)))
                : List.of(s.in(), weights);
        s.graph().node("Conv", inputs, s.out(),
                OnnxGraph.Attr.ints("kernel_shape", w.kh(), w.kw()),
                OnnxGraph.Attr.ints("strides", w.sh(), w.sw()),
                OnnxGraph.Attr.ints("pads", w.pt(), w.pl(), w.pb(), w.pr()));
    }
}
