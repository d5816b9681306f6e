package dev.nnc.compiler.gen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.nnc.compiler.ops.ReferenceSource;
import dev.nnc.compiler.ops.StandaloneMembers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.lang.model.element.Modifier;

/** The class members the layers' standalone code asks for. */
final class Members implements StandaloneMembers {
    private final TypeSpec.Builder type;
    final Set<ReferenceSource> used = new HashSet<>();
    String layer;
    /** The layer being written takes the relu before it in (see {@link #reluIn()}). */
    boolean reluIn;
    final int[] scratch = new int[4];
    /** The arrays grown with the batch: name, elements a sample, ints or floats. */
    final List<PerSample> perSample = new ArrayList<>();
    /**
     * The number of an ensemble's members, whose layer methods take each member's parameters as
     * {@code p} and its index as {@code member}; 0 for one network.
     */
    private final int members;
    /** The statements that make each member's constants from its {@code p}. */
    private final CodeBlock.Builder perMember = CodeBlock.builder();

    Members(TypeSpec.Builder type, int members) {
        this.type = type;
        this.members = members;
    }

    @Override
    public String params() {
        return members > 0 ? "p" : "P";
    }

    @Override
    public String constant(String role, TypeName t, CodeBlock initializer) {
        String name = layer + "_" + role;
        if (members > 0) {
            // NOTE: the members of an ensemble share the layer methods: one value a member,
            // made when the class loads from that member's parameters, picked by the index
            type.addField(FieldSpec.builder(ArrayTypeName.of(t), name, Modifier.PRIVATE,
                    Modifier.STATIC, Modifier.FINAL).initializer("new $T[$L]$L",
                            base(t), members, "[]".repeat(dimensions(t))).build());
            perMember.addStatement("$L[member] = $L", name, initializer);
            return name + "[member]";
        }
        type.addField(FieldSpec.builder(t, name, Modifier.PRIVATE, Modifier.STATIC,
                Modifier.FINAL).initializer(initializer).build());
        return name;
    }

    /**
     * The static block that makes the ensemble members' constants, each member's in turn:
     * {@code for (int member = 0; ...) { final float[] p = MEMBER_P[member]; DENSE1_W[member] =
     * rows(p, ...); ... }}; nothing for one network or when no layer asked for a constant.
     */
    void addStaticBlock() {
        if (members > 0 && !perMember.isEmpty()) {
            type.addStaticBlock(CodeBlock.builder()
                    .beginControlFlow("for (int member = 0; member < $L; member++)", members)
                    .addStatement("final float[] p = MEMBER_P[member]")
                    .add(perMember.build())
                    .endControlFlow().build());
        }
    }

    private static TypeName base(TypeName t) {
        return t instanceof ArrayTypeName a ? base(a.componentType()) : t;
    }

    private static int dimensions(TypeName t) {
        return t instanceof ArrayTypeName a ? 1 + dimensions(a.componentType()) : 0;
    }

    @Override
    public String instanceField(String role, TypeName t, CodeBlock initializer) {
        String name = layer.toLowerCase(Locale.ROOT) + role;
        type.addField(FieldSpec.builder(t, name, Modifier.PRIVATE, Modifier.FINAL)
                .initializer(initializer).build());
        return name;
    }

    @Override
    public String instanceCopy(String role, ArrayTypeName t, CodeBlock initializer) {
        if (members > 0) {
            String each = layer + "_" + role;
            constant(role, t, initializer);
            return instanceField(role, ArrayTypeName.of(t), CodeBlock.of(
                    "$T.stream($L).map($T::clone).toArray($T[]::new)", Arrays.class, each, t, t))
                    + "[member]";
        }
        return instanceField(role, t, CodeBlock.of("$L.clone()", constant(role, t, initializer)));
    }

    @Override
    public String perSample(String role, int size, boolean ints) {
        String name = layer.toLowerCase(Locale.ROOT) + role;
        type.addField(FieldSpec.builder(ints ? int[].class : float[].class, name,
                Modifier.PRIVATE).build());
        perSample.add(new PerSample(name, size, ints));
        return name;
    }

    /** An instance array of {@code size} elements a sample. */
    record PerSample(String name, int size, boolean ints) {
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

    @Override
    public boolean reluIn() {
        return reluIn;
    }
}
