package dev.nnc.compiler.ops;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.nnc.runtime.kernels.Activations;
import dev.nnc.runtime.kernels.CellReference;
import dev.nnc.runtime.kernels.ConvReference;
import dev.nnc.runtime.kernels.DenseReference;
import dev.nnc.runtime.kernels.PoolReference;
import dev.nnc.runtime.model.Ensemble;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.lang.model.element.Modifier;

/**
 * The reference source of a runtime operation as the standalone class carries it: the part of
 * the runtime class's source (which the runtime jar carries under {@code META-INF/nnc/reference})
 * between its {@code // standalone: begin} and {@code // standalone: end} comments, every
 * constant's initializer and every method's body as written there, made private. So the
 * standalone class (which needs nothing but the JDK) computes with the runtime's own reference
 * code, and there is no second copy to keep in step.
 *
 * <p>The part copied holds only {@code static final} constants of a primitive type and
 * {@code static} methods whose parameters and results are primitives or arrays of them. For
 * {@link DenseReference} the standalone class gets
 * <pre>
 * private static float[][] rows(float[] p, int w, int in, int out) { ...as in the runtime... }
 * private static void dense(float[] x, int from, int to, int in, float[][] w, ...) { ... }
 * </pre>
 */
public final class ReferenceSource {
    /** Activations: exp, σ and tanh. */
    public static final ReferenceSource ACTIVATIONS = new ReferenceSource(Activations.class);
    /** Dense inference, fused and rounded. */
    public static final ReferenceSource DENSE = new ReferenceSource(DenseReference.class);
    /** Convolution at stride 1 (with {@link #DENSE}'s rows and bias for W and B). */
    public static final ReferenceSource CONV = new ReferenceSource(ConvReference.class);
    /** Max and average pooling. */
    public static final ReferenceSource POOL = new ReferenceSource(PoolReference.class);
    /** The recurrent cells' step (calls σ and tanh of {@link #ACTIVATIONS}). */
    public static final ReferenceSource CELLS = new ReferenceSource(CellReference.class);
    /** An ensemble's vote: mean, plurality of sigmoid outputs, plurality of softmax outputs. */
    public static final ReferenceSource VOTE = new ReferenceSource(Ensemble.class);

    private static final Pattern FIELD = Pattern.compile(
            "^ {4}(?:public |private )?static final (\\w+) (\\w+) = (.+);$");
    private static final Pattern METHOD = Pattern.compile(
            "^ {4}(?:public |private )?static ([\\w\\[\\]]+) (\\w+)\\(([^)]*)\\) \\{$");
    private static final Map<Class<?>, Members> PARSED = new ConcurrentHashMap<>();

    private final Class<?> owner;

    private ReferenceSource(Class<?> owner) {
        this.owner = owner;
    }

    /** The constants and methods, for a class whose layers call them. */
    private record Members(List<FieldSpec> fields, List<MethodSpec> methods) {
    }

    /** The runtime class whose source this is. */
    public Class<?> owner() {
        return owner;
    }

    /** The resource of the source in the runtime jar. */
    public String resource() {
        return "/META-INF/nnc/reference/" + owner.getName().replace('.', '/') + ".java";
    }

    /** The reference constants, as private static final fields. */
    public List<FieldSpec> fields() {
        return members().fields();
    }

    /** The reference methods, private static. */
    public List<MethodSpec> methods() {
        return members().methods();
    }

    private Members members() {
        return PARSED.computeIfAbsent(owner, o -> parse(lines()));
    }

    /** The lines of the source between its standalone markers. */
    public List<String> lines() {
        String text;
        try (InputStream in = owner.getResourceAsStream(resource())) {
            if (in == null) {
                throw new IllegalStateException("the runtime jar has no " + resource());
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> lines = text.lines().toList();
        int from = lines.indexOf("    // standalone: begin");
        int to = lines.indexOf("    // standalone: end");
        if (from < 0 || to < from) {
            throw new IllegalStateException(resource() + " has no standalone markers");
        }
        return lines.subList(from + 1, to);
    }

    private Members parse(List<String> lines) {
        List<FieldSpec> fields = new ArrayList<>();
        List<MethodSpec> methods = new ArrayList<>();
        String doc = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String t = line.strip();
            if (t.isEmpty()) {
                continue;
            }
            if (t.startsWith("/**")) {
                StringBuilder d = new StringBuilder();
                while (true) {
                    String s = lines.get(i).strip();
                    s = s.replaceFirst("^/\\*\\*", "").replaceFirst("\\*/$", "")
                            .replaceFirst("^\\*", "").strip();
                    if (!s.isEmpty()) {
                        d.append(d.length() == 0 ? "" : " ").append(s);
                    }
                    if (lines.get(i).strip().endsWith("*/")) {
                        break;
                    }
                    i++;
                }
                doc = d.toString();
                continue;
            }
            // a signature wrapped over several lines is read as one
            while (line.contains("(") && !line.endsWith("{") && !line.endsWith(";")
                    && i + 1 < lines.size()) {
                line = line + " " + lines.get(++i).strip();
            }
            Matcher f = FIELD.matcher(line);
            Matcher m = METHOD.matcher(line);
            if (f.matches()) {
                FieldSpec.Builder b = FieldSpec.builder(type(f.group(1)), f.group(2),
                        Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .initializer("$L", f.group(3));
                if (doc != null) {
                    b.addJavadoc("$L\n", doc);
                }
                fields.add(b.build());
            } else if (m.matches()) {
                MethodSpec.Builder b = MethodSpec.methodBuilder(m.group(2))
                        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                        .returns(type(m.group(1)));
                for (String p : m.group(3).split(",")) {
                    String[] tn = p.strip().split(" ");
                    b.addParameter(type(tn[0]), tn[1]);
                }
                StringBuilder body = new StringBuilder();
                for (i++; !lines.get(i).equals("    }"); i++) {
                    String s = lines.get(i);
                    body.append(s.startsWith("        ") ? s.substring(8) : s.strip())
                            .append('\n');
                }
                if (doc != null) {
                    b.addJavadoc("$L\n", doc);
                }
                methods.add(b.addCode(CodeBlock.of("$L", body)).build());
            } else {
                throw new IllegalStateException(resource() + ": not a constant or a method: "
                        + line);
            }
            doc = null;
        }
        return new Members(List.copyOf(fields), List.copyOf(methods));
    }

    private TypeName type(String name) {
        if (name.endsWith("[]")) {
            return ArrayTypeName.of(type(name.substring(0, name.length() - 2)));
        }
        return switch (name) {
            case "void" -> TypeName.VOID;
            case "float" -> TypeName.FLOAT;
            case "int" -> TypeName.INT;
            case "double" -> TypeName.DOUBLE;
            case "long" -> TypeName.LONG;
            case "boolean" -> TypeName.BOOLEAN;
            default -> throw new IllegalStateException(resource() + ": type " + name
                    + " is not a primitive or an array of one");
        };
    }
}
