package dev.nnc.spark;

import dev.nnc.runtime.kernels.KernelContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.spark.TaskContext;

/**
 * The one place where this module gives a Spark task its kernel threads.
 *
 * <p>A Spark executor runs several tasks in one JVM, one per {@code spark.task.cpus} cores it
 * was given. Each training task binds a {@link KernelContext} of its own for that many threads to
 * the thread that runs it, so tasks never share or change each other's thread settings. A task
 * of one core binds a context of one thread too (it starts no worker): the context holds the
 * kernels' working arrays (the matrix product's packed panels), which a thread with no context
 * would allocate anew on every product. Scoring runs {@code predict}, which never splits work, so
 * it needs no context.
 *
 * <p>The executor keeps the contexts its tasks have returned and lends them to later tasks (of
 * later steps and rounds) of the same thread count: their working arrays, already grown to the
 * model's products, and their worker threads are made once per task slot of the executor, not
 * once per task. A context serves one task at a time, so an executor holds at most as many as it
 * runs tasks at once; idle worker threads are daemons that wait without using a core.
 *
 * <p>Example, in a task:
 * <pre>{@code
 * try (TaskKernels.Scope k = TaskKernels.forTask()) {
 *     model.trainStep(x, y, n);
 *     k.finished();
 * }
 * }</pre>
 */
final class TaskKernels {
    private static final Map<Integer, ConcurrentLinkedQueue<KernelContext>> IDLE =
            new ConcurrentHashMap<>();

    private TaskKernels() {
    }

    /** The kernel context of one task, unbound and given back at the end of the task's work. */
    static final class Scope implements AutoCloseable {
        private final KernelContext context;
        private final KernelContext.Binding binding;
        private final boolean fresh;
        private boolean reusable;

        private Scope(KernelContext context, boolean fresh) {
            this.context = context;
            this.binding = context.bind();
            this.fresh = fresh;
        }

        /** Whether the context was opened for this scope (no earlier task has used it). */
        boolean fresh() {
            return fresh;
        }

        /** The task's work ended normally: the context may serve a later task. */
        void finished() {
            reusable = true;
        }

        /**
         * Unbinds the context and gives it back to the executor, or closes it (stops its
         * workers) when the task's work did not end normally ({@link #finished} not called).
         */
        @Override
        public void close() {
            binding.close();
            if (reusable) {
                IDLE.computeIfAbsent(context.threads(), t -> new ConcurrentLinkedQueue<>())
                        .offer(context);
            } else {
                context.close();
            }
        }
    }

    /** Binds a context of the task's cores ({@code spark.task.cpus}) to the calling thread. */
    static Scope forTask() {
        TaskContext tc = TaskContext.get();
        return forThreads(tc == null ? 1 : Math.max(1, tc.cpus()));
    }

    /** Binds a context of {@code threads} threads, an idle one when the executor has one. */
    static Scope forThreads(int threads) {
        KernelContext k = IDLE.computeIfAbsent(threads, t -> new ConcurrentLinkedQueue<>())
                .poll();
        return k != null ? new Scope(k, false) : new Scope(KernelContext.open(threads), true);
    }
}
