package dev.nnc.compiler.ops;

import com.palantir.javapoet.CodeBlock;
import dev.nnc.compiler.onnx.OnnxGraph;
import dev.nnc.runtime.Conv2d;
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
 * <p>NOTE: training steps call the runtime's {@link Conv2d} (im2col, then row-by-row products
 * the JIT vectorizes, the batch split across the kernel threads); inference emits direct loops
 * with every bound a literal, which depend on nothing but the JDK (the standalone class) and sum
 * in the same order, so both give the same floats.
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
        if (!s.inferenceOnly()) {
            c.beginControlFlow("if ($L)", s.training());
            c.addStatement("$L.forward($L, n, p, $L, $L, $L)", s.helper(0), s.in(), wOff, bOff,
                    s.out());
            c.addStatement("return");
            c.endControlFlow();
        }
        Shape in = s.inShape();
        Window w = window(in, s.args());
        int channels = in.dim(0);
        int h = in.dim(1);
        int width = in.dim(2);
        int f = s.outShape().dim(0);
        c.beginControlFlow("for (int i = 0; i < n; i++)");
        c.addStatement("final int xo = i * $L", s.inSize());
        c.addStatement("final int zo = i * $L", s.outSize());
        c.beginControlFlow("for (int f = 0; f < $L; f++)", f);
        c.addStatement("final float b = $L", bOff < 0 ? "0f" : "p[" + bOff + " + f]");
        c.addStatement("final int wf = $L + f * $L", wOff, channels * w.kh() * w.kw());
        c.beginControlFlow("for (int oy = 0; oy < $L; oy++)", w.oh());
        c.beginControlFlow("for (int ox = 0; ox < $L; ox++)", w.ow());
        c.addStatement("float sum = b");
        c.beginControlFlow("for (int c = 0; c < $L; c++)", channels);
        c.beginControlFlow("for (int ky = 0; ky < $L; ky++)", w.kh());
        c.addStatement("final int iy = oy * $L + ky - $L", w.sh(), w.pt());
        if (w.padded()) {
            c.beginControlFlow("if (iy < 0 || iy >= $L)", h).addStatement("continue")
                    .endControlFlow();
        }
        c.addStatement("final int xr = xo + (c * $L + iy) * $L", h, width);
        c.addStatement("final int wr = wf + (c * $L + ky) * $L", w.kh(), w.kw());
        c.beginControlFlow("for (int kx = 0; kx < $L; kx++)", w.kw());
        c.addStatement("final int ix = ox * $L + kx - $L", w.sw(), w.pl());
        if (w.padded()) {
            c.beginControlFlow("if (ix < 0 || ix >= $L)", width).addStatement("continue")
                    .endControlFlow();
        }
        c.addStatement("sum += p[wr + kx] * $L[xr + ix]", s.in());
        c.endControlFlow();
        c.endControlFlow();
        c.endControlFlow();
        c.addStatement("$L[zo + (f * $L + oy) * $L + ox] = sum", s.out(), w.oh(), w.ow());
        c.endControlFlow();
        c.endControlFlow();
        c.endControlFlow();
        c.endControlFlow();
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
