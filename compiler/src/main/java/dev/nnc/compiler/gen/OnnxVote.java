package dev.nnc.compiler.gen;

import dev.nnc.compiler.onnx.OnnxGraph;
import dev.nnc.compiler.onnx.proto.Onnx.TensorProto;
import dev.nnc.runtime.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The vote of an ensemble's members as ONNX nodes, computing what
 * {@link dev.nnc.runtime.model.Ensemble#vote} computes, float for float.
 *
 * <p>For three softmax members and {@code vote: plurality} the nodes are
 * <pre>
 * member0.dense2 → ArgMax(axis -1) → OneHot(10) ┐
 * member1.dense2 → ArgMax(axis -1) → OneHot(10) ├→ Sum → Div(3) → output
 * member2.dense2 → ArgMax(axis -1) → OneHot(10) ┘
 * </pre>
 * ArgMax takes the first largest entry (the lowest index), as the runtime does; the shares are
 * counts divided by n in float. A mean vote is {@code Sum → Div(n)}, summed in member order.
 * A plurality of sigmoid outputs counts {@code GreaterOrEqual(o, 0.5)} as 1.
 */
final class OnnxVote {
    private OnnxVote() {
    }

    /**
     * Adds the vote of the members' outputs {@code outs}, each choosing among {@code classes}
     * (the last dimension of the output); returns its value's name, which is
     * {@code out} when not {@code null}.
     */
    static String vote(OnnxGraph g, ModelSpec.Vote vote, ModelSpec.Loss loss, List<String> outs,
            int classes, String out) {
        List<String> counted = new ArrayList<>();
        if (vote == ModelSpec.Vote.MEAN) {
            counted.addAll(outs);
        } else if (loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY) {
            String half = g.floats("vote.half", new int[0], new float[] {0.5f});
            for (String o : outs) {
                String ge = g.fresh(o + ".ge_half");
                g.node("GreaterOrEqual", List.of(o, half), ge);
                String one = g.fresh(o + ".vote");
                g.node("Cast", List.of(ge), one,
                        OnnxGraph.Attr.i("to", TensorProto.DataType.FLOAT.getNumber()));
                counted.add(one);
            }
        } else if (loss == ModelSpec.Loss.CROSS_ENTROPY) {
            String depth = g.longs("vote.classes", new int[0], new long[] {classes});
            String values = g.floats("vote.off_on", new int[] {2}, new float[] {0f, 1f});
            for (String o : outs) {
                String index = g.fresh(o + ".argmax");
                g.node("ArgMax", List.of(o), index, OnnxGraph.Attr.i("axis", -1),
                        OnnxGraph.Attr.i("keepdims", 0), OnnxGraph.Attr.i("select_last_index",
                                0));
                String one = g.fresh(o + ".vote");
                g.node("OneHot", List.of(index, depth, values), one,
                        OnnxGraph.Attr.i("axis", -1));
                counted.add(one);
            }
        } else {
            throw new IllegalArgumentException("a plurality vote needs classes, not " + loss);
        }
        String sum = g.fresh("vote.sum");
        g.node("Sum", counted, sum);
        String n = g.floats("vote.members", new int[0], new float[] {outs.size()});
        String result = out != null ? out : g.fresh("vote");
        g.node("Div", List.of(sum, n), result);
        return result;
    }
}
