package dev.nnc.runtime.data;

import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.Categorical;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The category of each sample of a table's categorical feature columns as the loader read it,
 * before a missing one is filled: its index among the categories of the whole file's
 * {@link OneHot} encoding, -1 where missing. k-fold cross-validation fits the encoding's mode and
 * categories on its training folds alone with it ({@link #refit}).
 *
 * <p>Example: cities Rome, Oslo, (missing), Oslo, Paris under the file's categories Oslo, Paris,
 * Rome are 2, 0, −1, 0, 1. With the first four as training folds, the missing city is Oslo
 * (their most frequent one, not the file's) and Paris, in no training fold, is unseen.
 */
public final class CategoryCodes {
    private final OneHot hot;
    /** Per feature column, the code of each sample; {@code null} for a number column. */
    private final int[][] codes;
    /** The value of the input of a sample's category (1, scaled as every input is). */
    private final float one;

    CategoryCodes(OneHot hot, int[][] codes, float one) {
        this.hot = hot;
        this.codes = codes;
        this.one = one;
    }

    /**
     * Re-encodes the categorical inputs of {@code train} and {@code test}, the samples
     * {@code order[0, nTrain)} and {@code order[nTrain, n)} of the file as
     * {@link Dataset#subset} copies them, as an encoding fitted on the training samples alone
     * encodes them: a missing value takes their most frequent category (of equally frequent
     * ones, the first in the encoding's order), and a category none of them has is unseen, as a
     * category a test file has and the training file has not: the {@code (other)} input with
     * {@code unseen: other}, else an error. The inputs stay the whole file's (the model's input
     * size counts them).
     *
     * @param where the fold, prefixed to a message ({@code "fold 2 of 5"})
     * @throws DataException for a held-out category under {@code unseen: error}, and a column
     *     with no value in the training samples
     */
    public void refit(int[] order, int nTrain, Dataset train, Dataset test, String where) {
        int width = hot.inputSize();
        for (int j = 0; j < codes.length; j++) {
            if (codes[j] == null) {
                continue;
            }
            int[] count = new int[hot.categories(j).size()];
            for (int t = 0; t < nTrain; t++) {
                int code = codes[j][order[t]];
                if (code >= 0) {
                    count[code]++;
                }
            }
            int mode = -1;
            for (int q = 0; q < count.length; q++) {
                if (count[q] > 0 && (mode < 0 || count[q] > count[mode])) {
                    mode = q;
                }
            }
            if (mode < 0) {
                throw new DataException(where + ": categorical column '" + hot.columns().get(j)
                        + "' has no value in the training folds");
            }
            int at = hot.offset(j);
            for (int t = 0; t < order.length; t++) {
                boolean held = t >= nTrain;
                float[] x = held ? test.x() : train.x();
                int row = (held ? t - nTrain : t) * width + at;
                Arrays.fill(x, row, row + hot.slots(j), 0f);
                x[row + slot(j, codes[j][order[t]], mode, count, where)] = one;
            }
        }
    }

    /** The input of category {@code code} (-1: missing) given the training samples' counts. */
    private int slot(int j, int code, int mode, int[] count, String where) {
        if (code < 0) {
            return mode;   // the loader kept a missing category only for a mode fill
        }
        if (count[code] > 0) {
            return code;
        }
        if (hot.unseen() == Categorical.Unseen.OTHER) {
            return count.length;
        }
        List<String> known = new ArrayList<>();
        for (int q = 0; q < count.length; q++) {
            if (count[q] > 0) {
                known.add(hot.categories(j).get(q));
            }
        }
        throw new DataException(where + ": column '" + hot.columns().get(j) + "': '"
                + hot.categories(j).get(code) + "' is not one of the training folds' categories ("
                + String.join(", ", known.size() <= 12 ? known : known.subList(0, 12))
                + (known.size() > 12 ? ", ... " + known.size() + " in all" : "")
                + "); unseen: other in the data block sends such values to an input of their own");
    }
}
