package dev.nnc.compiler.ops;

import com.palantir.javapoet.CodeBlock;
import dev.nnc.compiler.onnx.OnnxGraph;
import dev.nnc.runtime.kernels.Kernels;
import dev.nnc.runtime.kernels.PoolReference;
import java.util.List;

/**
 * {@code maxpool(size, stride: size)} and {@code avgpool(size, stride: size)}: pooling of each
 * channel of an image [C,H,W] over windows of {@code size} (a number or [height, width]) moved by
 * {@code stride} (by default the size: windows side by side), without padding. A stride that
 * does not tile the input is an error rather than a silently dropped edge.
 *
 * <p>Max pooling: Y[c, oy, ox] = max over the window of X. In a training step the position of
 * each maximum is kept; backward adds dY to that one position (where several values tie for the
 * maximum, the first in row-major order takes it, as in PyTorch) and leaves the others at 0.
 *
 * <p>Average pooling: Y = Σ window / (KH·KW); backward spreads dY / (KH·KW) over the window.
 *
 * <p>The forward passes are the runtime's {@link PoolReference}, which the standalone class
 * carries verbatim: inference of max pooling in the generated class calls {@link Kernels#maxPool}
 * (vectorized for 2×2 windows at stride 2), held to {@link PoolReference#maxPool} bit for bit;
 * average pooling calls {@link PoolReference#avgPool} itself.
 *
 * <p>ONNX: {@code MaxPool} / {@code AveragePool} with {@code kernel_shape} and {@code strides}.
 */
public abstract sealed class Pool implements LayerKind {

    @Override
    public List<ArgSpec> args() {
        return List.of(ArgSpec.pair("size", null), ArgSpec.pair("stride", List.of()));
    }

    private int[] stride(Args args) {
        int[] s = args.pair("stride");
        return s.length == 0 ? args.pair("size") : s;
    }

    Window window(Shape in, Args args) {
        return Window.checked(name(), in, args.pair("size"), stride(args), "valid");
    }

    @Override
    public Shape outputShape(Shape in, Args args, ShapeErrors errors) {
        Window w = Window.of(name(), in, args.pair("size"), stride(args), "valid", errors);
        if (w == null) {
            return null;
        }
        return Shape.of(in.dim(0), w.oh(), w.ow());
    }

    @Override
    public long flops(Shape in, Shape out, Args args) {
        int[] k = args.pair("size");
        return (long) out.size() * k[0] * k[1];
    }

    /** Opens the loops over samples, channels and output positions; {@code t} the output. */
    void openLoops(EmitSite s, Window w) {
        Shape in = s.inShape();
        var c = s.code();
        c.beginControlFlow("for (int i = 0; i < n; i++)");
        c.addStatement("final int xo = i * $L", s.inSize());
        c.beginControlFlow("for (int c = 0; c < $L; c++)", in.dim(0));
        c.beginControlFlow("for (int oy = 0; oy < $L; oy++)", w.oh());
        c.beginControlFlow("for (int ox = 0; ox < $L; ox++)", w.ow());
        c.addStatement("final int t = ((i * $L + c) * $L + oy) * $L + ox", in.dim(0), w.oh(),
                w.ow());
        c.addStatement("final int corner = xo + (c * $L + oy * $L) * $L + ox * $L", in.dim(1),
                w.sh(), in.dim(2), w.sw());
    }

    /** The arguments of a call of the runtime's pooling: x, n, c, h, w, window, y. */
    static CodeBlock call(EmitSite s, Window w) {
        Shape in = s.inShape();
        return CodeBlock.of("$L, n, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L", s.in(), in.dim(0),
                in.dim(1), in.dim(2), w.kh(), w.kw(), w.sh(), w.sw(), w.oh(), w.ow(), s.out());
    }

    static void closeLoops(EmitSite s) {
        for (int k = 0; k < 4; k++) {
            s.code().endControlFlow();
        }
    }

