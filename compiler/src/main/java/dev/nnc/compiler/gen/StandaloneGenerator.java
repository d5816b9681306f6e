package dev.nnc.compiler.gen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.nnc.compiler.ir.LayerIR;
import dev.nnc.compiler.ir.ModelIR;
import dev.nnc.compiler.ir.TensorIR;
import dev.nnc.compiler.ops.EmitSite;
import dev.nnc.compiler.ops.ReferenceSource;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.Difference;
import dev.nnc.runtime.model.ModelSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.lang.model.element.Modifier;

/**
 * Generates the standalone inference class of a trained model: one Java source file that needs
 * nothing but the JDK, with the trained parameters and the model's preprocessing stage (input
 * scale, feature normalization, label de-normalization, class labels; see
 * {@link Preprocessing}) embedded, for dropping into any JVM application.
 *
 * <p>For a classifier {@code Rings} it writes a class used as
 * <pre>
 * Rings rings = new Rings();
 * float[] probabilities = rings.predict(new float[] {0.1f, -0.3f});   // raw input, as nnc predict
 * double label = rings.predictClass(new float[] {0.1f, -0.3f});       // 1, 2 or 3
 * float[][] batch = rings.predict(new float[][] {row1, row2});
 * </pre>
 * Its layer methods are emitted by the same layer kinds as the generated model class's
 * ({@link ModelGenerator}); the operations they call (dense products, the recurrent cells' step,
 * e^x, σ, tanh) are the runtime's reference code, carried verbatim ({@link ReferenceSource}),
 * so its outputs equal {@code nnc predict}'s bit for bit. The parameters and
 * the buffers (batch norm's running statistics, which its inference form reads) are embedded as
 * Base64 text of their little-endian float bits (exact, and free of the 64 KiB limit on a
 * method's code that an array initializer would hit).
 */
public final class StandaloneGenerator {
    /** Characters of Base64 per string literal (a class-file constant holds at most 65535). */
    private static final int CHUNK = 16384;

    private final ModelIR m;
    private final float[] params;
    private final float[] buffers;
    private final Preprocessing prep;
    private final String weightsName;
    private final int last;
    private final boolean scaled;
    private final boolean filled;
    private final boolean features;
    private final boolean labels;
    private final boolean classifier;
    /** The ensemble's settings, or {@code null} for one network. */
    private final ModelSpec.EnsembleSpec ensemble;
    /** The windows of a differenced series ({@link StandaloneDifference}), else {@code null}. */
    private final ModelSpec.Window diff;
    /** The constant of the network's input size ({@code INPUT_SIZE} but for differences). */
    private final String netIn;

    private StandaloneGenerator(ModelIR m, float[] params, float[] buffers, Preprocessing prep,
            String weightsName) {
        this.m = m;
        this.params = params.clone();
        this.buffers = buffers.clone();
        this.prep = prep;
        this.weightsName = weightsName;
        this.last = m.layers().size() - 1;
        this.scaled = prep.scale() != 1;
        this.filled = prep.fill() != null;
        this.features = !prep.features().isIdentity();
        ModelSpec.Loss loss = m.spec().loss();
        this.labels = loss == ModelSpec.Loss.MSE && !prep.labels().isIdentity();
        this.ensemble = m.spec().ensemble();
        this.diff = Difference.of(m.spec());
        this.netIn = diff == null ? "INPUT_SIZE" : StandaloneDifference.NET_INPUT_SIZE;
        int k = m.output().size();
        this.classifier = loss == ModelSpec.Loss.CROSS_ENTROPY && k > 1
                || loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY && k == 1;
    }

    /**
     * The standalone source of {@code model} with the trained {@code params} (laid out as the
     * generated model class keeps them) and the preprocessing saved with them.
     *
     * @param weightsName the weights file's name, for the class comment
     */
    public static JavaFile generate(ModelIR model, float[] params, Preprocessing prep,
            String weightsName) {
        return generate(model, params, new float[0], prep, weightsName);
    }

