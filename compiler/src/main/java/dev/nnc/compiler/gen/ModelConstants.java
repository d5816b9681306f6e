package dev.nnc.compiler.gen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeSpec;
import dev.nnc.compiler.ir.LayerIR;
import dev.nnc.compiler.ir.ModelIR;
import dev.nnc.compiler.ir.TensorIR;
import dev.nnc.compiler.ops.Shape;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.ParamTensor;
import java.util.Arrays;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The constants of a generated model class: its name, architecture hash, sizes, shapes, the
 * parameter and buffer tensors and the {@link ModelSpec} of its file.
 */
final class ModelConstants {
    private static final ClassName SPEC = ClassName.get(ModelSpec.class);
    private static final Modifier[] CONST = {Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL};

    private ModelConstants() {
    }

    static void add(TypeSpec.Builder t, ModelIR m) {
        t.addField(FieldSpec.builder(String.class, "NAME", Modifier.PUBLIC, Modifier.STATIC,
                Modifier.FINAL).initializer("$S", m.name()).build());
        t.addField(FieldSpec.builder(String.class, "ARCHITECTURE_HASH", Modifier.PUBLIC,
                Modifier.STATIC, Modifier.FINAL).initializer("$S", m.archHash()).build());
        t.addField(FieldSpec.builder(int.class, "INPUT_SIZE", Modifier.PUBLIC, Modifier.STATIC,
                Modifier.FINAL).initializer("$L", m.input().size()).build());
        t.addField(FieldSpec.builder(int.class, "OUTPUT_SIZE", Modifier.PUBLIC, Modifier.STATIC,
                Modifier.FINAL).initializer("$L", m.output().size()).build());
        t.addField(FieldSpec.builder(int.class, "PARAM_COUNT", Modifier.PUBLIC, Modifier.STATIC,
                Modifier.FINAL).initializer("$L", m.paramCount()).build());
        t.addField(FieldSpec.builder(int[].class, "INPUT_SHAPE", CONST)
                .initializer("$L", intArray(m.input())).build());
        t.addField(FieldSpec.builder(int[].class, "OUTPUT_SHAPE", CONST)
                .initializer("$L", intArray(m.output())).build());
        CodeBlock.Builder tensors = CodeBlock.builder().add("$T.of(", List.class);
        boolean first = true;
        for (LayerIR l : m.layers()) {
            for (TensorIR p : l.params()) {
                tensors.add(first ? "\n" : ",\n");
                tensors.add("new $T($S, new int[] {$L}, $L)", ParamTensor.class, p.name(),
                        joined(p.def().shape()), p.offset());
                first = false;
            }
        }
        tensors.add(")");
        t.addField(FieldSpec.builder(ParameterizedTypeName.get(List.class, ParamTensor.class),
                "PARAM_TENSORS", CONST).initializer(tensors.build()).build());
        if (m.bufferCount() > 0) {
            t.addField(FieldSpec.builder(int.class, "BUFFER_COUNT", Modifier.PUBLIC,
                    Modifier.STATIC, Modifier.FINAL).initializer("$L", m.bufferCount()).build());
            CodeBlock.Builder bufs = CodeBlock.builder().add("$T.of(", List.class);
            first = true;
            for (LayerIR l : m.layers()) {
                for (TensorIR b : l.buffers()) {
                    bufs.add(first ? "\n" : ",\n");
                    bufs.add("new $T($S, new int[] {$L}, $L)", ParamTensor.class, b.name(),
                            joined(b.def().shape()), b.offset());
                    first = false;
                }
            }
            bufs.add(")");
            t.addField(FieldSpec.builder(ParameterizedTypeName.get(List.class,
                    ParamTensor.class), "BUFFER_TENSORS", CONST).initializer(bufs.build())
                    .build());
        }
        t.addField(FieldSpec.builder(SPEC, "SPEC", CONST).initializer(SpecWriter.write(m.spec())).build());
    }

    private static String intArray(Shape s) {
        return "new int[] {" + joined(s.dims()) + "}";
    }

    private static String joined(int[] a) {
        return String.join(", ", Arrays.stream(a).mapToObj(Integer::toString).toList());
    }

}
