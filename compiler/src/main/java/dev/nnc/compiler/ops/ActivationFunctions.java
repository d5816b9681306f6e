package dev.nnc.compiler.ops;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.nnc.runtime.kernels.Activations;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.lang.model.element.Modifier;

/**
 * The standalone class's {@code exp}, {@code sigmoid} and {@code tanh} with their constants: the
 * reference functions of {@link Activations}, copied verbatim from that class's source (which the
 * runtime jar carries) — every constant's initializer and every method's body as written there,
 * made private. So the standalone class (which needs nothing but the JDK) computes the bits the
 * model class computes on the runtime's kernels, and there is no second copy to keep in step.
 *
 * <p>The part copied lies between the {@code // standalone: begin} and {@code // standalone: end}
 * comments of {@code Activations.java}; it holds only {@code static final} constants of a
 * primitive type and {@code static} methods of primitive parameters.
 */
public final class ActivationFunctions {
    private static final String SOURCE =
            "/META-INF/nnc/reference/dev/nnc/runtime/kernels/Activations.java";
    private static final Pattern FIELD = Pattern.compile(
            "^ {4}(?:public |private )?static final (\\w+) (\\w+) = (.+);$");
    private static final Pattern METHOD = Pattern.compile(
            "^ {4}(?:public |private )?static (\\w+) (\\w+)\\(([^)]*)\\) \\{$");

    private static volatile Members members;

    private ActivationFunctions() {
    }

    /** The constants and methods, for a class whose layers call them. */
    private record Members(List<FieldSpec> fields, List<MethodSpec> methods) {
    }

    /** The reference constants, as private static final fields. */
    public static List<FieldSpec> fields() {
        return members().fields();
    }

    /** The reference methods ({@code exp}, {@code sigmoid}, {@code tanh}, …), private static. */
    public static List<MethodSpec> methods() {
        return members().methods();
    }

    private static Members members() {
        Members m = members;
        if (m == null) {
            m = parse(referenceSource());
            members = m;
        }
        return m;
    }

    /** The lines of {@code Activations.java} between its standalone markers. */
    static List<String> referenceSource() {
        String text;
        try (InputStream in = Activations.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the runtime jar has no " + SOURCE);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> lines = text.lines().toList();
        int from = lines.indexOf("    // standalone: begin");
        int to = lines.indexOf("    // standalone: end");
        if (from < 0 || to < from) {
            throw new IllegalStateException(SOURCE + " has no standalone markers");
        }
        return lines.subList(from + 1, to);
    }

    private static Members parse(List<String> lines) {
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
                throw new IllegalStateException(SOURCE + ": not a constant or a method: " + line);
            }
            doc = null;
        }
        return new Members(List.copyOf(fields), List.copyOf(methods));
    }

    private static TypeName type(String name) {
        return switch (name) {
            case "float" -> TypeName.FLOAT;
            case "int" -> TypeName.INT;
            case "double" -> TypeName.DOUBLE;
            case "long" -> TypeName.LONG;
            default -> throw new IllegalStateException(SOURCE + ": type " + name
                    + " is not a primitive");
        };
    }
}