    /**
     * The standalone source of {@code model} with the trained {@code params} and {@code buffers}
     * (batch norm's running statistics; laid out as the generated model class keeps them) and the
     * preprocessing saved with them.
     *
     * @param weightsName the weights file's name, for the class comment
     */
    public static JavaFile generate(ModelIR model, float[] params, float[] buffers,
            Preprocessing prep, String weightsName) {
        int members = model.spec().ensemble() == null ? 1 : model.spec().ensemble().members();
        if (params.length != model.paramCount() * members) {
            throw new IllegalArgumentException(params.length + " parameters for model "
                    + model.name() + ", which has " + model.paramCount() * members);
        }
        if (buffers.length != model.bufferCount() * members) {
            throw new IllegalArgumentException(buffers.length + " buffer values for model "
                    + model.name() + ", which has " + model.bufferCount() * members);
        }
        if (prep.features().cols() != model.input().size()
                || prep.labels().cols() != model.output().size()) {
            throw new IllegalArgumentException("preprocessing for " + prep.features().cols()
                    + " inputs and " + prep.labels().cols() + " outputs, model " + model.name()
                    + " has " + model.input().size() + " and " + model.output().size());
        }
        return new StandaloneGenerator(model, params, buffers, prep, weightsName).file();
    }

    private JavaFile file() {
        TypeSpec.Builder t = TypeSpec.classBuilder(m.className())
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addJavadoc("The trained model $L, generated by nnc from $L with the weights $L. "
                        + "Do not edit.\n", JavaText.doc(m.name()),
                        JavaText.doc(m.source().displayName()), JavaText.doc(weightsName))
                .addJavadoc("\n<p>Standalone: it needs only the JDK. Inputs are raw, as for "
                        + "{@code nnc predict}; the preprocessing stage inside is: $L. Outputs "
                        + "are $L.\n", prep.withOneHot(null).describe(
                                m.spec().loss()),
                        classifier ? "class probabilities" : labels
                                ? "de-normalized into the labels' units" : "the model's outputs")
                .addJavadoc("\n<p>Not safe for concurrent use (it keeps work buffers): use one "
                        + "instance per thread; instances share the parameters.\n");
        if (prep.oneHot() != null) {
            t.addJavadoc("\n<p>The categorical columns are one-hot encoded before this class: its"
                    + " inputs are, in order, $L (the runtime's {@code OneHot.encode} of a raw"
                    + " row gives them; the weights' metadata {@code nnc.onehot} holds the"
                    + " encoding).\n", JavaText.doc(String.join(", ",
                            prep.oneHot().inputNames())));
        }
        addConstants(t);
        addFields(t);
        addPredict(t);
        if (diff != null) {
            StandaloneDifference.add(t, diff, m.input().size());
        }
        if (classifier) {
            addClassify(t);
        }
        Members members = new Members(t, ensemble == null ? 0 : ensemble.members());
        List<MethodSpec> layers = layerMethods(t, members);
        if (ensemble != null) {
            members.use(ReferenceSource.VOTE);
        }
        addEnsureCapacity(t, members);
        t.addMethods(layers);
        addReferences(t, members);
        addDecoders(t);
        return JavaFile.builder(m.javaPackage(), t.build())
                .skipJavaLangImports(true)
                .indent("    ")
                .build();
    }

