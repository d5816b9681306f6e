package dev.nnc.compiler;

import dev.nnc.runtime.model.TrainableModel;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles a generated model class with {@code javax.tools} in memory and loads it, so that
 * {@code nnc train} runs a {@code .nn} file without writing anything to disk.
 */
public final class InMemoryJavac {
    private InMemoryJavac() {
    }

    /** The javac messages of a failed compilation. */
    public static final class JavacException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        JavacException(String message) {
            super(message);
        }
    }

    /** The result of compiling one class: its bytecode by class name, and javac's warnings. */
    public record Result(Map<String, byte[]> classes, List<String> warnings) {
    }

    /**
     * Compiles {@code source} (the class {@code className}) with {@code -Xlint:all} against the
     * classpath of this JVM.
     */
    public static Result compile(String className, String source) {
        return compileAll(Map.of(className, source));
    }

    /**
     * Compiles several classes (source by class name) in one javac task, as {@link #compile}
     * does one: javac's start-up is paid once, not once per class.
     */
    public static Result compileAll(Map<String, String> sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new JavacException("no Java compiler in this runtime: run nnc on a JDK, not a "
                    + "JRE");
        }
        DiagnosticCollector<JavaFileObject> collector = new DiagnosticCollector<>();
        Map<String, ByteArrayOutputStream> out = new HashMap<>();
        StandardJavaFileManager std = javac.getStandardFileManager(collector, Locale.ROOT, null);
        JavaFileManager fm = new ForwardingJavaFileManager<>(std) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String name,
                    JavaFileObject.Kind kind, FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + name.replace('.', '/')
                        + kind.extension), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                        out.put(name, bytes);
                        return bytes;
                    }
                };
            }
        };
        List<JavaFileObject> files = new ArrayList<>();
        sources.forEach((className, source) -> files.add(new SimpleJavaFileObject(URI.create(
                "mem:///" + className.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        }));
        boolean ok = javac.getTask(null, fm, collector, options(), null, files).call();
        List<String> warnings = new ArrayList<>();
        StringBuilder errors = new StringBuilder();
        for (Diagnostic<? extends JavaFileObject> d : collector.getDiagnostics()) {
            String where = sources.size() == 1 || d.getSource() == null ? ""
                    : d.getSource().getName() + " ";
            String text = where + "line " + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT);
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                errors.append(text).append('\n');
            } else if (d.getKind() != Diagnostic.Kind.NOTE) {
                warnings.add(text);
            }
        }
        if (!ok) {
            throw new JavacException("generated code for " + String.join(", ", sources.keySet())
                    + " did not compile:\n" + errors);
        }
        Map<String, byte[]> classes = new HashMap<>();
        out.forEach((k, v) -> classes.put(k, v.toByteArray()));
        return new Result(classes, warnings);
    }

    /** javac's options for a generated class: all lint warnings, Java 17, this JVM's classpath. */
    static List<String> options() {
        return List.of("-Xlint:all", "-proc:none", "--release", "17", "-classpath",
                System.getProperty("java.class.path", "") + File.pathSeparator
                        + runtimeLocation());
    }

    /** Where the runtime's classes come from: its jar or class directory. */
    static String runtimeLocation() {
        try {
            return new File(TrainableModel.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI()).getPath();
        } catch (java.net.URISyntaxException | NullPointerException e) {
            return "";
        }
    }

    /** Compiles and loads the class, returning a new instance of it. */
    public static TrainableModel load(Compilation c) {
        return instantiate(c.className(), compile(c.className(), c.javaSource()).classes());
    }

    /**
     * Defines {@code classes} (bytecode by class name) in a new class loader and returns a new
     * instance of {@code className}.
     *
     * @throws JavacException when the class cannot be loaded or is not a model
     */
    public static TrainableModel instantiate(String className, Map<String, byte[]> classes) {
        try {
            Class<?> cls = define(className, classes);
            return (TrainableModel) cls.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new JavacException("cannot load " + className + ": " + e);
        }
    }

    /**
     * Defines {@code classes} (bytecode by class name) in a new class loader and returns the
     * class {@code className} of them (a model class, or a standalone class, which is no
     * {@link TrainableModel}).
     */
    public static Class<?> define(String className, Map<String, byte[]> classes)
            throws ClassNotFoundException {
        ClassLoader loader = new ClassLoader(TrainableModel.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = classes.get(name);
                if (b == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, b, 0, b.length);
            }
        };
        return loader.loadClass(className);
    }
}
