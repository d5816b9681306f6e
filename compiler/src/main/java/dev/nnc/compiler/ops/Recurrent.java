package dev.nnc.compiler.ops;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.nnc.compiler.onnx.OnnxGraph;
import dev.nnc.runtime.kernels.Kernels;
import dev.nnc.runtime.kernels.SequenceKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recurrent layers {@code rnn(units)}, {@code lstm(units)} and {@code gru(units)} on a
 * sequence [T,F]: one class, three cells (textbook step 9).
 *
 * <p>Arguments: {@code units}; {@code sequence: false} (output the last step's hidden state,
 * shape [units]) or {@code true} (every step's, [T,units]); {@code bidirectional: true} adds a
 * second direction with its own weights that reads t = T−1 … 0, and the two are concatenated per
 * step ([T,2·units]) or, with {@code sequence: false}, as each direction's final state (the
 * forward one after t = T−1, the backward one after t = 0: [2·units]); {@code init} (weights;
 * biases then start at 0) and {@code bias}. Without {@code init}, every weight and bias starts at
 * PyTorch's U(±1/√units), whatever the model's {@code init} setting. {@code mask: true} reads
 * sequences of varying length padded with all-zero steps at their end: padded steps change
 * neither the outputs nor the gradients (see {@link RecurrentMask}; ONNX: {@code sequence_lens}).
 *
 * <p>Forward, per direction, with h₋₁ = c₋₁ = 0, rows are samples, σ the logistic function:
 * <pre>
 * rnn:  h_t = tanh(x_t·W + h_{t−1}·U + B)
 * lstm: [i o f g] = x_t·W + h_{t−1}·U + B;  i, o, f = σ(·), g = tanh(·)
 *       c_t = f ⊙ c_{t−1} + i ⊙ g;  h_t = o ⊙ tanh(c_t)
 * gru:  [z r] = σ(x_t·W_zr + h_{t−1}·U_zr + B_zr)
 *       n = tanh(x_t·W_h + B_h + r ⊙ (h_{t−1}·U_h + Bhn))
 *       h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
 * </pre>
 * The GRU is the form with the reset gate applied after the recurrent product (ONNX
 * {@code linear_before_reset = 1}, PyTorch's and cuDNN's GRU), so its recurrent bias of the
 * candidate, {@code Bhn}, is a tensor of its own; every other bias pair of PyTorch is one sum here.
 *
 * <p>Parameter layout, per direction (the backward direction's tensors end in {@code _rev}):
 * {@code W} [F, G·units], {@code U} [units, G·units], {@code B} [G·units] and, for gru,
 * {@code Bhn} [units], each row-major like dense's W, with the G gate blocks side by side along
 * the columns in ONNX's order: lstm (i, o, f, c), gru (z, r, h), rnn one block. ONNX's
 * {@code W} [dirs, G·units, F] is therefore nnc's W transposed per direction, {@code R} is U
 * transposed, and {@code B} = [B, 0] (lstm, rnn) or [B, 0, 0, Bhn] (gru): the gate permutation is
 * the identity. PyTorch's order is (i, f, g, o) for the LSTM and (r, z, n) for the GRU.
 *
 * <p>Back-propagation through time, generated for the fixed T and sizes: the input products of
 * all steps are one matrix product over the n·T rows, the recurrent product is one [n, units] ×
 * [units, G·units] product per step, and after the backward sweep dW = Xᵀ·dZ and dU = H₋ᵀ·dZ
 * (H₋ holding every step's previous state) are again one product each. Work buffers are
 * time-major (row t·n + i), allocated once per batch size.
 */
public final class Recurrent implements LayerKind {

    /** The three cells. */
    public enum Cell {
        RNN("rnn", 1, "recurrent layer: h_t = tanh(x_t·W + h_{t-1}·U + B)"),
        LSTM("lstm", 4, "long short-term memory layer (gates i, o, f, c)"),
        GRU("gru", 3, "gated recurrent unit layer (gates z, r, h)");

        final String name;
        final int gates;
        final String description;

        Cell(String name, int gates, String description) {
            this.name = name;
            this.gates = gates;
            this.description = description;
        }
    }

    private final Cell cell;

    public Recurrent(Cell cell) {
        this.cell = cell;
    }

    public Cell cell() {
        return cell;
    }

    @Override
    public String name() {
        return cell.name;
    }

    @Override
    public String description() {
        return cell.description;
    }

    @Override
    public List<ArgSpec> args() {
        return List.of(ArgSpec.positiveInt("units"), ArgSpec.bool("sequence", false),
                ArgSpec.bool("bidirectional", false), ArgSpec.init("init"),
                ArgSpec.bool("bias", true), ArgSpec.bool("mask", false));
    }

    @Override
    public Shape outputShape(Shape in, Args args, ShapeErrors errors) {
        if (in.kind() != Shape.Kind.SEQUENCE) {
            String hint = in.kind() == Shape.Kind.VECTOR
                    ? "; declare a sequence input as [T,F] (e.g. 'input [" + in.size() + ",1]' for "
                    + in.size() + " steps of 1 feature), and give a recurrent layer before it "
                    + "'sequence: true' to pass on every step"
                    : "";
            errors.report("%s needs a sequence [T,F] input, but its input has shape %s %s%s",
                    name(), in, in.kind().pattern(), hint);
            return null;
        }
        int width = args.integer("units") * (args.bool("bidirectional") ? 2 : 1);
        return args.bool("sequence") ? Shape.of(in.dim(0), width) : Shape.vector(width);
    }

    private static int dirs(Args a) {
        return a.bool("bidirectional") ? 2 : 1;
    }

    /** The number of parameter tensors of one direction. */
    private int perDirection(Args a) {
        if (!a.bool("bias")) {
            return 2;
        }
        return cell == Cell.GRU ? 4 : 3;
    }

    @Override
    public List<TensorDef> params(Shape in, Shape out, Args args) {
        int f = in.dim(1);
        int h = args.integer("units");
        int gh = cell.gates * h;
        InitSpec u = new InitSpec("uniform", 1 / Math.sqrt(h));
        List<TensorDef> t = new ArrayList<>();
        for (int d = 0; d < dirs(args); d++) {
            String sfx = d == 0 ? "" : "_rev";
            t.add(TensorDef.preferring("W" + sfx, new int[] {f, gh}, false, f, gh, u));
            t.add(TensorDef.preferring("U" + sfx, new int[] {h, gh}, false, h, gh, u));
            if (args.bool("bias")) {
                t.add(TensorDef.preferring("B" + sfx, new int[] {gh}, true, f, gh, u));
                if (cell == Cell.GRU) {
                    t.add(TensorDef.preferring("Bhn" + sfx, new int[] {h}, true, h, h, u));
                }
            }
        }
        return t;
    }

    @Override
    public long flops(Shape in, Shape out, Args args) {
        long t = in.dim(0);
        long f = in.dim(1);
        long h = args.integer("units");
        long gh = cell.gates * h;
        return dirs(args) * t * (2 * gh * (f + h) + 6 * gh);
    }

    // ---- work buffers ----------------------------------------------------------------------

    /**
     * The work buffers by name, floats per sample (negative: that many floats in all), in the
     * order of {@link #workBuffers}.
     */
    private Map<String, Integer> layout(Shape in, Args args) {
        int t = in.dim(0);
        int f = in.dim(1);
        int h = args.integer("units");
        int gh = cell.gates * h;
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("xT", t * f);
        for (int d = 0; d < dirs(args); d++) {
            m.put("zx" + d, t * gh);
            m.put("hu" + d, t * gh);
            m.put("hT" + d, (t + 1) * h);
            if (cell == Cell.LSTM) {
                m.put("cT" + d, (t + 1) * h);
            }
            m.put("dz" + d, t * gh);
            if (cell == Cell.GRU) {
                m.put("dzh" + d, t * gh);
                m.put("dhd" + d, h);
            }
            if (cell == Cell.LSTM) {
                m.put("dc" + d, h);
            }
            m.put("dhp" + d, t * h);
            m.put("ut" + d, -gh * h);
            m.put("wt" + d, -gh * f);
            m.put("up" + d, -gh * h);
        }
        m.put("dxT", t * f);
        return m;
    }

    private static final Map<String, String> WHAT = Map.ofEntries(
            Map.entry("xT", "the input, time-major"),
            Map.entry("zx", "input products, then the gate values"),
            Map.entry("hu", "recurrent products"),
            Map.entry("hT", "the states h (slot t: h before step t)"),
            Map.entry("cT", "the cell states c"),
            Map.entry("dz", "dLoss/d(gate inputs)"),
            Map.entry("dzh", "dLoss/d(recurrent products)"),
            Map.entry("dhp", "dLoss/d(previous state)"),
            Map.entry("dxT", "dLoss/dX, time-major"),
            Map.entry("ut", "U transposed"),
            Map.entry("up", "U packed for the inference steps"),
            Map.entry("wt", "W transposed"));

    @Override
    public List<WorkBuffer> workBuffers(Shape in, Shape out, Args args) {
        List<WorkBuffer> w = new ArrayList<>();
        for (Map.Entry<String, Integer> e : layout(in, args).entrySet()) {
            String base = e.getKey().replaceAll("[0-9]$", "");
            String what = WHAT.getOrDefault(base, "a per-step scratch row");
            w.add(e.getValue() > 0 ? WorkBuffer.perSample(what, e.getValue())
                    : WorkBuffer.fixed(what, -e.getValue()));
        }
        if (args.bool("mask")) {
            w.add(WorkBuffer.perSampleInts("the lengths of the sequences", 1));
        }
        return w;
    }

    /** Declares locals naming the work buffers (the standalone class: the instance's arrays). */
    private void declare(EmitSite s, boolean backward) {
        var c = s.code();
        int k = 0;
        for (Map.Entry<String, Integer> e : layout(s.inShape(), s.args()).entrySet()) {
            String name = e.getKey();
            // (the standalone lstm and gru make each sample's recurrent products in a scratch
            // row)
            boolean fwdNeeded = name.equals("xT") || name.startsWith("zx")
                    || name.startsWith("hu") && !(s.standalone() && cell != Cell.RNN)
                    || name.startsWith("hT") || name.startsWith("cT")
                    || name.startsWith("up") && !s.standalone();
            if (s.standalone()) {
                if (fwdNeeded) { // arrays of the instance, grown with the batch
                    c.addStatement("final float[] $L = $L", name,
                            s.members().perSample(name, e.getValue(), false));
                }
            } else if (backward || fwdNeeded) {
                c.addStatement("final float[] $L = $L", name, s.work(k));
            }
            k++;
        }
        if (s.args().bool("mask")) {
            c.addStatement("final int[] len = $L", s.standalone()
                    ? s.members().perSample("Len", 1, true) : s.work(k));
        }
    }

    // ---- emission helpers ------------------------------------------------------------------

    private static final ClassName SEQUENCE_KERNELS = ClassName.get(SequenceKernels.class);
    private static final ClassName BACKWARD = ClassName.get(SequenceKernels.Backward.class);

    private record Dims(int t, int f, int h, int g, int gh, int dirs, int width, boolean seq,
            boolean bias, boolean mask) {
        static Dims of(EmitSite s, Cell cell) {
            int t = s.inShape().dim(0);
            int f = s.inShape().dim(1);
            int h = s.args().integer("units");
            int d = Recurrent.dirs(s.args());
            return new Dims(t, f, h, cell.gates, cell.gates * h, d, d * h,
                    s.args().bool("sequence"), s.args().bool("bias"), s.args().bool("mask"));
        }
    }

    /** The offsets of direction {@code d}'s W, U, B (-1 without) and Bhn (-1 without) in p. */
    private int[] offsets(EmitSite s, int d) {
        int per = perDirection(s.args());
        int w = s.offset(d * per);
        int u = s.offset(d * per + 1);
        int b = s.args().bool("bias") ? s.offset(d * per + 2) : -1;
        int bhn = s.args().bool("bias") && cell == Cell.GRU ? s.offset(d * per + 3) : -1;
        return new int[] {w, u, b, bhn};
    }

    /** Arguments of a call, each a {@code $L}, wrapped where the line gets long. */
    static CodeBlock args(Object... values) {
        List<CodeBlock> parts = new ArrayList<>();
        for (Object v : values) {
            parts.add(CodeBlock.of("$L", v == null ? "null" : v));
        }
        return CodeBlock.join(parts, ",$W");
    }

    /** The runtime's constant of the cell: {@code SequenceKernels.Cell.LSTM}. */
    private CodeBlock cellConstant() {
        return CodeBlock.of("$T.$L", SequenceKernels.Cell.class, cell.name());
    }

    /** {@code t} of reading step {@code s}: forward s, backward T−1−s. */
    private static CodeBlock stepTime(boolean rev, int t) {
        return rev ? CodeBlock.of("$L - s", t - 1) : CodeBlock.of("s");
    }

    /** The slot of the state after step t: forward t + 1; backward t − 1, the final one in T. */
    private static CodeBlock nextSlot(boolean rev, int t) {
        return rev ? CodeBlock.of("t == 0 ? $L : t - 1", t) : CodeBlock.of("t + 1");
    }

    @Override
    public boolean usesActivationFunctions() {
        return true;
    }

    // ---- forward ---------------------------------------------------------------------------

    @Override
    public void emitForward(EmitSite s) {
        Dims k = Dims.of(s, cell);
        var c = s.code();
        declare(s, false);
        // the input, time-major: row t·n + i
        c.beginControlFlow("for (int i = 0; i < n; i++)");
        c.beginControlFlow("for (int t = 0; t < $L; t++)", k.t);
        c.addStatement("$T.arraycopy($L, (i * $L + t) * $L, xT, (t * n + i) * $L, $L)",
                System.class, s.in(), k.t, k.f, k.f, k.f);
        c.endControlFlow();
        c.endControlFlow();
        if (k.mask) {
            RecurrentMask.lengths(c, s.in(), k.t, k.f);
        }
        // NOTE: training steps take the fast kernels; inference computes exactly what the
        // standalone class computes (products in the plain loops' order on Kernels.dense().infer,
        // the cells' step on the sequence kernels, whose σ and tanh round as the standalone's
        // copies of Activations do), so predictions do not depend on the JVM's options and equal
        // the standalone class's to the bit, as for dense layers.
        if (s.training()) {
            c.addStatement("final $T seqk = $T.get()", SEQUENCE_KERNELS, SEQUENCE_KERNELS);
        }
        for (int d = 0; d < k.dirs; d++) {
            forwardDirection(s, k, d);
        }
    }

    /**
     * Direction {@code d}'s forward pass: on the sequence kernels (training steps), with the
     * products in the plain order on {@link Kernels#dense()}'s {@code infer} and the step on the
     * sequence kernels (the model class's inference), or by the reference the standalone class
     * carries ({@code CellReference}).
     */
    private void forwardDirection(EmitSite s, Dims k, int d) {
        var c = s.code();
        int[] o = offsets(s, d);
        boolean rev = d == 1;
        String zx = "zx" + d;
        String hu = "hu" + d;
        String hT = "hT" + d;
        String cT = cell == Cell.LSTM ? "cT" + d : null;
        int h = k.h;
        c.add("// direction $L: $L\n", d, rev ? "t = T-1 ... 0" : "t = 0 ... T-1");
        c.add("{\n$>");
        // the input products of every step at once, bias included
        CodeBlock rows = CodeBlock.of("n * $L", k.t);
        if (s.training()) {
            c.addStatement("$T.denseForward(xT, n * $L, $L, p, $L, $L, $L, $L)", Kernels.class,
                    k.t, k.f, o[0], o[2], k.gh, zx);
        } else {
            product(s, "xT", "0", rows, k.f, o[0], o[2], k.gh, zx);
        }
        // the initial state (slot 0 forward, slot T−1 backward) is zero
        int init = rev ? k.t - 1 : 0;
        c.addStatement("$T.fill($L, $L * n, $L * n, 0f)", Arrays.class, hT, init * h,
                (init + 1) * h);
        if (cT != null) {
            c.addStatement("$T.fill($L, $L * n, $L * n, 0f)", Arrays.class, cT, init * h,
                    (init + 1) * h);
        }
        c.beginControlFlow("for (int s = 0; s < $L; s++)", k.t);
        c.addStatement("final int t = $L", stepTime(rev, k.t));
        c.addStatement("final int ns = $L", nextSlot(rev, k.t));
        c.addStatement("final int r0 = t * n");
        CodeBlock next = CodeBlock.of("ns * n * $L", h);
        if (s.training()) {
            c.addStatement("seqk.forwardStep($L)", args(cellConstant(), hT, "r0", "n", h, "p",
                    o[1], o[3], hu, zx, cT, next, "s == 0"));
        } else if (s.standalone() && cell == Cell.LSTM) {
            RecurrentStandalone.lstmStep(s, h, zx, hT, cT, o[1]);
        } else if (s.standalone() && cell == Cell.GRU) {
            RecurrentStandalone.gruStep(s, h, zx, hT, o[1], o[3]);
        } else if (s.standalone()) {
            c.beginControlFlow("if (s == 0)");
            c.addStatement("$T.fill($L, r0 * $L, (r0 + n) * $L, 0f)", Arrays.class, hu, k.gh,
                    k.gh);
            c.nextControlFlow("else");
            product(s, hT, "r0", "r0 + n", h, o[1], -1, k.gh, hu);
            c.endControlFlow();
            RecurrentStandalone.step(s, h, zx, hu, hT);
        } else {
            // the model class outside training steps: the recurrent product in the order of the
            // standalone class's and the cell's step, on the sequence kernels (same bits)
            c.addStatement("$T.get().inferStep($L)", SEQUENCE_KERNELS, args(cellConstant(), hT,
                    "r0", "n", h, "p", o[1], o[3], hu, zx, cT, next, "s == 0", "up" + d));
        }
        if (k.mask) {
            RecurrentMask.forwardStep(c, h, hT, cT);
        }
        c.endControlFlow();
        output(s, k, d);
        c.add("$<}\n");
    }

    /**
     * z[r, :] = (b or 0) + x[r, :]·W for rows r in [from, to), W [in, out] at p[w], in the plain
     * loops' order: the dense kernels' {@code infer}, or the same loops inline (standalone).
     */
    private static void product(EmitSite s, String x, Object from, Object to, int in, int w,
            int b, int out, String z) {
        if (s.standalone()) {
            RecurrentStandalone.product(s, x, from, to, in, w, b, out, z);
            return;
        }
        s.code().addStatement("$T.dense().infer($L)", Kernels.class,
                args(x, from, to, in, "p", w, b, out, z));
    }

    /** Copies direction d's states to the output: every step's, or the final one. */
    private static void output(EmitSite s, Dims k, int d) {
        var c = s.code();
        String hT = "hT" + d;
        int h = k.h;
        int off = d * h;
        c.beginControlFlow("for (int i = 0; i < n; i++)");
        if (k.seq) {
            c.beginControlFlow("for (int t = 0; t < $L; t++)", k.t);
            c.addStatement("final int ns = $L", nextSlot(d == 1, k.t));
            c.addStatement("$T.arraycopy($L, (ns * n + i) * $L, $L, (i * $L + t) * $L + $L, $L)",
                    System.class, hT, h, s.out(), k.t, k.width, off, h);
            c.endControlFlow();
        } else {
            c.addStatement("$T.arraycopy($L, ($L * n + i) * $L, $L, i * $L + $L, $L)",
                    System.class, hT, k.t, h, s.out(), k.width, off, h);
        }
        c.endControlFlow();
        if (k.seq && k.mask) {
            RecurrentMask.zeroPaddedOutput(c, s.out(), k.t, k.width, off, h);
        }
    }

    // ---- backward --------------------------------------------------------------------------

    @Override
    public void emitBackward(EmitSite s) {
        Dims k = Dims.of(s, cell);
        declare(s, true);
        for (int d = 0; d < k.dirs; d++) {
            backwardDirection(s, k, d);
        }
    }

    private void backwardDirection(EmitSite s, Dims k, int d) {
        var c = s.code();
        int[] o = offsets(s, d);
        boolean rev = d == 1;
        int h = k.h;
        boolean gru = cell == Cell.GRU;
        boolean lstm = cell == Cell.LSTM;
        String dz = "dz" + d;
        String dzh = gru ? "dzh" + d : dz;
        String hT = "hT" + d;
        c.add("// direction $L, steps in reverse of its reading order\n", d);
        c.add("{\n$>");
        c.addStatement("$T.transpose(p, $L, $L, $L, ut$L)", SEQUENCE_KERNELS, o[1], h, k.gh, d);
        if (s.gradIn() != null) {
            c.addStatement("$T.transpose(p, $L, $L, $L, wt$L)", SEQUENCE_KERNELS, o[0], k.f,
                    k.gh, d);
        }
        // the direction's buffers, named once for all its steps
        String steps = "steps" + d;
        c.addStatement("final $T $L = $T.of($L)", BACKWARD, steps, BACKWARD, args(cellConstant(),
                h, "zx" + d, gru ? "hu" + d : null, hT, lstm ? "cT" + d : null, "dhp" + d,
                lstm ? "dc" + d : null, dz, gru ? dzh : null, gru ? "dhd" + d : null, "ut" + d));
        c.beginControlFlow("for (int s = $L; s >= 0; s--)", k.t - 1);
        c.addStatement("final int t = $L", stepTime(rev, k.t));
        c.addStatement("final int ns = $L", nextSlot(rev, k.t));
        c.addStatement("final int r0 = t * n");
        // rows of the step read after this one, whose dLoss/d(previous state) is this state's
        c.addStatement("final int nr0 = $L", rev ? "(t - 1) * n" : "(t + 1) * n");
        c.addStatement("final boolean first = s == $L", k.t - 1);
        // the cell's step backward, then dLoss/d(previous state) = dZ·Uᵀ unless the previous
        // state is the initial zero (s == 0)
        CodeBlock go = k.seq ? CodeBlock.of("t * $L + $L", k.width, d * h)
                : CodeBlock.of("$L", d * h);
        c.addStatement("$T.get().backwardStep($L)", SEQUENCE_KERNELS, args(steps, "r0", "n",
                CodeBlock.of("ns * n * $L", h), "nr0", "first", s.gradOut(), go,
                k.seq ? k.t * k.width : k.width, k.seq ? "true" : "first", "s == 0"));
        if (k.mask) {
            RecurrentMask.backwardStep(c, h, k.gh, dz, gru ? dzh : null, lstm ? "dc" + d : null,
                    "dhp" + d, s.gradOut(), go, k.width, k.seq);
        }
        c.endControlFlow();
        // the weight gradients over all n·T rows at once
        c.addStatement("$T.get().gradWeights($L)", SEQUENCE_KERNELS,
                args("xT", CodeBlock.of("n * $L", k.t), k.f, dz, k.gh, "gp", o[0], o[2]));
        c.addStatement("$T.get().gradWeights($L)", SEQUENCE_KERNELS,
                args(hT, CodeBlock.of("n * $L", k.t), h, dzh, k.gh, "gp", o[1], -1));
        if (o[3] >= 0) {
            c.addStatement("$T.fill(gp, $L, $L, 0f)", Arrays.class, o[3], o[3] + h);
            c.beginControlFlow("for (int r = 0, e = n * $L; r < e; r++)", k.t);
            c.addStatement("final int z = r * $L + $L", k.gh, 2 * h);
            c.beginControlFlow("for (int j = 0; j < $L; j++)", h);
            c.addStatement("gp[$L + j] += $L[z + j]", o[3], dzh);
            c.endControlFlow();
            c.endControlFlow();
        }
        if (s.gradIn() != null) {
            c.addStatement("$T.denseForward($L, n * $L, $L, wt$L, 0, -1, $L, dxT)", Kernels.class,
                    dz, k.t, k.gh, d, k.f);
            c.beginControlFlow("for (int i = 0; i < n; i++)");
            c.beginControlFlow("for (int t = 0; t < $L; t++)", k.t);
            c.addStatement("final int a = (i * $L + t) * $L", k.t, k.f);
            c.addStatement("final int b = (t * n + i) * $L", k.f);
            c.beginControlFlow("for (int q = 0; q < $L; q++)", k.f);
            c.addStatement("$L[a + q] $L dxT[b + q]", s.gradIn(), d == 0 ? "=" : "+=");
            c.endControlFlow();
            c.endControlFlow();
            c.endControlFlow();
        }
        c.add("$<}\n");
    }

    // ---- ONNX ------------------------------------------------------------------------------

    /**
     * ONNX: the input transposed to [T, N, F], one {@code RNN}/{@code LSTM}/{@code GRU} node
     * (forward or bidirectional; gru with {@code linear_before_reset = 1}), then Y [T, dirs, N,
     * units] transposed and reshaped to [N, T, dirs·units], or Y_h [dirs, N, units] to
     * [N, dirs·units].
     */
    @Override
    public void exportOnnx(ExportSite s) {
        int t = s.inShape().dim(0);
        int f = s.inShape().dim(1);
        int h = s.args().integer("units");
        int gh = cell.gates * h;
        int dirs = dirs(s.args());
        boolean bias = s.args().bool("bias");
        int per = perDirection(s.args());
        float[] w = new float[dirs * gh * f];
        float[] r = new float[dirs * gh * h];
        float[] b = new float[dirs * 2 * gh];
        for (int d = 0; d < dirs; d++) {
            float[] pw = s.param(d * per);
            float[] pu = s.param(d * per + 1);
            for (int k = 0; k < f; k++) {
                for (int j = 0; j < gh; j++) {
                    w[d * gh * f + j * f + k] = pw[k * gh + j];
                }
            }
            for (int k = 0; k < h; k++) {
                for (int j = 0; j < gh; j++) {
                    r[d * gh * h + j * h + k] = pu[k * gh + j];
                }
            }
            if (bias) {
                System.arraycopy(s.param(d * per + 2), 0, b, d * 2 * gh, gh);
                if (cell == Cell.GRU) {
                    System.arraycopy(s.param(d * per + 3), 0, b, d * 2 * gh + gh + 2 * h, h);
                }
            }
        }
        OnnxGraph g = s.graph();
        String xt = g.fresh(s.layer() + ".x_tnf");
        g.node("Transpose", List.of(s.in()), xt, OnnxGraph.Attr.ints("perm", 1, 0, 2));
        List<String> inputs = new ArrayList<>(List.of(xt,
                s.constant("W", new int[] {dirs, gh, f}, w),
                s.constant("R", new int[] {dirs, gh, h}, r),
                s.constant("B", new int[] {dirs, 2 * gh}, b)));
        String[] lens = s.args().bool("mask") ? RecurrentMask.exportLengths(s, t) : null;
        if (lens != null) {
            inputs.add(lens[0]);
        }
        boolean seq = s.args().bool("sequence");
        String y = g.fresh(s.layer() + (seq ? ".Y" : ".Y_h"));
        List<String> outputs = seq ? List.of(y) : List.of("", y);
        List<OnnxGraph.Attr> attrs = new ArrayList<>();
        attrs.add(OnnxGraph.Attr.i("hidden_size", h));
        attrs.add(OnnxGraph.Attr.s("direction", dirs == 2 ? "bidirectional" : "forward"));
        if (cell == Cell.GRU) {
            attrs.add(OnnxGraph.Attr.i("linear_before_reset", 1));
        }
        g.node(cell.name(), inputs, outputs, attrs.toArray(new OnnxGraph.Attr[0]));
        y = lens == null ? y : RecurrentMask.exportZeroEmpty(s, y, lens[1], seq);
        String tr = g.fresh(s.layer() + ".transposed");
        if (seq) {
            g.node("Transpose", List.of(y), tr, OnnxGraph.Attr.ints("perm", 2, 0, 1, 3));
            String shape = g.longs(s.layer() + ".shape", new int[] {3},
                    new long[] {-1, t, (long) dirs * h});
            g.node("Reshape", List.of(tr, shape), s.out());
        } else {
            g.node("Transpose", List.of(y), tr, OnnxGraph.Attr.ints("perm", 1, 0, 2));
            String shape = g.longs(s.layer() + ".shape", new int[] {2},
                    new long[] {-1, (long) dirs * h});
            g.node("Reshape", List.of(tr, shape), s.out());
        }
    }
}