    private void addConstants(TypeSpec.Builder t) {
        Modifier[] pub = {Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL};
        Modifier[] priv = {Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL};
        t.addField(FieldSpec.builder(String.class, "NAME", pub).initializer("$S", m.name())
                .build());
        t.addField(FieldSpec.builder(int.class, "INPUT_SIZE", pub)
                .initializer("$L", diff == null ? m.input().size() : Difference.rawSize(diff))
                .build());
        t.addField(FieldSpec.builder(int.class, "OUTPUT_SIZE", pub)
                .initializer("$L", m.output().size()).build());
        if (ensemble != null) {
            StandaloneVote.addConstants(t, ensemble, params, buffers);
        } else {
            t.addField(FieldSpec.builder(float[].class, "P", priv)
                    .addJavadoc("The $L trained parameters, laid out as in the weights file.\n",
                            params.length)
                    .initializer("floats($L)", chunks(floatBytes(params))).build());
        }
        if (buffers.length > 0 && ensemble == null) {
            t.addField(FieldSpec.builder(float[].class, "BUF", priv)
                    .addJavadoc("The $L buffer values (batch norm's running statistics), laid out "
                            + "as in the weights file.\n", buffers.length)
                    .initializer("floats($L)", chunks(floatBytes(buffers))).build());
        }
        if (scaled) {
            t.addField(FieldSpec.builder(double.class, "SCALE", priv)
                    .addJavadoc("Every raw input value is divided by this first.\n")
                    .initializer("$T.longBitsToDouble(0x$LL)", Double.class,
                            Long.toHexString(Double.doubleToRawLongBits(prep.scale())))
                    .build());
        }
        if (filled) {
            t.addField(FieldSpec.builder(float[].class, "FILL", priv)
                    .addJavadoc("The value of each input that is missing (NaN); NaN where none.\n")
                    .initializer("floats($L)", chunks(floatBytes(prep.fill().values())))
                    .build());
        }
        if (features) {
            t.addField(FieldSpec.builder(double[].class, "FEATURE_SHIFT", priv)
                    .initializer("doubles($L)", chunks(doubleBytes(prep.features().shift())))
                    .build());
            t.addField(FieldSpec.builder(double[].class, "FEATURE_SCALE", priv)
                    .initializer("doubles($L)", chunks(doubleBytes(prep.features().scale())))
                    .build());
        }
        if (labels) {
            t.addField(FieldSpec.builder(double[].class, "LABEL_SHIFT", priv)
                    .initializer("doubles($L)", chunks(doubleBytes(prep.labels().shift())))
                    .build());
            t.addField(FieldSpec.builder(double[].class, "LABEL_SCALE", priv)
                    .initializer("doubles($L)", chunks(doubleBytes(prep.labels().scale())))
                    .build());
        }
        if (classifier) {
            int k = m.output().size() == 1 ? 2 : m.output().size();
            ClassLabels c = prep.classes();
            double[] values = new double[k];
            for (int j = 0; j < k; j++) {
                values[j] = c != null && c.size() == k ? c.label(j) : j;
            }
            t.addField(FieldSpec.builder(double[].class, "CLASSES", priv)
                    .addJavadoc("The class label of each output (its index for named classes).\n")
                    .initializer("doubles($L)", chunks(doubleBytes(values))).build());
            CodeBlock.Builder names = CodeBlock.builder().add("{");
            for (int j = 0; j < k; j++) {
                String name = c != null && c.size() == k ? c.name(j) : ClassLabels.format(j);
                names.add(j == 0 ? "$L" : ", $L", JavaText.string(name));
            }
            t.addField(FieldSpec.builder(String[].class, "CLASS_NAMES", priv)
                    .addJavadoc("The class name of each output, as the training data writes it.\n")
                    .initializer(names.add("}").build()).build());
        }
    }

    private void addFields(TypeSpec.Builder t) {
        t.addField(FieldSpec.builder(int.class, "capacity", Modifier.PRIVATE).build());
        if (ensemble != null) {
            t.addField(FieldSpec.builder(float[][].class, "votes", Modifier.PRIVATE)
                    .addJavadoc("The outputs of each member, before the vote.\n").build());
            StandaloneVote.addFields(t, m);
        }
        if (scaled || filled || features) {
            t.addField(FieldSpec.builder(float[].class, "xn", Modifier.PRIVATE)
                    .addJavadoc("The preprocessed input.\n").build());
        }
        for (LayerIR l : ReluIntoPooling.computed(m)) {
            t.addField(FieldSpec.builder(float[].class, "a" + l.index(), Modifier.PRIVATE)
                    .addJavadoc("Output of $L $L.\n", l.name(), l.out()).build());
        }
    }

