package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@link QuickCommandLine} against the annotated command line it stands in for: the same options
 * and parameters, the same values parsed from the same arguments, and the annotated one left to
 * every command line that asks for help or that it cannot parse.
 */
class QuickCommandLineTest {
    /** Command lines that parse; the first word names the command. */
    private static final List<List<String>> VALID = List.of(
            List.of("predict", "m.nn", "-i", "in.csv"),
            List.of("predict", "--quiet", "m.nn", "-w", "w.safetensors", "-i", "in.csv", "-o",
                    "out.csv"),
            List.of("predict", "m.nn", "--input=in.csv", "--json", "-q", "--output", "o.csv"),
            List.of("predict", "-qi", "in.csv", "m.nn", "--weights=w"),
            List.of("predict", "m.nn", "-i", "in.csv", "--debug"),
            List.of("predict", "-i", "in.csv", "--", "-m.nn"),
            List.of("check", "a.nn"),
            List.of("check", "-W", "a.nn", "--json", "b.nn"),
            List.of("check", "--warnings-as-errors", "-q", "a.nn", "b.nn", "c.nn"),
            List.of("check", "--debug", "-Wq", "a.nn"),
            List.of("check", "--", "-a.nn"),
            List.of("check", "a.nn", "help"));

    /** Command lines that ask for help or a version, or that do not parse. */
    private static final List<List<String>> LEFT_TO_ANNOTATED = List.of(
            List.of("predict"),
            List.of("predict", "m.nn"),
            List.of("predict", "--help"),
            List.of("predict", "-h", "m.nn", "-i", "in.csv"),
            List.of("predict", "m.nn", "-i", "in.csv", "-V"),
            List.of("predict", "m.nn", "-i", "in.csv", "extra.nn"),
            List.of("predict", "m.nn", "-i", "in.csv", "--bogus"),
            List.of("predict", "m.nn", "-i"),
            List.of("predict", "m.nn", "-i", "in.csv", "--quiet=yes"),
            List.of("predict", "m.nn", "-i", "in.csv", "check"),
            List.of("check"),
            List.of("check", "--help"),
            List.of("check", "--version"),
            List.of("check", "-x", "a.nn"),
            List.of("check", "a.nn", "-i", "in.csv"));

    @ParameterizedTest
    @ValueSource(strings = {"predict", "check"})
    void holdsTheOptionsAndParametersOfTheAnnotatedCommand(String name) {
        String[] args = VALID.stream().filter(a -> a.get(0).equals(name)).findFirst()
                .orElseThrow().toArray(String[]::new);
        CommandLine quick = QuickCommandLine.of(new Main(null), args);
        assertNotNull(quick);
        CommandLine annotated = Main.commandLine(new Main(null), args);
        assertEquals(describe(annotated.getCommandSpec()), describe(quick.getCommandSpec()));
        assertEquals(List.of(name), List.copyOf(quick.getSubcommands().keySet()));
        assertEquals(describe(annotated.getSubcommands().get(name).getCommandSpec()),
                describe(quick.getSubcommands().get(name).getCommandSpec()));
    }

    @Test
    void parsesTheSameValuesAsTheAnnotatedCommand() throws IllegalAccessException {
        for (List<String> a : VALID) {
            String[] args = a.toArray(String[]::new);
            Main quickMain = new Main(null);
            CommandLine quick = QuickCommandLine.of(quickMain, args);
            assertNotNull(quick, a.toString());
            Main annotatedMain = new Main(null);
            CommandLine annotated = Main.commandLine(annotatedMain, args);
            annotated.parseArgs(args);
            Object expected = annotated.getSubcommands().get(a.get(0)).getCommand();
            Object actual = quick.getSubcommands().get(a.get(0)).getCommand();
            assertEquals(state(expected), state(actual), a.toString());
            assertEquals(annotatedMain.debug, quickMain.debug, a.toString());
            assertEquals(a.contains("--debug"), quickMain.debug, a.toString());
        }
    }

    @Test
    void leavesHelpAndErrorsToTheAnnotatedCommand() {
        for (List<String> a : LEFT_TO_ANNOTATED) {
            String[] args = a.toArray(String[]::new);
            assertNull(QuickCommandLine.of(new Main(null), args), a.toString());
            CommandLine annotated = Main.commandLine(new Main(null), args);
            boolean help;
            try {
                help = annotated.parseArgs(args).subcommand().isUsageHelpRequested()
                        || annotated.parseArgs(args).subcommand().isVersionHelpRequested();
            } catch (CommandLine.ParameterException e) {
                help = true;
            }
            assertTrue(help, a.toString());
        }
        for (String other : List.of("train", "eval", "summary", "help", "--help", "prdict")) {
            assertNull(QuickCommandLine.of(new Main(null), new String[] {other, "m.nn"}), other);
        }
        assertNull(QuickCommandLine.of(new Main(null), new String[0]));
        assertThrows(CommandLine.ParameterException.class, () -> Main.commandLine(
                new Main(null), new String[] {"predict", "m.nn"}).parseArgs("predict", "m.nn"));
    }

    /** What parsing depends on, of each option and positional parameter of {@code spec}. */
    private static List<String> describe(CommandSpec spec) {
        List<String> d = new ArrayList<>();
        d.add("name " + spec.name());
        for (OptionSpec o : spec.options()) {
            d.add("option " + String.join(",", o.names()) + common(o) + " help "
                    + o.usageHelp() + "/" + o.versionHelp() + " negatable " + o.negatable()
                    + " order " + o.order() + " fallback " + o.fallbackValue());
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            d.add("positional " + p.index() + common(p));
        }
        return d;
    }

    private static String common(ArgSpec a) {
        return " arity " + a.arity() + " type " + a.type().getName() + " aux "
                + Arrays.toString(a.auxiliaryTypes()) + " required " + a.required()
                + " initial " + a.initialValue() + " default " + a.defaultValue()
                + " split " + a.splitRegex() + " scope " + a.scopeType() + " inherited "
                + a.inherited() + " interactive " + a.interactive()
                // NOTE: a flag's label is nowhere to be seen (it takes no value)
                + (a.arity().max() == 0 ? "" : " label " + a.paramLabel());
    }

    /** The fields of a command and of its mixins, {@code main} aside. */
    private static List<String> state(Object o) throws IllegalAccessException {
        List<String> s = new ArrayList<>();
        for (Field f : o.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || f.getType() == Main.class) {
                continue;
            }
            f.setAccessible(true);
            Object v = f.get(o);
            if (v != null && v.getClass().getPackageName().equals("dev.nnc.cli")) {
                s.add(f.getName() + " " + state(v));
            } else {
                s.add(f.getName() + " " + v);
            }
        }
        return s;
    }
}
