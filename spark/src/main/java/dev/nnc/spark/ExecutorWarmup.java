package dev.nnc.spark;

import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.train.Warmup;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JIT warm-up of an executor: a copy of the model trained on synthetic batches (the runtime's
 * {@link Warmup}, as {@code nnc train} does while its data loads), on a thread of its own, while
 * the executor reads its partitions, and ended by the first training task of the model in the
 * JVM. Once per JVM and model: the JIT's compiled code serves every later task and round.
 *
 * <p>NOTE: why. Until the optimizing JIT has compiled them, the vector kernels run with their
 * vectors boxed: the first 100 batches of fmnist_mlp took 10 to 15 times the CPU time of 100
 * later ones and allocated 1.2 GB each (thread CPU time and allocated bytes, measured in the task).
 * A JVM compiles a method once for all its threads, but every task thread runs the slow code
 * until then: on {@code local[2]} both tasks of the first round did, each paying what one task
 * pays on {@code local[1]}, with no core left to the compiler, so the first round of local[2]
 * took as long as that of local[1]. The warm-up runs one thread of slow code instead, during the
 * read of the data, which is not training time. It works on its own model instance, optimizer,
 * kernel context and buffers, so training gives the same bits with or without it.
 */
final class ExecutorWarmup {
    /** The warm-ups of this JVM by model: started once, never again (even after ending). */
    private static final Map<String, Warmup> STARTED = new ConcurrentHashMap<>();

    private ExecutorWarmup() {
    }

    /** Starts warming up for {@code source}, unless this JVM already did. */
    static void start(ModelSource source) {
        STARTED.computeIfAbsent(source.key(), k -> Warmup.start(source::newModel));
    }

    /**
     * The kernel context of a task that reads a partition, bound to its thread for the read: a
     * context this executor's training tasks will borrow ({@link TaskKernels}), whose working
     * arrays one step of a throw-away copy of the model has grown to the model's products when
     * the context is new. The caller closes it, after {@link TaskKernels.Scope#finished}.
     *
     * <p>NOTE: why. The compiled matrix product takes a thread's working arrays as present; the
     * JIT compiled it during the warm-up, whose arrays had been made before, so the first step
     * of a task with a new context found them missing, fell back to the interpreter, and the
     * product was compiled again while the first round trained, on the cores of the tasks (on
     * {@code local[2]} both of them). A read task holds its context for the whole read, so an
     * executor ends the read with one ready context per task it ran at once. A working array's
     * contents are never read before they are written, so training gives the same bits.
     */
    static TaskKernels.Scope prime(ModelSource source) {
        TaskKernels.Scope k = TaskKernels.forTask();
        if (k.fresh()) {
            TrainableModel m = source.newModel();
            int batch = m.spec().train().batch();
            if (batch > 0) {
                m.trainStep(new float[batch * m.inputSize()], new float[batch * m.outputSize()],
                        batch);
            }
        }
        return k;
    }

    /** Ends the warm-up of {@code source} in this JVM, waiting for its step under way. */
    static void end(ModelSource source) {
        Warmup w = STARTED.get(source.key());
        if (w != null) {
            w.close();
        }
    }

    /** Whether this JVM started a warm-up for {@code source}. */
    static boolean started(ModelSource source) {
        return STARTED.containsKey(source.key());
    }

    /** Whether this JVM's warm-up of {@code source} has ended (or there was none). */
    static boolean ended(ModelSource source) {
        Warmup w = STARTED.get(source.key());
        return w == null || w.ended();
    }
}