    private void addPredict(TypeSpec.Builder t) {
        t.addMethod(MethodSpec.methodBuilder("predict").addModifiers(Modifier.PUBLIC)
                .addJavadoc("The outputs for one raw input row of {@code INPUT_SIZE} values.\n")
                .returns(float[].class).addParameter(float[].class, "x")
                .beginControlFlow("if (x.length != INPUT_SIZE)")
                .addStatement("throw new $T($S + x.length + $S + INPUT_SIZE)",
                        IllegalArgumentException.class, "input has ", " values, the model takes ")
                .endControlFlow()
                .addStatement("float[] out = new float[OUTPUT_SIZE]")
                .addStatement("predict(x, 1, out)")
                .addStatement("return out")
                .build());
        t.addMethod(MethodSpec.methodBuilder("predict").addModifiers(Modifier.PUBLIC)
                .addJavadoc("The outputs for raw input rows, one row of outputs per row.\n")
                .returns(float[][].class).addParameter(float[][].class, "rows")
                .addStatement("int n = rows.length")
                .addStatement("float[][] result = new float[n][OUTPUT_SIZE]")
                .beginControlFlow("if (n == 0)").addStatement("return result").endControlFlow()
                .addStatement("ensureCapacity(n)")
                .addStatement("float[] x = new float[n * INPUT_SIZE]")
                .beginControlFlow("for (int r = 0; r < n; r++)")
                .beginControlFlow("if (rows[r].length != INPUT_SIZE)")
                .addStatement("throw new $T($S + (r + 1) + $S + rows[r].length "
                        + "+ $S + INPUT_SIZE)", IllegalArgumentException.class, "row ",
                        " has ", " values, the model takes ")
                .endControlFlow()
                .addStatement("$T.arraycopy(rows[r], 0, x, r * INPUT_SIZE, INPUT_SIZE)",
                        System.class)
                .endControlFlow()
                .addStatement("float[] out = new float[n * OUTPUT_SIZE]")
                .addStatement("predict(x, n, out)")
                .beginControlFlow("for (int r = 0; r < n; r++)")
                .addStatement("$T.arraycopy(out, r * OUTPUT_SIZE, result[r], 0, OUTPUT_SIZE)",
                        System.class)
                .endControlFlow()
                .addStatement("return result")
                .build());
        // a differenced series: this is the network's batch form, behind the raw windows' one
        MethodSpec.Builder b = MethodSpec.methodBuilder(diff == null ? "predict"
                : StandaloneDifference.NETWORK)
                .addModifiers(diff == null ? Modifier.PUBLIC : Modifier.PRIVATE)
                .addJavadoc(diff == null ? "The batch form: {@code n} raw rows in {@code x}, "
                        + "sample after sample; writes {@code n * OUTPUT_SIZE} outputs into "
                        + "{@code out}. {@code x} is not changed.\n" : "The network and its "
                        + "stage on {@code n} windows of differences.\n")
                .addParameter(float[].class, "x").addParameter(int.class, "n")
                .addParameter(float[].class, "out")
                .beginControlFlow("if (n < 1)")
                .addStatement("throw new $T($S + n)", IllegalArgumentException.class,
                        "batch size < 1: ")
                .endControlFlow()
                .beginControlFlow("if (x.length < (long) n * $L "
                        + "|| out.length < (long) n * OUTPUT_SIZE)", netIn)
                .addStatement("throw new $T($S + n + $S + x.length + $S + out.length)",
                        IllegalArgumentException.class, "arrays too short for ",
                        " samples: x has ", ", out has ")
                .endControlFlow()
                .addStatement("ensureCapacity(n)");
        String in = "x";
        if (scaled || filled || features) {
            // NOTE: the runtime's Preprocessing.input, operation for operation: the scale, the
            // fill of a missing value, then Normalizer.apply, each in double and rounded to
            // float once.
            b.beginControlFlow("for (int r = 0; r < n; r++)")
                    .addStatement("final int base = r * $L", netIn)
                    .beginControlFlow("for (int c = 0; c < $L; c++)", netIn);
            String v = "x[base + c]";
            if (scaled) {
                b.addStatement("float v = (float) ($L / SCALE)", v);
                v = "v";
            } else if (filled) {
                b.addStatement("float v = $L", v);
                v = "v";
            }
            if (filled) {
                b.beginControlFlow("if (v != v)").addStatement("v = FILL[c]").endControlFlow();
            }
            if (features) {
                b.addStatement("xn[base + c] = (float) (($L - FEATURE_SHIFT[c]) "
                        + "/ FEATURE_SCALE[c])", v);
            } else {
                b.addStatement("xn[base + c] = $L", v);
            }
            b.endControlFlow().endControlFlow();
            in = "xn";
        }
        if (ensemble != null) {
            StandaloneVote.addMembers(b, m, in);
        } else {
            for (LayerIR l : ReluIntoPooling.computed(m)) {
                int from = l.index() - (ReluIntoPooling.takes(m, l) ? 2 : 1);
                b.addStatement("$L($L, a$L, n)", method(l), from < 0 ? in : "a" + from,
                        l.index());
            }
            b.addStatement("$T.arraycopy(a$L, 0, out, 0, n * OUTPUT_SIZE)", System.class, last);
        }
        if (labels) {
            // NOTE: the same double arithmetic as the runtime's Normalizer.invert.
            b.beginControlFlow("for (int r = 0; r < n; r++)")
                    .addStatement("final int base = r * OUTPUT_SIZE")
                    .beginControlFlow("for (int c = 0; c < OUTPUT_SIZE; c++)")
                    .addStatement("out[base + c] = (float) (out[base + c] * LABEL_SCALE[c] "
                            + "+ LABEL_SHIFT[c])")
                    .endControlFlow()
                    .endControlFlow();
        }
        t.addMethod(b.build());
    }

