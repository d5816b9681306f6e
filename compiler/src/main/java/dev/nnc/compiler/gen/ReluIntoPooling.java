package dev.nnc.compiler.gen;

import dev.nnc.compiler.ir.LayerIR;
import dev.nnc.compiler.ir.ModelIR;
import dev.nnc.compiler.ops.Activation;
import dev.nnc.compiler.ops.Pool;
import java.util.List;

/**
 * The standalone class's relu layers that the max pooling right after them applies in its own
 * pass ({@code PoolReference.maxPoolRelu}, the bits of max pooling of relu's output): such a
 * relu has no method or array of its own, and the pooling reads the relu's input. One network
 * only: an ensemble's members keep every layer.
 */
final class ReluIntoPooling {
    private ReluIntoPooling() {
    }

    /** Whether {@code l} is a relu the pooling after it takes in. */
    static boolean taken(ModelIR m, LayerIR l) {
        List<LayerIR> layers = m.layers();
        return m.spec().ensemble() == null && l.kind() instanceof Activation.Relu
                && l.index() + 1 < layers.size()
                && layers.get(l.index() + 1).kind() instanceof Pool.Max;
    }

    /** Whether {@code l} is a max pooling that takes the relu before it in. */
    static boolean takes(ModelIR m, LayerIR l) {
        return l.index() > 0 && taken(m, m.layers().get(l.index() - 1));
    }

    /** The layers the class computes, each with its method and array. */
    static List<LayerIR> computed(ModelIR m) {
        return m.layers().stream().filter(l -> !taken(m, l)).toList();
    }
}
