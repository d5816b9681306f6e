package dev.nnc.spark;

import dev.nnc.runtime.kernels.KernelContext;
import org.apache.spark.TaskContext;

/**
 * The one place where this module gives a Spark task its kernel threads.
 *
 * <p>A Spark executor runs several tasks in one JVM, one per {@code spark.task.cpus} cores it
 * was given. Each training task binds a {@link KernelContext} of its own for that many threads to
 * the thread that runs it, so tasks never share or change each other's thread settings. With the
 * default of one core per task nothing is opened: a thread with no context runs every kernel on
 * itself. Scoring runs {@code predict}, which never splits work, so it needs no context.
 *
 * <p>Example, in a task:
 * <pre>{@code
 * try (TaskKernels.Scope k = TaskKernels.forTask()) {
 *     model.trainStep(x, y, n);
 * }
 * }</pre>
 */
final class TaskKernels {
    private TaskKernels() {
    }

    /** The kernel context of one task, unbound and closed at the end of the task's work. */
    static final class Scope implements AutoCloseable {
        private final KernelContext context;
        private final KernelContext.Binding binding;

        private Scope(KernelContext context) {
            this.context = context;
            this.binding = context == null ? null : context.bind();
        }

        @Override
        public void close() {
            if (binding != null) {
                binding.close();
                context.close();
            }
        }
    }

    /** Binds a context of the task's cores ({@code spark.task.cpus}) to the calling thread. */
    static Scope forTask() {
        TaskContext tc = TaskContext.get();
        int cpus = tc == null ? 1 : Math.max(1, tc.cpus());
        return new Scope(cpus == 1 ? null : KernelContext.open(cpus));
    }
}
