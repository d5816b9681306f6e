package dev.nnc.compiler.gen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.nnc.compiler.ops.ReferenceSource;
import dev.nnc.compiler.ops.StandaloneMembers;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import javax.lang.model.element.Modifier;

/** The class members the layers' standalone code asks for. */
final class Members implements StandaloneMembers {
    private final TypeSpec.Builder type;
    final Set<ReferenceSource> used = new HashSet<>();
    String layer;
    final int[] scratch = new int[2];
    /** An ensemble's layer methods take each member's parameters as {@code p}. */
    private final boolean perCall;

    Members(TypeSpec.Builder type, boolean perCall) {
        this.type = type;
        this.perCall = perCall;
    }

    @Override
    public String params() {
        return perCall ? "p" : "P";
    }

    @Override
    public String constant(String role, TypeName t, CodeBlock initializer) {
        if (perCall) {
            // NOTE: the members of an ensemble share the layer methods, so what is made of
            // a member's parameters is made in the call, from the p it is given
            return "(" + initializer + ")";
        }
        String name = layer + "_" + role;
        type.addField(FieldSpec.builder(t, name, Modifier.PRIVATE, Modifier.STATIC,
                Modifier.FINAL).initializer(initializer).build());
        return name;
    }

    @Override
    public String instanceField(String role, TypeName t, CodeBlock initializer) {
        String name = layer.toLowerCase(Locale.ROOT) + role;
        type.addField(FieldSpec.builder(t, name, Modifier.PRIVATE, Modifier.FINAL)
                .initializer(initializer).build());
        return name;
    }

    @Override
    public String scratch(int which, int floats) {
        scratch[which] = Math.max(scratch[which], floats);
        return "scratch" + which;
    }

    @Override
    public void use(ReferenceSource source) {
        used.add(source);
        if (source == ReferenceSource.CELLS) {
            used.add(ReferenceSource.ACTIVATIONS);
        }
        if (source == ReferenceSource.CONV) {
            used.add(ReferenceSource.DENSE);
        }
    }
}
