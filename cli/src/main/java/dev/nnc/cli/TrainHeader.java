package dev.nnc.cli;

import dev.nnc.runtime.train.EpochRecord;
import dev.nnc.runtime.train.Progress;
import dev.nnc.runtime.train.TrainInfo;
import dev.nnc.runtime.train.TrainReport;
import dev.nnc.runtime.train.TrainingListener;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The progress display of {@code nnc train}: a line that says what is about to run, then the
 * runtime's {@code Progress}.
 */
final class TrainHeader implements TrainingListener {
    private final PrintStream err;
    private final Path file;
    private final Progress progress;
    /** {@code --batch} and {@code --lr} when given, else null. */
    private final Integer batch;
    private final Double lr;

    TrainHeader(PrintStream err, Path file, Progress progress, Integer batch, Double lr) {
        this.batch = batch;
        this.err = err;
        this.lr = lr;
        this.file = file;
        this.progress = progress;
    }

    /** The header, as soon as the run is planned: before the initial loss is measured. */
    @Override
    public void onPlan(TrainInfo i) {
        StringBuilder sb = new StringBuilder("training ").append(i.model()).append(" (")
                .append(file).append("): ").append(Fmt.count(i.params())).append(" parameters, ")
                .append(Fmt.count(i.trainSize())).append(" training samples");
        if (i.validationSize() > 0) {
            sb.append(" + ").append(Fmt.count(i.validationSize())).append(" validation");
        }
        sb.append(", batch ").append(i.batchSize()).append(batch != null ? " (--batch)" : "")
                .append(", up to ").append(i.epochs())
                .append(i.epochs() == 1 ? " epoch" : " epochs");
        if (lr != null) {
            sb.append(", lr ").append(lr).append(" (--lr)");
        }
        if (i.stop() != null) {
            sb.append(", stop when ").append(i.stop());
        }
        progress.finish();
        err.println(sb);
        err.flush();
    }

    @Override
    public void onStart(TrainInfo i) {
        progress.onStart(i);
    }

    @Override
    public void onBatch(int epoch, int batch, int batches, double loss) {
        progress.onBatch(epoch, batch, batches, loss);
    }

    @Override
    public void onStatus(String what) {
        progress.onStatus(what);
    }

    @Override
    public void onEpoch(EpochRecord record) {
        progress.onEpoch(record);
    }

    @Override
    public void onEnd(TrainReport report) {
        progress.onEnd(report);
    }
}