    private void addClassify(TypeSpec.Builder t) {
        MethodSpec.Builder index = MethodSpec.methodBuilder("classIndex")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC).returns(int.class)
                .addParameter(float[].class, "out").addParameter(int.class, "o");
        if (m.output().size() == 1) {
            index.addStatement("return out[o] >= 0.5f ? 1 : 0");
        } else {
            index.addStatement("int best = 0")
                    .beginControlFlow("for (int j = 1; j < OUTPUT_SIZE; j++)")
                    .beginControlFlow("if (out[o + j] > out[o + best])")
                    .addStatement("best = j")
                    .endControlFlow()
                    .endControlFlow()
                    .addStatement("return best");
        }
        t.addMethod(index.build());
        t.addMethod(MethodSpec.methodBuilder("predictClass").addModifiers(Modifier.PUBLIC)
                .addJavadoc("The class label of one raw input row: the class of the largest "
                        + "probability$L.\n", m.output().size() == 1
                        ? " (class 1 when the output is at least 0.5)" : "")
                .returns(double.class).addParameter(float[].class, "x")
                .addStatement("return CLASSES[classIndex(predict(x), 0)]")
                .build());
        t.addMethod(MethodSpec.methodBuilder("predictClass").addModifiers(Modifier.PUBLIC)
                .addJavadoc("The class labels of raw input rows.\n")
                .returns(double[].class).addParameter(float[][].class, "rows")
                .addStatement("float[][] out = predict(rows)")
                .addStatement("double[] labels = new double[rows.length]")
                .beginControlFlow("for (int r = 0; r < rows.length; r++)")
                .addStatement("labels[r] = CLASSES[classIndex(out[r], 0)]")
                .endControlFlow()
                .addStatement("return labels")
                .build());
        t.addMethod(MethodSpec.methodBuilder("predictClassName").addModifiers(Modifier.PUBLIC)
                .addJavadoc("The class name of one raw input row, as the training data writes "
                        + "it.\n")
                .returns(String.class).addParameter(float[].class, "x")
                .addStatement("return CLASS_NAMES[classIndex(predict(x), 0)]")
                .build());
        t.addMethod(MethodSpec.methodBuilder("classNames").addModifiers(Modifier.PUBLIC,
                Modifier.STATIC)
                .addJavadoc("The class name of each output, as the training data writes it.\n")
                .returns(String[].class).addStatement("return CLASS_NAMES.clone()").build());
        t.addMethod(MethodSpec.methodBuilder("classLabels").addModifiers(Modifier.PUBLIC,
                Modifier.STATIC)
                .addJavadoc("The class label of each output (for one sigmoid output: the "
                        + "labels of 0 and 1).\n")
                .returns(double[].class).addStatement("return CLASSES.clone()").build());
    }

    private void addEnsureCapacity(TypeSpec.Builder t, Members members) {
        MethodSpec.Builder b = MethodSpec.methodBuilder("ensureCapacity")
                .addModifiers(Modifier.PRIVATE).addParameter(int.class, "n")
                .beginControlFlow("if (n <= capacity)").addStatement("return").endControlFlow();
        // NOTE: n * most must fit an int (the rows' form copies them into n * INPUT_SIZE); a
        // larger batch is refused by name, as the model class does
        int most = diff == null ? m.input().size() : Difference.rawSize(diff);
        String widest = "the input";
        for (LayerIR l : m.layers()) {
            if (l.out().size() > most) {
                most = l.out().size();
                widest = "layer " + l.name() + "'s output";
            }
        }
        for (Members.PerSample a : members.perSample) {
            if (a.size() > most) {
                most = a.size();
                widest = "the work array " + a.name();
            }
        }
        int max = (Integer.MAX_VALUE - 8) / most;   // the message in pieces: short lines
        b.beginControlFlow("if (n > $L)", max).addStatement("throw new $T($S + n + $S$W+ $S$W+ $S)",
                IllegalArgumentException.class, "a batch of ", " samples is too large: ", widest,
                " (" + most + " values a sample) would not fit a Java array; pass at most " + max
                + " samples at a time").endControlFlow();
        if (scaled || filled || features) {
            b.addStatement("xn = new float[n * $L]", netIn);
        }
        for (LayerIR l : ReluIntoPooling.computed(m)) {
            b.addStatement("a$L = new float[n * $L]", l.index(), l.out().size());
        }
        for (Members.PerSample a : members.perSample) {
            b.addStatement("$L = new $L[n * $L]", a.name(), a.ints() ? "int" : "float",
                    a.size());
        }
        if (ensemble != null) {
            b.addStatement("votes = new float[$L][n * OUTPUT_SIZE]", ensemble.members());
        }
        b.addStatement("capacity = n");
        t.addMethod(b.build());
    }

    /** The layer methods; the fields they ask for are added to {@code t} on the way. */
    private List<MethodSpec> layerMethods(TypeSpec.Builder t, Members members) {
        List<MethodSpec> methods = new ArrayList<>();
        for (LayerIR l : ReluIntoPooling.computed(m)) {
            int[] offsets = l.params().stream().mapToInt(TensorIR::offset).toArray();
            int[] bufferOffsets = l.buffers().stream().mapToInt(TensorIR::offset).toArray();
            CodeBlock.Builder fwd = CodeBlock.builder();
            if (!l.params().isEmpty() && ensemble == null) {
                fwd.addStatement("final float[] p = P");
            }
            if (!l.buffers().isEmpty() && ensemble == null) {
                fwd.addStatement("final float[] buf = BUF");
            }
            members.layer = method(l).substring(3).replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                    .toUpperCase(Locale.ROOT);
            members.reluIn = ReluIntoPooling.takes(m, l);
            l.kind().emitForward(EmitSite.forward(fwd, EmitSite.Mode.STANDALONE, "in", "out")
                    .shapes(l.in(), l.out()).args(l.args()).offsets(offsets)
                    .bufferOffsets(bufferOffsets).members(members).build());
            members.reluIn = false;
            if (l.kind().usesActivationFunctions()) {
                members.use(ReferenceSource.ACTIVATIONS);
            }
            MethodSpec.Builder method = MethodSpec.methodBuilder(method(l))
                    .addModifiers(Modifier.PRIVATE)
                    .addJavadoc("$L: $L $L → $L.\n", l.name(), l.kind().description(), l.in(),
                            l.out())
                    .addParameter(float[].class, "in", Modifier.FINAL)
                    .addParameter(float[].class, "out", Modifier.FINAL)
                    .addParameter(int.class, "n", Modifier.FINAL);
            if (ensemble != null) {
                // NOTE: each member's parameters, buffers and index come in as arguments.
                method.addParameter(float[].class, "p", Modifier.FINAL)
                        .addParameter(float[].class, "buf", Modifier.FINAL)
                        .addParameter(int.class, "member", Modifier.FINAL);
            }
            methods.add(method.addCode(fwd.build()).build());
        }
        return methods;
    }

    /** The scratch rows the layers asked for and the reference sources they call. */
    private static void addReferences(TypeSpec.Builder t, Members members) {
        members.addStaticBlock();
        for (int i = 0; i < members.scratch.length; i++) {
            if (members.scratch[i] > 0) {
                t.addField(FieldSpec.builder(float[].class, "scratch" + i, Modifier.PRIVATE,
                        Modifier.FINAL)
                        .addJavadoc("Where the layers make their sums and gate values.\n")
                        .initializer("new float[$L]", members.scratch[i]).build());
            }
        }
        // NOTE: in the order of the list, so that σ and tanh come before the cells that call them
        for (ReferenceSource r : List.of(ReferenceSource.ACTIVATIONS, ReferenceSource.DENSE,
                ReferenceSource.CONV, ReferenceSource.POOL, ReferenceSource.CELLS,
                ReferenceSource.VOTE)) {
            if (members.used.contains(r)) {
                t.addFields(r.fields());
                t.addMethods(r.methods());
            }
        }
    }

    private void addDecoders(TypeSpec.Builder t) {
        t.addMethod(MethodSpec.methodBuilder("floats")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC).returns(float[].class)
                .addParameter(String[].class, "base64").varargs()
                .addStatement("$T b = bytes(base64)", ByteBuffer.class)
                .addStatement("float[] v = new float[b.remaining() / 4]")
                .addStatement("b.asFloatBuffer().get(v)")
                .addStatement("return v").build());
        t.addMethod(MethodSpec.methodBuilder("doubles")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC).returns(double[].class)
                .addParameter(String[].class, "base64").varargs()
                .addStatement("$T b = bytes(base64)", ByteBuffer.class)
                .addStatement("double[] v = new double[b.remaining() / 8]")
                .addStatement("b.asDoubleBuffer().get(v)")
                .addStatement("return v").build());
        t.addMethod(MethodSpec.methodBuilder("bytes")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC).returns(ByteBuffer.class)
                .addParameter(String[].class, "base64")
                .addStatement("$T text = new $T()", StringBuilder.class, StringBuilder.class)
                .beginControlFlow("for (String s : base64)")
                .addStatement("text.append(s)")
                .endControlFlow()
                .addStatement("return $T.wrap($T.getDecoder().decode(text.toString()))"
                        + ".order($T.LITTLE_ENDIAN)", ByteBuffer.class, Base64.class,
                        ByteOrder.class)
                .build());
    }

    static String method(LayerIR l) {
        StringBuilder sb = new StringBuilder("fwd");
        boolean upper = true;
        for (char c : l.name().toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }

    static byte[] floatBytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    private static byte[] doubleBytes(double[] v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double d : v) {
            b.putDouble(d);
        }
        return b.array();
    }

    /** The Base64 text of {@code bytes} as string literals of at most {@link #CHUNK} chars. */
    static CodeBlock chunks(byte[] bytes) {
        String text = Base64.getEncoder().encodeToString(bytes);
        List<CodeBlock> parts = new ArrayList<>();
        for (int i = 0; i < text.length(); i += CHUNK) {
            parts.add(CodeBlock.of("$S", text.substring(i, Math.min(text.length(), i + CHUNK))));
        }
        if (parts.isEmpty()) {
            parts.add(CodeBlock.of("$S", ""));
        }
        return CodeBlock.join(parts, ",\n");
    }
}
