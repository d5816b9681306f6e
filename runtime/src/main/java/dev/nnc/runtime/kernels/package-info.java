/**
 * The numeric kernels generated code calls for the layers large enough to need them: the dense
 * products ({@link dev.nnc.runtime.kernels.Kernels}, {@link
 * dev.nnc.runtime.kernels.DenseKernels}), convolution and pooling ({@link
 * dev.nnc.runtime.kernels.Conv2d}), the recurrent cells ({@link
 * dev.nnc.runtime.kernels.SequenceKernels}) and the activation functions ({@link
 * dev.nnc.runtime.kernels.Activations}). The Vector API forms (compiled from
 * {@code src/main/vector}) are specializations of the plain-Java ones, held to them by
 * {@code KernelContractTest}.
 *
 * <p>Threads: a {@link dev.nnc.runtime.kernels.KernelContext} holds the threads of one training
 * run; its large products are split into parts its worker threads and the calling thread claim,
 * while splitting pays: the context measures, now and then, the steps split against the steps on
 * the calling thread alone, and keeps the faster (another process busy on a core can make the
 * split steps slower); and while the other processes leave less than half a core beside the
 * calling thread's (read from Linux's {@code /proc}; elsewhere: while the calling thread runs
 * clearly less of the time with the workers taking part than without them), it hands the workers
 * nothing. The results are the same bits either way.
 *
 * <p>Depends on no other package of the runtime.
 */
package dev.nnc.runtime.kernels;
