package dev.nnc.compiler.gen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.nnc.compiler.ops.EmitSite;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes a value of the runtime's {@link dev.nnc.runtime.model.ModelSpec} (or any value built of
 * records, enums, lists, maps, arrays, strings and numbers) as the Java expression that rebuilds
 * it. Records are written through their canonical constructor, component by component as
 * {@link Class#getRecordComponents()} lists them, so a component added to a spec record is
 * written with no change here; the generated code then compiles only against the runtime's
 * record of the same shape.
 *
 * <p>Example: {@code new TrainSpec(10, 32, true, null, ...)} is written as
 * <pre>
 * new ModelSpec.TrainSpec(10, 32, true, null, 0.0, 1, null, 0.0, 0.0, null, false, null)
 * </pre>
 */
final class SpecWriter {
    private SpecWriter() {
    }

    /** The expression that rebuilds {@code value}. */
    static CodeBlock write(Object value) {
        if (value == null) {
            return CodeBlock.of("null");
        }
        if (value instanceof String s) {
            return JavaText.string(s);
        }
        if (value instanceof Boolean || value instanceof Integer) {
            return CodeBlock.of("$L", value);
        }
        if (value instanceof Long l) {
            return CodeBlock.of("$LL", l);
        }
        if (value instanceof Double d) {
            return number(d);
        }
        if (value instanceof Float f) {
            return Float.isFinite(f) ? CodeBlock.of("$L", EmitSite.f(f))
                    : CodeBlock.of("(float) $L", number(f));
        }
        if (value instanceof Enum<?> e) {
            return CodeBlock.of("$T.$L", e.getDeclaringClass(), e.name());
        }
        if (value instanceof int[] a) {
            return CodeBlock.of("new int[] {$L}", joined(Arrays.stream(a).boxed().toList()));
        }
        if (value instanceof double[] a) {
            return CodeBlock.of("new double[] {$L}", joined(Arrays.stream(a).boxed().toList()));
        }
        if (value instanceof List<?> list) {
            return CodeBlock.of("$T.of($L)", List.class, joined(list));
        }
        if (value instanceof Map<?, ?> map) {
            return map(map);
        }
        if (value instanceof Record r) {
            return record(r);
        }
        throw new IllegalArgumentException("cannot write a " + value.getClass().getName()
                + " into generated code");
    }

    private static CodeBlock number(double d) {
        if (Double.isNaN(d)) {
            return CodeBlock.of("$T.NaN", Double.class);
        }
        if (Double.isInfinite(d)) {
            return CodeBlock.of("$T.$L", Double.class, d > 0 ? "POSITIVE_INFINITY"
                    : "NEGATIVE_INFINITY");
        }
        return CodeBlock.of("$L", Double.toString(d));
    }

    /** Entries in the order of their keys' text, so the same map is always written alike. */
    private static CodeBlock map(Map<?, ?> map) {
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        entries.sort((a, b) -> String.valueOf(a.getKey()).compareTo(String.valueOf(b.getKey())));
        List<CodeBlock> parts = new ArrayList<>();
        if (entries.size() <= 10) {
            for (Map.Entry<?, ?> e : entries) {
                parts.add(CodeBlock.of("$L, $L", write(e.getKey()), write(e.getValue())));
            }
            return CodeBlock.of("$T.of($L)", Map.class, CodeBlock.join(parts, ",$W"));
        }
        for (Map.Entry<?, ?> e : entries) {
            parts.add(CodeBlock.of("$T.entry($L, $L)", Map.class, write(e.getKey()),
                    write(e.getValue())));
        }
        return CodeBlock.of("$T.ofEntries($L)", Map.class, CodeBlock.join(parts, ",$W"));
    }

    private static CodeBlock record(Record r) {
        List<CodeBlock> args = new ArrayList<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            try {
                args.add(write(c.getAccessor().invoke(r)));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + c, e);
            }
        }
        return CodeBlock.of("new $T($L)", ClassName.get(r.getClass()),
                CodeBlock.join(args, ",$W"));
    }

    private static CodeBlock joined(List<?> values) {
        List<CodeBlock> parts = new ArrayList<>();
        for (Object v : values) {
            parts.add(write(v));
        }
        return CodeBlock.join(parts, ",$W");
    }
}
