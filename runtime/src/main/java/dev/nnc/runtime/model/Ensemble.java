package dev.nnc.runtime.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Several copies of one network that answer together: the model of a {@code .nn} file with an
 * {@code ensemble { }} block. This class holds the one definition of the vote (see {@link #vote});
 * the ONNX graph, the standalone class and the server are checked against it.
 *
 * <p>Example: {@code ensemble { members: 3, vary: bootstrap, vote: plurality }} on a softmax
 * classifier whose members answer classes 2, 0 and 2 for a sample gives the output
 * {@code [1/3, 0, 2/3, 0, ...]}: each class's share of the votes, whose largest entry is the
 * class of the ensemble.
 *
 * <p>The parameters of all members live in one flat array, member after member, under the tensor
 * names {@code member0.dense1.W}, {@code member1.dense1.W}, …, so that one weights file holds
 * the ensemble. That array (and the buffers) is the truth: {@link #predict} copies each member's
 * slice into the member before running it, and after the members were trained on their own
 * {@link #gather} copies them back.
 */
public final class Ensemble implements Model {
    /** The prefix of member {@code i}'s tensors in the weights file: {@code member<i>.}. */
    public static final String PREFIX = "member";

    private final List<Model> members;
    private final ModelSpec.EnsembleSpec settings;
    private final int memberParams;
    private final int memberBuffers;
    private final float[] params;
    private final float[] buffers;
    private final List<ParamTensor> paramTensors;
    private final List<ParamTensor> bufferTensors;
    private float[][] outs = new float[0][];

    private Ensemble(List<? extends Model> members) {
        this.members = List.copyOf(members);
        Model first = this.members.get(0);
        this.settings = Objects.requireNonNull(first.spec().ensemble(),
                "the model has no ensemble settings");
        if (this.members.size() != settings.members()) {
            throw new IllegalArgumentException(this.members.size() + " members for an ensemble "
                    + "of " + settings.members());
        }
        for (Model m : this.members) {
            if (!m.architectureHash().equals(first.architectureHash())) {
                throw new IllegalArgumentException("members of different architectures");
            }
        }
        this.memberParams = first.params().length;
        this.memberBuffers = first.buffers().length;
        this.params = new float[memberParams * this.members.size()];
        this.buffers = new float[memberBuffers * this.members.size()];
        this.paramTensors = prefixed(first.paramTensors(), memberParams, this.members.size());
        this.bufferTensors = prefixed(first.bufferTensors(), memberBuffers, this.members.size());
        gather();
    }

    /**
     * The ensemble of {@code members}, fresh instances of one generated class whose spec has
     * {@link ModelSpec#ensemble()} settings for exactly that many members. Their current
     * parameters become the ensemble's.
     */
    public static Ensemble of(List<? extends Model> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("no members");
        }
        return new Ensemble(members);
    }

    private static List<ParamTensor> prefixed(List<ParamTensor> one, int size, int n) {
        List<ParamTensor> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (ParamTensor p : one) {
                all.add(new ParamTensor(PREFIX + i + "." + p.name(), p.shape(),
                        i * size + p.offset()));
            }
        }
        return List.copyOf(all);
    }

    /**
     * The architecture hash of an ensemble of {@code members} networks of architecture
     * {@code memberHash}: weights of a single network (or of another number of members) do not
     * load into it. SHA-256 of {@code "<memberHash> ensemble <members>"}.
     */
    public static String architectureHash(String memberHash, int members) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((memberHash + " ensemble "
                    + members).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }

    /** The ensemble's settings. */
    public ModelSpec.EnsembleSpec settings() {
        return settings;
    }

    /** The number of members. */
    public int size() {
        return members.size();
    }

    /**
     * Member {@code i} with the ensemble's parameters of that member copied in: to train it
     * (then {@link #gather}) or to run it alone.
     */
    public Model member(int i) {
        Model m = members.get(i);
        scatter(i, m);
        return m;
    }

    /** Copies every member's parameters and buffers into the ensemble's arrays. */
    public void gather() {
        for (int i = 0; i < members.size(); i++) {
            Model m = members.get(i);
            System.arraycopy(m.params(), 0, params, i * memberParams, memberParams);
            System.arraycopy(m.buffers(), 0, buffers, i * memberBuffers, memberBuffers);
        }
    }

    private void scatter(int i, Model m) {
        System.arraycopy(params, i * memberParams, m.params(), 0, memberParams);
        System.arraycopy(buffers, i * memberBuffers, m.buffers(), 0, memberBuffers);
    }

    @Override
    public String name() {
        return members.get(0).name();
    }

    @Override
    public String architectureHash() {
        return architectureHash(members.get(0).architectureHash(), members.size());
    }

    @Override
    public int[] inputShape() {
        return members.get(0).inputShape();
    }

    @Override
    public int[] outputShape() {
        return members.get(0).outputShape();
    }

    @Override
    public int inputSize() {
        return members.get(0).inputSize();
    }

    @Override
    public int outputSize() {
        return members.get(0).outputSize();
    }

    @Override
    public ModelSpec spec() {
        return members.get(0).spec();
    }

    @Override
    public float[] params() {
        return params;
    }

    @Override
    public List<ParamTensor> paramTensors() {
        return paramTensors;
    }

    @Override
    public float[] buffers() {
        return buffers;
    }

    @Override
    public List<ParamTensor> bufferTensors() {
        return bufferTensors;
    }

    /** Runs every member over the samples and writes their vote (see {@link #vote}). */
    @Override
    public void predict(float[] x, int n, float[] out) {
        int len = n * outputSize();
        if (outs.length != members.size() || outs[0].length < len) {
            outs = new float[members.size()][len];
        }
        for (int i = 0; i < members.size(); i++) {
            member(i).predict(x, n, outs[i]);
        }
        vote(settings.vote(), spec().loss(), outs, n * outputSize() / classes(), classes(), out);
    }

    /** The number of outputs one vote chooses among: the last dimension of the output shape. */
    private int classes() {
        int[] s = outputShape();
        return s[s.length - 1];
    }

    /**
     * The vote of the members' outputs {@code outs[i]}, each {@code rows × k} floats (a row is a
     * sample, or a step of a sequence output), into {@code out}.
     *
     * <ul>
     * <li>{@link ModelSpec.Vote#MEAN}: {@code out = (o₀ + o₁ + … + oₙ₋₁) / n}, summed in float in
     *     member order, then divided by n.
     * <li>{@link ModelSpec.Vote#PLURALITY}, softmax outputs (cross-entropy): member i votes for
     *     the largest entry of its row, the lowest index among equal ones; {@code out[c]} is the
     *     number of votes for class c divided by n, in float. The class of the ensemble is the
     *     largest share, and a tie goes to the lowest class index (the first largest entry, as
     *     every argmax in nnc takes it).
     * <li>{@link ModelSpec.Vote#PLURALITY}, sigmoid outputs (binary cross-entropy): each output on
     *     its own, member i votes 1 when its output is ≥ 0.5; {@code out} is the share of votes
     *     for 1, which reads as class 1 when ≥ 0.5 like any sigmoid output, so a tie of an even
     *     number of members goes to 1.
     * </ul>
     *
     * @throws IllegalArgumentException for a plurality vote on regression outputs (the checker
     *     refuses it in the {@code .nn} file)
     */
    public static void vote(ModelSpec.Vote vote, ModelSpec.Loss loss, float[][] outs, int rows,
            int k, float[] out) {
        if (vote == ModelSpec.Vote.MEAN) {
            voteMean(outs, rows, k, out);
        } else if (loss == ModelSpec.Loss.MSE) {
            throw new IllegalArgumentException("a plurality vote needs classes, not regression");
        } else if (loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY) {
            voteOnes(outs, rows, k, out);
        } else {
            votePlurality(outs, rows, k, out, new int[k]);
        }
    }

    // NOTE: the code between the standalone markers is the one source of the vote: the runtime
    // jar carries this file, and the compiler copies that part verbatim into the standalone class
    // of every ensemble (dev.nnc.compiler.ops.ReferenceSource; StandaloneReferenceTest).
    // standalone: begin
    /** The mean vote: the members' outputs summed in float in member order, divided by n. */
    public static void voteMean(float[][] outs, int rows, int k, float[] out) {
        final int n = outs.length;
        final int len = rows * k;
        for (int j = 0; j < len; j++) {
            float s = 0;
            for (float[] o : outs) {
                s += o[j];
            }
            out[j] = s / n;
        }
    }

    /** A plurality of sigmoid outputs: each output the share of members whose output is ≥ 0.5. */
    public static void voteOnes(float[][] outs, int rows, int k, float[] out) {
        final int n = outs.length;
        final int len = rows * k;
        for (int j = 0; j < len; j++) {
            int ones = 0;
            for (float[] o : outs) {
                if (o[j] >= 0.5f) {
                    ones++;
                }
            }
            out[j] = (float) ones / n;
        }
    }

    /**
     * A plurality of softmax outputs: each class's share of the members' votes, a member voting
     * for the largest entry of its row, the lowest index among equal ones; votes holds k ints.
     */
    public static void votePlurality(float[][] outs, int rows, int k, float[] out, int[] votes) {
        final int n = outs.length;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < k; c++) {
                votes[c] = 0;
            }
            for (float[] o : outs) {
                int best = r * k;
                for (int c = r * k + 1; c < r * k + k; c++) {
                    if (o[c] > o[best]) {
                        best = c;
                    }
                }
                votes[best - r * k]++;
            }
            for (int c = 0; c < k; c++) {
                out[r * k + c] = (float) votes[c] / n;
            }
        }
    }
    // standalone: end
}
