package dev.nnc.compiler.ops;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;

/**
 * What a layer's standalone code ({@link EmitSite.Mode#STANDALONE}) may add to the standalone
 * class besides its statements: constants made once when the class loads (a dense layer's W as
 * rows), scratch arrays of the instance (of a fixed size, or grown with the batch), and the runtime reference sources it calls, which the
 * class then carries verbatim ({@link ReferenceSource}).
 *
 * <p>For a dense layer {@code dense1}: {@code constant("W", float[][], rows(P, 0, 784, 128))}
 * gives the name {@code DENSE1_W} of a {@code private static final float[][]} field, and
 * {@code scratch(0, 128)} the name of an instance array of at least 128 floats.
 */
public interface StandaloneMembers {

    /** The name of the array of the layer's parameters for {@link #constant}'s initializers. */
    String params();

    /**
     * A private static final field of the class initialized by {@code initializer} (which may
     * read the parameters by {@link #params}); returns its name, unique to the layer and
     * {@code role}. In an ensemble, whose members share the layer methods, one value a member,
     * made when the class loads from that member's parameters, picked by the member's index
     * (the name returned ends in {@code [member]}).
     */
    String constant(String role, TypeName type, CodeBlock initializer);

    /**
     * A private final field of each instance holding its own copy of the {@link #constant} made
     * by {@code initializer} (an array of {@code type}), for arrays the layer's code writes in;
     * returns the name to read it by, unique to the layer and {@code role} (in an ensemble the
     * member's copy, picked by the member's index).
     */
    String instanceCopy(String role, ArrayTypeName type, CodeBlock initializer);

    /**
     * A private final field of each instance initialized by {@code initializer} (scratch of the
     * layer's own); returns its name, unique to the layer and {@code role}.
     */
    String instanceField(String role, TypeName type, CodeBlock initializer);

    /**
     * A private field of each instance holding {@code size} elements a sample (floats, or ints
     * when {@code ints}), allocated for the batch size with the layers' outputs and kept between
     * calls (what it holds is left from the last call); returns its name, unique to the layer
     * and {@code role}. A layer's per-call work arrays live here, so a call allocates nothing.
     */
    String perSample(String role, int size, boolean ints);

    /**
     * The name of the instance's scratch array {@code which} (0 to 3), which holds at least
     * {@code floats} floats.
     */
    String scratch(int which, int floats);

    /** The class carries {@code source}'s reference members (once, whoever asks). */
    void use(ReferenceSource source);

    /**
     * Whether the layer's input is the input of a relu layer just before it, which the
     * standalone class leaves for this layer to apply in its own pass (max pooling takes relu
     * in: {@code PoolReference.maxPoolRelu}); false for every other layer.
     */
    default boolean reluIn() {
        return false;
    }
}
