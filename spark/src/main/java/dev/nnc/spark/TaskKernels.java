package dev.nnc.spark;

import dev.nnc.runtime.kernels.Kernels;

/**
 * The one place where this module sets the runtime's kernel threads for a Spark task.
 *
 * <p>A Spark executor runs several tasks in one JVM, one per core it was given, and each task
 * trains or scores with its own model instance on one thread: Spark supplies the parallelism, so
 * the kernels must not start threads of their own. NOTE: today the runtime keeps its thread
 * count JVM-wide ({@link Kernels#setThreads}); every task asks for one thread, so concurrent
 * tasks agree and never overwrite each other's setting with another value. When the runtime's
 * kernel context replaces that state, this class gives each task a context of its own, and
 * nothing else in the module changes.
 */
final class TaskKernels {
    private TaskKernels() {
    }

    /** Prepares the current thread's kernels for one Spark task: one thread, no pool. */
    static void prepareTask() {
        if (Kernels.threads() != 1) {
            Kernels.setThreads(1);
        }
    }
}
