package dev.nnc.compiler.gen;

import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.nnc.compiler.ops.Shape;
import javax.lang.model.element.Modifier;

/**
 * The class weights of a generated model whose loss weighs classes
 * ({@link dev.nnc.compiler.ops.Loss#weighsClasses}): the field the loss code reads as
 * {@code cw}, and {@code setClassWeights}/{@code classWeights} of
 * {@link dev.nnc.runtime.model.TrainableModel}.
 *
 * <p>For a softmax output [3] it writes a field {@code float[] classWeights} (null: every sample
 * weighs 1) and a setter that refuses an array of other than 3 weights, or a weight that is
 * negative, NaN or infinite.
 */
final class ClassWeightAccessors {
    private ClassWeightAccessors() {
    }

    static void add(TypeSpec.Builder t, Shape output) {
        int classes = output.size() == 1 ? 2 : output.size();
        t.addField(FieldSpec.builder(float[].class, "classWeights", Modifier.PRIVATE)
                .addJavadoc("The weight of each class in the loss, or null: every sample 1.\n")
                .build());
        t.addMethod(MethodSpec.methodBuilder("setClassWeights").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).addParameter(float[].class, "w")
                .beginControlFlow("if (w != null && w.length != $L)", classes)
                .addStatement("throw new $T($S + w.length)", IllegalArgumentException.class,
                        "class weights: " + classes + " classes, not ")
                .endControlFlow()
                .beginControlFlow("for (int c = 0; w != null && c < w.length; c++)")
                .beginControlFlow("if (!(w[c] >= 0f) || w[c] == Float.POSITIVE_INFINITY)")
                .addStatement("throw new $T($S + c + $S + w[c])",
                        IllegalArgumentException.class, "class weight ", ": ")
                .endControlFlow()
                .endControlFlow()
                .addStatement("classWeights = w == null ? null : w.clone()").build());
        t.addMethod(MethodSpec.methodBuilder("classWeights").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).returns(float[].class)
                .addStatement("return classWeights == null ? null : classWeights.clone()")
                .build());
    }
}
