package dev.nnc.maven;

import dev.nnc.compiler.diag.Diagnostic;
import dev.nnc.compiler.diag.DiagnosticPrinter;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Compiles the project's {@code .nn} model files into Java classes and adds them to the
 * compile sources. Only models whose file, imports or data files changed are compiled again;
 * the classes of deleted files are removed. Diagnostics go to the build log as the {@code nnc}
 * command prints them, {@code src/main/nn/xor.nn:4:5: error[NN0201]: …}, and an error fails
 * the build.
 *
 * <pre>
 * src/main/nn/com/example/xor.nn  →  target/generated-sources/nn/com/example/Xor.java
 * </pre>
 *
 * @since 0.1.0
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class GenerateMojo extends AbstractMojo {

    /**
     * Directory holding the {@code .nn} files. Imports and data files they name are resolved
     * relative to each file, so they may live here too.
     *
     * @since 0.1.0
     */
    @Parameter(property = "nn.sourceDirectory", defaultValue = "${basedir}/src/main/nn")
    private File sourceDirectory;

    /**
     * Directory the generated Java sources are written to; it is added as a compile source
     * root.
     *
     * @since 0.1.0
     */
    @Parameter(property = "nn.outputDirectory",
            defaultValue = "${project.build.directory}/generated-sources/nn")
    private File outputDirectory;

    /**
     * Java package of the classes of models whose file declares no {@code package}. Empty: the
     * default package.
     *
     * @since 0.1.0
     */
    @Parameter(property = "nn.packageName", defaultValue = "")
    private String packageName;

    /**
     * Glob patterns, relative to {@link #sourceDirectory}, of the files to compile. Default:
     * {@code **}{@code /*.nn}. A file holding only groups and constants (imported by models)
     * may be included: it is checked and yields no class.
     *
     * @since 0.1.0
     */
    @Parameter(property = "nn.includes")
    private List<String> includes = new ArrayList<>();

    /**
     * Glob patterns, relative to {@link #sourceDirectory}, of files not to compile, e.g.
     * {@code drafts/**}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "nn.excludes")
    private List<String> excludes = new ArrayList<>();

    /**
     * Skips the goal: nothing is compiled and no source root is added.
     *
     * @since 0.1.0
     */
    @Parameter(property = "nn.skip", defaultValue = "false")
    private boolean skip;

    /**
     * Fails the build when a model has warnings, not only when it has errors.
     *
     * @since 0.1.0
     */
    @Parameter(property = "nn.failOnWarning", defaultValue = "false")
    private boolean failOnWarning;

    /** File keeping the fingerprints of the compiled models between builds. */
    @Parameter(defaultValue = "${project.build.directory}/nn-maven-plugin/state.properties",
            readonly = true, required = true)
    private File stateFile;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
    private PluginDescriptor plugin;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping .nn compilation (nn.skip)");
            return;
        }
        Generator.Config config = new Generator.Config(sourceDirectory.toPath(),
                outputDirectory.toPath(), stateFile.toPath(), project.getBasedir().toPath(),
                packageName, includes, excludes, toolVersion());
        Generator.Result r;
        try {
            r = new Generator(config).run();
        } catch (IOException e) {
            throw new MojoExecutionException("Cannot compile the .nn files of " + sourceDirectory
                    + ": " + e.getMessage(), e);
        }
        project.addCompileSourceRoot(outputDirectory.getAbsolutePath());
        report(r);
        if (r.errorCount() > 0 || (failOnWarning && r.warningCount() > 0)) {
            throw new MojoFailureException(summary(r.diagnostics())
                    + (r.errorCount() == 0 ? " (failOnWarning is set)" : "")
                    + " in the .nn files; see the messages above");
        }
    }

    private void report(Generator.Result r) {
        for (Diagnostic d : r.diagnostics()) {
            String text = DiagnosticPrinter.render(d).stripTrailing();
            if (d.isError()) {
                getLog().error(text);
            } else {
                getLog().warn(text);
            }
        }
        if (r.errorCount() > 0) {
            getLog().error(summary(r.diagnostics()));
        } else if (r.warningCount() > 0) {
            getLog().warn(summary(r.diagnostics()));
        }
        for (String c : r.generated()) {
            getLog().info("Generated " + c);
        }
        for (String c : r.deleted()) {
            getLog().info("Deleted " + c + " (its .nn file is gone)");
        }
        if (getLog().isDebugEnabled()) {
            r.upToDate().forEach(f -> getLog().debug("Up to date: " + f));
            r.unchanged().forEach(f -> getLog().debug("Compiled, unchanged: " + f));
        }
        getLog().info(String.format("nn: %s up to date, %d generated, %d deleted%s -> %s",
                plural(r.upToDate().size(), "model"), r.generated().size(), r.deleted().size(),
                r.unchanged().isEmpty() ? "" : ", " + r.unchanged().size() + " unchanged",
                outputDirectory));
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    /** {@code 1 error, 2 warnings}, as the command line's count line. */
    private static String summary(List<Diagnostic> ds) {
        String all = DiagnosticPrinter.renderAll(ds).stripTrailing();
        int nl = all.lastIndexOf('\n');
        return nl < 0 ? all : all.substring(nl + 1);
    }

    /**
     * The plugin version, and for a snapshot the size and date of every jar it runs on, so a
     * rebuilt compiler regenerates the classes.
     */
    private String toolVersion() {
        String v = plugin.getVersion();
        if (!v.endsWith("-SNAPSHOT")) {
            return v;
        }
        return v + plugin.getArtifacts().stream()
                .map(Artifact::getFile)
                .filter(f -> f != null && f.isFile())
                .map(f -> "|" + f.getName() + ":" + f.length() + ":" + f.lastModified())
                .sorted()
                .collect(Collectors.joining());
    }
}