    void exportPool(ExportSite s, String op) {
        Window w = window(s.inShape(), s.args());
        s.graph().node(op, List.of(s.in()), s.out(),
                OnnxGraph.Attr.ints("kernel_shape", w.kh(), w.kw()),
                OnnxGraph.Attr.ints("strides", w.sh(), w.sw()));
    }

    /** {@code maxpool}. */
    public static final class Max extends Pool {
        @Override
        public String name() {
            return "maxpool";
        }

        @Override
        public String description() {
            return "max pooling of each channel";
        }

        @Override
        public List<WorkBuffer> workBuffers(Shape in, Shape out, Args args) {
            return List.of(WorkBuffer.perSampleInts("the input position of each maximum",
                    out.size()));
        }

        @Override
        public void emitForward(EmitSite s) {
            var c = s.code();
            Window w = window(s.inShape(), s.args());
            Shape in = s.inShape();
            if (s.training()) {
                // the same comparisons as the loops below, in the runtime's kernels
                c.addStatement("$T.maxPoolArg($L, n, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L)",
                        Kernels.class, s.in(), in.dim(0), in.dim(1), in.dim(2), w.kh(), w.kw(),
                        w.sh(), w.sw(), w.oh(), w.ow(), s.out(), s.work(0));
                return;
            }
            if (!s.standalone()) {
                c.addStatement("$T.maxPool($L, n, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L)",
                        Kernels.class, s.in(), in.dim(0), in.dim(1), in.dim(2), w.kh(), w.kw(),
                        w.sh(), w.sw(), w.oh(), w.ow(), s.out());
                return;
            }
            s.members().use(ReferenceSource.POOL);
            if (s.members().reluIn()) {
                // relu and the pooling in one pass (the relu layer before leaves it to this one)
                c.addStatement("maxPoolRelu($L)", call(s, w));
                return;
            }
            c.addStatement("maxPool($L)", call(s, w));
        }

        @Override
        public void emitBackward(EmitSite s) {
            if (s.gradIn() == null) {
                return;
            }
            s.code().addStatement("$T.maxPoolBackward($L, $L, n, $L, $L, $L)", Kernels.class,
                    s.gradOut(), s.work(0), s.inSize(), s.outSize(), s.gradIn());
        }

        @Override
        public void exportOnnx(ExportSite s) {
            exportPool(s, "MaxPool");
        }
    }

    /** {@code avgpool}. */
    public static final class Avg extends Pool {
        @Override
        public String name() {
            return "avgpool";
        }

        @Override
        public String description() {
            return "average pooling of each channel";
        }

        @Override
        public void emitForward(EmitSite s) {
            Window w = window(s.inShape(), s.args());
            if (s.standalone()) {
                s.members().use(ReferenceSource.POOL);
                s.code().addStatement("avgPool($L)", call(s, w));
                return;
            }
            s.code().addStatement("$T.avgPool($L)", PoolReference.class, call(s, w));
        }

        @Override
        public void emitBackward(EmitSite s) {
            if (s.gradIn() == null) {
                return;
            }
            var c = s.code();
            Window w = window(s.inShape(), s.args());
            c.addStatement("$T.fill($L, 0, n * $L, 0f)", java.util.Arrays.class, s.gradIn(),
                    s.inSize());
            openLoops(s, w);
            c.addStatement("final float g = $L[t] * $L", s.gradOut(),
                    EmitSite.f(1.0 / (w.kh() * w.kw())));
            c.beginControlFlow("for (int ky = 0; ky < $L; ky++)", w.kh());
            c.beginControlFlow("for (int kx = 0; kx < $L; kx++)", w.kw());
            c.addStatement("$L[corner + ky * $L + kx] += g", s.gradIn(), s.inShape().dim(2));
            c.endControlFlow();
            c.endControlFlow();
            closeLoops(s);
        }

        @Override
        public void exportOnnx(ExportSite s) {
            exportPool(s, "AveragePool");
        }
    }
}
