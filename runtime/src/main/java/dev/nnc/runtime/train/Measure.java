package dev.nnc.runtime.train;

import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.model.Difference;
import dev.nnc.runtime.model.Model;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.TrainableModel;

/**
 * The final measures of a model on a data set: the mean loss in the model's units and the other
 * metrics in the labels' own units (de-normalized; for a differenced series, forecasts on the
 * series' own scale, see {@link Difference}).
 */
record Measure(double loss, Metrics.Accumulator acc) {
    /**
     * Runs {@code model} over normalized {@code d}; the loss compares with the normalized labels,
     * the accumulator compares de-normalized outputs with {@code rawY}.
     */
    static Measure of(Model model, Dataset d, float[] rawY, Preprocessing prep,
            ModelSpec.Loss loss) {
        int in = d.inputSize();
        int out = d.outputSize();
        int chunk = Math.max(1, Math.min(Training.CHUNK, d.size()));
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
