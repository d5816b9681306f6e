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
 * the loop that runs the members' layers with them (what a layer makes of a member's parameters,
 * such as W's rows, made once per member when the class loads), and the call of the vote, whose
 * code is the runtime's own ({@link dev.nnc.runtime.model.Ensemble#voteMean} and its siblings,
 * carried verbatim: {@link dev.nnc.compiler.ops.ReferenceSource#VOTE}).
 *
 * <p>For three members of a softmax classifier with a plurality vote the class holds
 * {@code MEMBER_P = {floats(...), floats(...), floats(...)}}, {@code DENSE1_W} (the rows of each
 * member's W), and its predict runs
 * <pre>
 * for (int i = 0; i &lt; 3; i++) {
 *     fwdDense1(xn, a0, n, MEMBER_P[i], MEMBER_BUF[i], i);
 *     ...
 *     System.arraycopy(a3, 0, votes[i], 0, n * OUTPUT_SIZE);
 * }
 * votePlurality(votes, n * OUTPUT_SIZE / 10, 10, out, classVotes);
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
            b.addStatement("$L($L, a$L, n, MEMBER_P[i], $L, i)", StandaloneGenerator.method(l),
                    l.index() == 0 ? in : "a" + (l.index() - 1), l.index(), buf);
        }
        b.addStatement("$T.arraycopy(a$L, 0, votes[i], 0, n * OUTPUT_SIZE)", System.class, last)
                .endControlFlow();
        int[] dims = m.output().dims();
        int k = dims[dims.length - 1];
        ModelSpec.Vote vote = m.spec().ensemble().vote();
        if (vote == ModelSpec.Vote.MEAN) {
            b.addStatement("voteMean(votes, n * OUTPUT_SIZE / $L, $L, out)", k, k);
        } else if (m.spec().loss() == ModelSpec.Loss.BINARY_CROSS_ENTROPY) {
            b.addStatement("voteOnes(votes, n * OUTPUT_SIZE / $L, $L, out)", k, k);
        } else {
            b.addStatement("votePlurality(votes, n * OUTPUT_SIZE / $L, $L, out, classVotes)", k,
                    k);
        }
    }

    /** The instance's scratch of the vote: the votes of each class of a row. */
    static void addFields(TypeSpec.Builder t, ModelIR m) {
        ModelSpec.EnsembleSpec e = m.spec().ensemble();
        if (e.vote() != ModelSpec.Vote.MEAN
                && m.spec().loss() != ModelSpec.Loss.BINARY_CROSS_ENTROPY) {
            int[] dims = m.output().dims();
            t.addField(FieldSpec.builder(int[].class, "classVotes", Modifier.PRIVATE,
                    Modifier.FINAL).addJavadoc("The members' votes for each class of a row.\n")
                    .initializer("new int[$L]", dims[dims.length - 1]).build());
        }
    }
}
