package dev.nnc.cli;

import dev.nnc.runtime.io.OutputFiles;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Ctrl-C (SIGINT) and SIGTERM while {@code nnc train} runs: the first asks training to stop after
 * its current batch (the command then saves the last complete epoch and exits 128 + the signal's
 * number: 130 after Ctrl-C, 143 after SIGTERM); the second ends the process at once, after
 * removing the temporary files of the outputs being written, so the files of the previous run
 * stay as they were.
 *
 * <p>Example:
 * <pre>{@code
 * try (Interrupts stop = Interrupts.install(err, live)) {
 *     stop.guard(outputs);                        // the set to discard on a second signal
 *     Training.run(model, dir, opts.withInterrupt(stop));
 *     if (stop.getAsBoolean()) return stop.exitCode();
 * }
 * }</pre>
 *
 * <p>NOTE: a JVM shutdown hook can do the first part (ask, then wait for the save), but while
 * the hooks run the JVM ignores a second signal: {@code Runtime.exit} blocks until they end. So
 * the handlers are installed with {@code sun.misc.Signal} (module {@code jdk.unsupported}),
 * called by reflection because javac warns of its direct use; where it is missing, the JVM's own
 * handling stays (the process ends at once; the outputs, written atomically, stay whole).
 */
final class Interrupts implements BooleanSupplier, AutoCloseable {
    private static final String[] SIGNALS = {"INT", "TERM"};

    private final PrintStream err;
    private final boolean live;
    private final List<Runnable> restore = new ArrayList<>();
    private volatile int signal;
    private volatile OutputFiles pending;
    private int count;

    private Interrupts(PrintStream err, boolean live) {
        this.err = err;
        this.live = live;
    }

    /** Handlers that never fire, for runs inside another program (tests, tools). */
    static Interrupts none() {
        return new Interrupts(null, false);
    }

    /**
     * Installs the handlers of SIGINT and SIGTERM for this process until {@link #close};
     * {@code live}: a status line is drawn on {@code err}, so the message starts a new line.
     */
    static Interrupts install(PrintStream err, boolean live) {
        Interrupts i = new Interrupts(err, live);
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Constructor<?> make = signalClass.getConstructor(String.class);
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Method number = signalClass.getMethod("getNumber");
            for (String name : SIGNALS) {
                Object sig = make.newInstance(name);
                Object handler = Proxy.newProxyInstance(Interrupts.class.getClassLoader(),
                        new Class<?>[] {handlerClass}, (proxy, method, args) -> {
                            switch (method.getName()) {
                                case "handle" -> i.onSignal(name, (Integer) number.invoke(args[0]));
                                case "hashCode" -> {
                                    return System.identityHashCode(proxy);
                                }
                                case "equals" -> {
                                    return proxy == args[0];
                                }
                                case "toString" -> {
                                    return "nnc train's " + name + " handler";
                                }
                                default -> {
                                }
                            }
                            return null;
                        });
                Object old = handle.invoke(null, sig, handler);
                i.restore.add(() -> {
                    try {
                        handle.invoke(null, sig, old);
                    } catch (ReflectiveOperationException e) {
                        // the handler stays; the process is about to end anyway
                    }
                });
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // no sun.misc.Signal here, or the signal is reserved (-Xrs): the JVM's handling stays
        }
        return i;
    }

    /** The outputs being written: a second signal removes their temporary files. */
    void guard(OutputFiles set) {
        this.pending = set;
    }

    /** True once a stop was asked for. */
    @Override
    public boolean getAsBoolean() {
        return signal != 0;
    }

    /** The exit status after the signal: 128 + its number (130 for SIGINT, 143 for SIGTERM). */
    int exitCode() {
        return 128 + signal;
    }

    private void onSignal(String name, int number) {
        int n;
        synchronized (this) {
            n = ++count;
            if (n == 1) {
                signal = number;
            }
        }
        if (n == 1) {
            err.println((live ? "\n" : "") + "nnc: " + (name.equals("INT") ? "interrupted"
                    : "terminated") + "; saving the last complete epoch after this batch (press"
                    + " Ctrl-C again to quit at once and save nothing)");
            err.flush();
            return;
        }
        OutputFiles p = pending;
        boolean saved = p != null && !p.discard();
        err.println((live ? "\n" : "") + "nnc: stopped at once; " + (saved
                ? "the outputs were saved already"
                : "the outputs of this run are not saved, the previous files are as they were"));
        err.flush();
        Main.drainStderr();
        Runtime.getRuntime().halt(128 + signal);
    }

    /** Puts back the handlers there were before {@link #install}. */
    @Override
    public void close() {
        for (Runnable r : restore) {
            r.run();
        }
        restore.clear();
    }
}
