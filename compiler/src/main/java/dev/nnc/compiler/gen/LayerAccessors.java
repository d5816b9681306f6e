package dev.nnc.compiler.gen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeSpec;
import dev.nnc.compiler.ir.LayerIR;
import dev.nnc.compiler.ir.ModelIR;
import dev.nnc.runtime.model.LayerInfo;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * The generated model's view of its layers ({@link dev.nnc.runtime.model.Model#layers()} and
 * {@link dev.nnc.runtime.model.Model#layerOutput(int)}): a constant list of each layer's name, kind and
 * output shape, and a method that hands out the buffer a forward pass writes each layer's output
 * into. For a model {@code input [2]; dense(3) -> relu} it writes
 * <pre>
 * private static final List&lt;LayerInfo&gt; LAYERS = List.of(
 *         new LayerInfo("dense1", "dense", new int[] {3}),
 *         new LayerInfo("relu1", "relu", new int[] {3}));
 * public float[] layerOutput(int i) {
 *     float[] a = switch (i) { case 0 -&gt; a0; case 1 -&gt; a1; default -&gt; throw ...; };
 *     ...
 * }
 * </pre>
 * Nothing runs on the forward or backward path: the buffers are those the passes use anyway.
 */
final class LayerAccessors {
    private LayerAccessors() {
    }

    /** Adds {@code LAYERS}, {@code layers()} and {@code layerOutput(int)} to {@code t}. */
    static void add(TypeSpec.Builder t, ModelIR m) {
        CodeBlock.Builder list = CodeBlock.builder().add("$T.of(", List.class);
        boolean first = true;
        for (LayerIR l : m.layers()) {
            list.add(first ? "\n" : ",\n");
            list.add("new $T($S, $S, new int[] {$L})", LayerInfo.class, l.name(),
                    l.kind().name(), Arrays.stream(l.out().dims()).mapToObj(Integer::toString)
                            .collect(Collectors.joining(", ")));
            first = false;
        }
        list.add(")");
        t.addField(FieldSpec.builder(ParameterizedTypeName.get(List.class, LayerInfo.class),
                "LAYERS", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer(list.build()).build());
        t.addMethod(MethodSpec.methodBuilder("layers").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(ParameterizedTypeName.get(List.class, LayerInfo.class))
                .addStatement("return LAYERS").build());
        CodeBlock.Builder sw = CodeBlock.builder().add("final float[] a = switch (i) {\n$>");
        for (LayerIR l : m.layers()) {
            sw.add("case $L -> a$L;\n", l.index(), l.index());
        }
        sw.add("default -> throw new $T($S + i + $S);\n", IndexOutOfBoundsException.class,
                "layer ", " of " + m.layers().size());
        sw.add("$<};\n");
        t.addMethod(MethodSpec.methodBuilder("layerOutput").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).returns(float[].class)
                .addParameter(int.class, "i")
                .addCode(sw.build())
                .beginControlFlow("if (a == null)")
                .addStatement("throw new $T($S)", IllegalStateException.class,
                        "no forward pass yet")
                .endControlFlow()
                .addStatement("return a").build());
    }
}
