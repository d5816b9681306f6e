package dev.nnc.runtime.kernels;

/**
 * Whether a {@link KernelContext}'s workers may take part in its products now: {@link LoadGuard}
 * where Linux's {@code /proc} tells what the other processes take of the cores, {@link
 * ContentionGuard} elsewhere. Asked by the thread the context is bound to; it changes only the
 * speed, never a result.
 */
interface WorkerGuard extends AutoCloseable {

    /**
     * Whether the product (or task ahead) starting at {@code now} (nanoseconds, {@link
     * System#nanoTime()}) may use the workers.
     */
    boolean parallel(long now);

    /** Releases what the guard holds (open files); it is not asked again. */
    @Override
    default void close() {
    }
}
