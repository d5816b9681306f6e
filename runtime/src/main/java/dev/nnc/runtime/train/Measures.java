package dev.nnc.runtime.train;

import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.data.Normalizer;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.Difference;
import dev.nnc.runtime.model.Model;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.TrainableModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
/**
 * The measures of a model over a data set, as training, evaluation and cross-validation report
 * them: the mean loss in the model's units and the other metrics in the labels' own units
 * (de-normalized; for a differenced series, forecasts on the series' own scale, see
 * {@link Difference}).
 */
final class Measures {
    private static final int CHUNK = 256;

    private Measures() {
    }

    /**
     * Puts the full measures of {@code acc} under {@code prefix}, leaving out those named in
     * {@code skip} (already there). For regression {@code mse}, {@code rmse}, {@code r2},
     * {@code mae}, {@code mape} (in percent; see {@link Metrics#mape}), in the labels' own units.
     * For a classifier {@code accuracy}; for a single-label one also {@code precision_macro},
     * {@code recall_macro}, {@code f1_macro}, {@code precision_weighted},
     * {@code recall_weighted}, {@code f1_weighted} (see {@link Confusion}), {@code roc_auc} for
     * two classes (see {@link Metrics#rocAuc}; scored on the positive class, the second), then
     * two structured values: {@code classes}, a list of one map per class ({@code class},
     * {@code samples}, {@code predicted}, {@code precision}, {@code recall}, {@code f1}), and
     * {@code confusion}, a map of {@code classes} (names) and {@code counts} (rows: the true
     * class; columns: the class given).
     */
    static void put(Map<String, Object> m, String prefix, Metrics.Accumulator acc,
            ClassLabels labels, Set<String> skip) {
        Map<String, Object> all = new LinkedHashMap<>();
        Confusion c = acc.confusion();
        if (c == null && acc.loss() != ModelSpec.Loss.MSE) {
            all.put("accuracy", acc.accuracy());
        } else if (c == null) {
            all.put("mse", acc.mse());
            all.put("rmse", acc.rmse());
            all.put("r2", acc.r2());
            all.put("mae", acc.mae());
            all.put("mape", acc.mape());
        } else {
            all.put("accuracy", c.accuracy());
            all.put("precision_macro", c.macroPrecision());
            all.put("recall_macro", c.macroRecall());
            all.put("f1_macro", c.macroF1());
            all.put("precision_weighted", c.weightedPrecision());
            all.put("recall_weighted", c.weightedRecall());
            all.put("f1_weighted", c.weightedF1());
            if (c.classes() == 2) {
                all.put("roc_auc", acc.rocAuc());
            }
            List<String> names = Training.classNames(labels, c.classes());
            all.put("classes", c.perClass(names));
            all.put("confusion", c.toJson(names));
        }
        all.forEach((k, v) -> {
            if (!skip.contains(k)) {
                m.put(prefix + k, v);
            }
        });
    }

    /**
     * A differenced series' outputs {@code ob} and normalized labels {@code yb} of the
     * {@code n} samples of {@code d} from {@code from}, in place: de-normalized by
     * {@code labels}, then each sample's base added back ({@link Difference}), so that they are
     * on the series' own scale, as the final measures compare them.
     */
    static void onSeriesScale(Normalizer labels, Dataset d, int from, int n, float[] ob,
            float[] yb) {
        int out = d.outputSize();
        labels.invert(ob, n);
        labels.invert(yb, n);
        Difference.invert(d.base(), from * out, ob, n * out);
        Difference.invert(d.base(), from * out, yb, n * out);
    }

    /** The mean loss in the model's units and the other metrics in the labels' own units. */
    record Measure(double loss, Metrics.Accumulator acc) {
    }

    /**
     * Runs {@code model} over normalized {@code d}; the loss compares with the normalized labels,
     * the accumulator compares de-normalized outputs with {@code rawY}.
     */
    static Measure measure(Model model, Dataset d, float[] rawY, Preprocessing prep,
            ModelSpec.Loss loss) {
        int in = d.inputSize();
        int out = d.outputSize();
        int chunk = Math.max(1, Math.min(CHUNK, d.size()));
        float[] xb = new float[chunk * in];
        float[] yb = new float[chunk * out];
        float[] rb = new float[chunk * out];
        float[] ob = new float[chunk * out];
        Metrics.Accumulator acc = new Metrics.Accumulator(loss, out,
                Metrics.steps(model.outputShape())).keepScores();
        double lossSum = 0;
        for (int from = 0; from < d.size(); from += chunk) {
            int n = Math.min(chunk, d.size() - from);
            System.arraycopy(d.x(), from * in, xb, 0, n * in);
            System.arraycopy(d.y(), from * out, yb, 0, n * out);
            System.arraycopy(rawY, from * out, rb, 0, n * out);
            if (model instanceof TrainableModel tm) {
                lossSum += tm.evaluate(xb, yb, n, ob);
            } else {
                model.predict(xb, n, ob);
                lossSum += Metrics.loss(ob, yb, n, out, loss);
            }
            if (loss == ModelSpec.Loss.MSE) {
                prep.labels().invert(ob, n);
                if (d.base() != null) {
                    // a differenced series: forecasts and labels on the series' own scale
                    Difference.invert(d.base(), from * out, ob, n * out);
                    Difference.invert(d.base(), from * out, rb, n * out);
                }
            }
            acc.add(ob, rb, n);
        }
        float[] cw = model instanceof TrainableModel tm ? tm.classWeights() : null;
        return new Measure(lossSum / ModelSpec.ClassWeighting.total(cw, d.y(), d.size(), out),
                acc);
    }
}
