package dev.nnc.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nnc.runtime.model.ModelSpec.Loss;
import dev.nnc.runtime.model.ModelSpec.Vote;
import org.junit.jupiter.api.Test;

/** The one definition of an ensemble's vote, {@link Ensemble#vote}, on hand-worked cases. */
class EnsembleVoteTest {

    @Test
    void pluralityCountsEachMembersLargestOutput() {
        // two rows of three classes, three members
        float[][] outs = {
            {0.1f, 0.2f, 0.7f, 0.6f, 0.3f, 0.1f},
            {0.5f, 0.4f, 0.1f, 0.2f, 0.2f, 0.6f},
            {0.2f, 0.1f, 0.7f, 0.1f, 0.8f, 0.1f}};
        float[] out = new float[6];
        Ensemble.vote(Vote.PLURALITY, Loss.CROSS_ENTROPY, outs, 2, 3, out);
        assertArrayEquals(new float[] {1f / 3, 0, 2f / 3, 1f / 3, 1f / 3, 1f / 3}, out);
    }

    @Test
    void aMemberWithEqualOutputsVotesForTheLowestIndex() {
        float[][] outs = {{0.4f, 0.4f, 0.2f}, {0.1f, 0.45f, 0.45f}};
        float[] out = new float[3];
        Ensemble.vote(Vote.PLURALITY, Loss.CROSS_ENTROPY, outs, 1, 3, out);
        // member 0 votes 0, member 1 votes 1: a tie of shares, which the first largest share
        // (class 0, the lowest index) wins wherever the class is read
        assertArrayEquals(new float[] {0.5f, 0.5f, 0}, out);
    }

    @Test
    void pluralityOfSigmoidOutputsIsTheShareOfOnes() {
        float[][] outs = {{0.5f, 0.1f}, {0.49f, 0.9f}, {0.99f, 0.2f}, {0.2f, 0.3f}};
        float[] out = new float[2];
        Ensemble.vote(Vote.PLURALITY, Loss.BINARY_CROSS_ENTROPY, outs, 1, 2, out);
        assertArrayEquals(new float[] {0.5f, 0.25f}, out);
    }

    @Test
    void meanSumsInMemberOrderThenDivides() {
        float[][] outs = {{1e8f, 2f}, {1f, 4f}, {-1e8f, 6f}};
        float[] out = new float[2];
        Ensemble.vote(Vote.MEAN, Loss.MSE, outs, 1, 2, out);
        // (1e8 + 1) rounds to 1e8 in float before -1e8 is added: 0, not 1/3
        assertEquals(((1e8f + 1f) + -1e8f) / 3, out[0]);
        assertEquals(4f, out[1]);
    }

    @Test
    void pluralityNeedsClasses() {
        float[][] outs = {{1f}, {2f}};
        assertThrows(IllegalArgumentException.class,
                () -> Ensemble.vote(Vote.PLURALITY, Loss.MSE, outs, 1, 1, new float[1]));
    }
}
