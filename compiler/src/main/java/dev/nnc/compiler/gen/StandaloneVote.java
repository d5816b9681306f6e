package dev.nnc.compiler.gen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.nnc.compiler.ir.LayerIR;
import dev.nnc.compiler.ir.ModelIR;
import dev.nnc.runtime.model.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The ensemble part of a standalone class ({@link StandaloneGenerator}): each member's parameters,
 * the loop that runs the members' layers with them, and the vote, written statement for statement
 * as {@link dev.nnc.runtime.model.Ensemble#vote} computes it (the equivalence suite holds the two
 * to the same floats).
 *
 * <p>For three members the class holds {@code MEMBER_P = {floats(...), floats(...),
 * floats(...)}}, its predict runs
 * <pre>
 * for (int i = 0; i &lt; 3; i++) {
 *     fwdDense1(xn, a0, n, MEMBER_P[i], MEMBER_BUF[i]);
 *     ...
 *     System.arraycopy(a3, 0, votes[i], 0, n * OUTPUT_SIZE);
 * }
 * vote(votes, n * OUTPUT_SIZE / 10, out);
 * </pre>
 */
final class StandaloneVote {
    private StandaloneVote() {
    }

    /** {@code MEMBER_P} and, with buffers, {@code MEMBER_BUF}: one array per member. */
    static void addConstants(TypeSpec.Builder t, ModelSpec.EnsembleSpec e, float[] params,
            float[] buffers) {
        Modifier[] priv = {Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL};
        t.addField(FieldSpec.builder(float[][].class, "MEMBER_P", priv)
                .addJavadoc("The trained parameters of each of the $L members, laid out as in "
                        + "the weights file.\n", e.members())
                .initializer(perMember(params, e.members())).build());
        if (buffers.length > 0) {
            t.addField(FieldSpec.builder(float[][].class, "MEMBER_BUF", priv)
                    .addJavadoc("The buffer values (batch norm's running statistics) of each "
                            + "member.\n")
                    .initializer(perMember(buffers, e.members())).build());
        }
    }

    private static CodeBlock perMember(float[] all, int members) {
        int size = all.length / members;
        List<CodeBlock> parts = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            parts.add(CodeBlock.of("floats($L)", StandaloneGenerator.chunks(
                    StandaloneGenerator.floatBytes(Arrays.copyOfRange(all, i * size,
                            (i + 1) * size)))));
        }
        return CodeBlock.of("{$L}", CodeBlock.join(parts, ",\n"));
    }

    /** The loop over the members and the vote into {@code out}. */
    static void addMembers(MethodSpec.Builder b, ModelIR m, String in) {
        int members = m.spec().ensemble().members();
        String buf = m.bufferCount() > 0 ? "MEMBER_BUF[i]" : "null";
        int last = m.layers().size() - 1;
        b.beginControlFlow("for (int i = 0; i < $L; i++)", members);
        for (LayerIR l : m.layers()) {
            b.addStatement("$L($L, a$L, n, MEMBER_P[i], $L)", StandaloneGenerator.method(l),
                    l.index() == 0 ? in : "a" + (l.index() - 1), l.index(), buf);
        }
        b.addStatement("$T.arraycopy(a$L, 0, votes[i], 0, n * OUTPUT_SIZE)", System.class, last)
                .endControlFlow();
        int[] dims = m.output().dims();
        b.addStatement("vote(votes, n * OUTPUT_SIZE / $L, out)", dims[dims.length - 1]);
    }

    /** {@code vote(outs, rows, out)} for this ensemble's vote and loss. */
    static void addVote(TypeSpec.Builder t, ModelSpec.EnsembleSpec e, ModelSpec.Loss loss,
            int[] outputDims) {
        int k = outputDims[outputDims.length - 1];
        MethodSpec.Builder b = MethodSpec.methodBuilder("vote")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(float[][].class, "outs", Modifier.FINAL)
                .addParameter(int.class, "rows", Modifier.FINAL)
                .addParameter(float[].class, "out", Modifier.FINAL)
                .addStatement("final int members = outs.length");
        if (e.vote() == ModelSpec.Vote.MEAN) {
            b.addJavadoc("The mean of the members' outputs, summed in member order.\n")
                    .addStatement("final int len = rows * $L", k)
                    .beginControlFlow("for (int j = 0; j < len; j++)")
                    .addStatement("float s = 0")
                    .beginControlFlow("for (float[] o : outs)")
                    .addStatement("s += o[j]")
                    .endControlFlow()
                    .addStatement("out[j] = s / members")
                    .endControlFlow();
        } else if (loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY) {
            b.addJavadoc("Each output: the share of members whose output is at least 0.5.\n")
                    .addStatement("final int len = rows * $L", k)
                    .beginControlFlow("for (int j = 0; j < len; j++)")
                    .addStatement("int ones = 0")
                    .beginControlFlow("for (float[] o : outs)")
                    .beginControlFlow("if (o[j] >= 0.5f)")
                    .addStatement("ones++")
                    .endControlFlow()
                    .endControlFlow()
                    .addStatement("out[j] = (float) ones / members")
                    .endControlFlow();
        } else {
            b.addJavadoc("Each class's share of the members' votes; a member votes for its "
                    + "largest output, the lowest index among equal ones.\n")
                    .addStatement("int[] votes = new int[$L]", k)
                    .beginControlFlow("for (int r = 0; r < rows; r++)")
                    .addStatement("$T.fill(votes, 0)", Arrays.class)
                    .beginControlFlow("for (float[] o : outs)")
                    .addStatement("int best = r * $L", k)
                    .beginControlFlow("for (int c = r * $L + 1; c < r * $L + $L; c++)", k, k, k)
                    .beginControlFlow("if (o[c] > o[best])")
                    .addStatement("best = c")
                    .endControlFlow()
                    .endControlFlow()
                    .addStatement("votes[best - r * $L]++", k)
                    .endControlFlow()
                    .beginControlFlow("for (int c = 0; c < $L; c++)", k)
                    .addStatement("out[r * $L + c] = (float) votes[c] / members", k)
                    .endControlFlow()
                    .endControlFlow();
        }
        t.addMethod(b.build());
    }
}
