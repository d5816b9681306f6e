package dev.nnc.compiler.ops;

import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Where a layer's generated code goes, what it is for ({@link Mode}) and the names it may use
 * there. Generated methods have these locals: {@code n} (the batch size), {@code p} (parameters)
 * and {@code gp} (their gradients), and {@code buf} (the model's buffers, see
 * {@link LayerKind#buffers}) in layers that own buffers; buffers are sample-major,
 * {@code n * size} floats.
 *
 * <p>Sites are built by the generators, a forward site per mode and one backward site:
 * <pre>
 * EmitSite.forward(code, Mode.TRAIN, "in", "out").shapes(l.in(), l.out()).args(l.args())
 *         .offsets(offsets).work(work).helpers(helpers).build()
 * EmitSite.backward(code, "in", "out", "gin", "gout").shapes(...)...build()
 * </pre>
 * A layer whose training forward differs from its inference emits each for its mode; the model
 * class's generator puts the two under {@code if (training)} when they differ.
 */
public final class EmitSite {

    /** What the emitted code is for. */
    public enum Mode {
        /**
         * A training step of the model class: the forward pass that keeps what the backward pass
         * needs (work buffers, masks, batch statistics), the backward pass, the penalties.
         */
        TRAIN,
        /**
         * The model class outside training steps ({@code predict}, {@code evaluate}): work
         * buffers, helpers and the runtime's kernels are there; the answer must equal the
         * standalone class's to the bit.
         */
        INFER,
        /**
         * The standalone class: inference on nothing but the JDK, in static methods, without
         * work buffers, helpers or a random generator.
         */
        STANDALONE
    }

    private final CodeBlock.Builder code;
    private final Mode mode;
    private final String in;
    private final String out;
    private final String gradIn;
    private final String gradOut;
    private final Shape inShape;
    private final Shape outShape;
    private final Args args;
    private final int[] offsets;
    private final List<String> work;
    private final String rng;
    private final int[] bufferOffsets;
    private final List<String> helpers;
    private final UnaryOperator<CodeBlock> gradInDerivative;
    private final StandaloneMembers members;

    private EmitSite(Builder b) {
        this.code = Objects.requireNonNull(b.code, "code");
        this.mode = Objects.requireNonNull(b.mode, "mode");
        this.in = Objects.requireNonNull(b.in, "in");
        this.out = Objects.requireNonNull(b.out, "out");
        this.gradIn = b.gradIn;
        this.gradOut = b.gradOut;
        this.inShape = Objects.requireNonNull(b.inShape, "inShape");
        this.outShape = Objects.requireNonNull(b.outShape, "outShape");
        this.args = Objects.requireNonNull(b.args, "args");
        this.offsets = b.offsets.clone();
        this.work = List.copyOf(b.work);
        this.rng = b.rng;
        this.bufferOffsets = b.bufferOffsets.clone();
        this.helpers = List.copyOf(b.helpers);
        this.gradInDerivative = b.gradInDerivative;
        this.members = b.members;
        if (mode == Mode.STANDALONE && members == null) {
            throw new IllegalStateException("standalone code needs the class's members");
        }
        if (mode == Mode.STANDALONE && (!work.isEmpty() || !helpers.isEmpty() || rng != null)) {
            throw new IllegalStateException("standalone code has no work buffers, helpers or rng");
        }
    }

    /** A forward site in {@code mode}: reads {@code in}, writes {@code out}. */
    public static Builder forward(CodeBlock.Builder code, Mode mode, String in, String out) {
        return new Builder(code, mode, in, out, null, null);
    }

    /**
     * A backward site (always {@link Mode#TRAIN}): reads {@code gradOut}, writes {@code gradIn}
     * unless it is {@code null}.
     */
    public static Builder backward(CodeBlock.Builder code, String in, String out, String gradIn,
            String gradOut) {
        return new Builder(code, Mode.TRAIN, in, out, gradIn, Objects.requireNonNull(gradOut));
    }

    /** The method body being built. */
    public CodeBlock.Builder code() {
        return code;
    }

    /** What the code is for. */
    public Mode mode() {
        return mode;
    }

    /** True in a training step's code. */
    public boolean training() {
        return mode == Mode.TRAIN;
    }

    /** True for the standalone class's code, which needs nothing but the JDK. */
    public boolean standalone() {
        return mode == Mode.STANDALONE;
    }

    /** The array holding the layer's input. */
    public String in() {
        return in;
    }

    /** The array receiving the layer's output. */
    public String out() {
        return out;
    }

    /** The array receiving dLoss/dIn, or {@code null} when nothing needs it. */
    public String gradIn() {
        return gradIn;
    }

    /** The array holding dLoss/dOut (backward sites). */
    public String gradOut() {
        return gradOut;
    }

    /** The input shape of one sample. */
    public Shape inShape() {
        return inShape;
    }

    /** The output shape of one sample. */
    public Shape outShape() {
        return outShape;
    }

    /** The layer's checked arguments. */
    public Args args() {
        return args;
    }

    /** The names of the layer's work buffers (empty in standalone code). */
    public List<String> work() {
        return work;
    }

    /** The model's {@link dev.nnc.runtime.model.Rng} for random masks, or {@code null}. */
    public String rng() {
        return rng;
    }

    /** The names of the fields holding the layer's runtime helpers. */
    public List<String> helpers() {
        return helpers;
    }

    /**
     * {@code null}, or, for a layer that {@linkplain LayerKind#fusesInputDerivative fuses} it:
     * given a float local holding one value of the layer's input, the expression dLoss/dIn is
     * multiplied by (the derivative of the activation that produced the input);
     * {@link #gradIn} then receives dLoss/dZ of that activation.
     */
    public UnaryOperator<CodeBlock> gradInDerivative() {
        return gradInDerivative;
    }

    /**
     * The standalone class's constants, scratch and reference sources (standalone sites only).
     */
    public StandaloneMembers members() {
        if (members == null) {
            throw new IllegalStateException("only standalone code has the class's members");
        }
        return members;
    }

    /** The name of the field holding runtime helper {@code i} of {@link LayerKind#helpers}. */
    public String helper(int i) {
        return helpers.get(i);
    }

    public int inSize() {
        return inShape.size();
    }

    public int outSize() {
        return outShape.size();
    }

    /**
     * The offset in {@code p} of parameter tensor {@code tensor}, in the order of
     * {@link LayerKind#params}.
     */
    public int offset(int tensor) {
        return offsets[tensor];
    }

    /** The name of work buffer {@code i} of {@link LayerKind#workBuffers}. */
    public String work(int i) {
        return work.get(i);
    }

    /** The offset of buffer tensor {@code tensor} of {@link LayerKind#buffers} in {@code buf}. */
    public int bufferOffset(int tensor) {
        return bufferOffsets[tensor];
    }

    /** A float literal for Java source: {@code 0.5f}. */
    public static String f(double v) {
        float x = (float) v;
        if (Float.isNaN(x) || Float.isInfinite(x)) {
            throw new IllegalArgumentException("not a finite float: " + v);
        }
        return Float.toString(x) + "f";
    }

    /** Builds a site; shapes and arguments are required, everything else defaults to none. */
    public static final class Builder {
        private final CodeBlock.Builder code;
        private final Mode mode;
        private final String in;
        private final String out;
        private final String gradIn;
        private final String gradOut;
        private Shape inShape;
        private Shape outShape;
        private Args args;
        private int[] offsets = new int[0];
        private List<String> work = List.of();
        private String rng;
        private int[] bufferOffsets = new int[0];
        private List<String> helpers = List.of();
        private UnaryOperator<CodeBlock> gradInDerivative;
        private StandaloneMembers members;

        private Builder(CodeBlock.Builder code, Mode mode, String in, String out, String gradIn,
                String gradOut) {
            this.code = code;
            this.mode = mode;
            this.in = in;
            this.out = out;
            this.gradIn = gradIn;
            this.gradOut = gradOut;
        }

        /** The input and output shapes of one sample. */
        public Builder shapes(Shape inShape, Shape outShape) {
            this.inShape = inShape;
            this.outShape = outShape;
            return this;
        }

        public Builder args(Args args) {
            this.args = args;
            return this;
        }

        /** The offset of each parameter tensor in {@code p}, in the order of the params. */
        public Builder offsets(int[] offsets) {
            this.offsets = offsets;
            return this;
        }

        /** The offset of each buffer tensor in {@code buf}, in the order of the buffers. */
        public Builder bufferOffsets(int[] bufferOffsets) {
            this.bufferOffsets = bufferOffsets;
            return this;
        }

        /** The names of the work buffers, in the order of {@link LayerKind#workBuffers}. */
        public Builder work(List<String> work) {
            this.work = work;
            return this;
        }

        /** The name of the model's random generator, for layers that draw. */
        public Builder rng(String rng) {
            this.rng = rng;
            return this;
        }

        /** The names of the helper fields, in the order of {@link LayerKind#helpers}. */
        public Builder helpers(List<String> helpers) {
            this.helpers = helpers;
            return this;
        }

        /** The derivative dLoss/dIn is multiplied by (see {@link #gradInDerivative()}). */
        public Builder gradInDerivative(UnaryOperator<CodeBlock> derivative) {
            this.gradInDerivative = derivative;
            return this;
        }

        /** The standalone class's members (standalone sites). */
        public Builder members(StandaloneMembers members) {
            this.members = members;
            return this;
        }

        public EmitSite build() {
            return new EmitSite(this);
        }
    }
}
