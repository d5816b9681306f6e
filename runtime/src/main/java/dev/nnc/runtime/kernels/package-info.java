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
 * <p>Depends on no other package of the runtime.
 */
package dev.nnc.runtime.kernels;
