package dev.nnc.runtime.optim;

import dev.nnc.runtime.model.ModelSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The registry of optimizers by the name a {@code .nn} file uses, with their arguments' defaults.
 *
 * <p>Example: {@code Optimizers.create(new OptimizerSpec("momentum", Map.of("lr", 0.1)))} returns
 * a {@link Momentum} with learning rate 0.1 and the default momentum 0.9.
 *
 * <p>Adding an optimizer: one class implementing {@link Optimizer} and one {@code register} line
 * below, naming its arguments and their defaults (NaN: required).
 */
public final class Optimizers {
    private static final double REQUIRED = Double.NaN;
    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    static {
        register("sgd", Map.of("lr", REQUIRED), a -> new Sgd(a.get("lr")));
        register("momentum", Map.of("lr", REQUIRED, "momentum", 0.9),
                a -> new Momentum(a.get("lr"), a.get("momentum")));
        register("nesterov", Map.of("lr", REQUIRED, "momentum", 0.9),
                a -> new Nesterov(a.get("lr"), a.get("momentum")));
        register("adagrad", Map.of("lr", REQUIRED, "eps", 1e-6),
                a -> new AdaGrad(a.get("lr"), a.get("eps")));
        register("adadelta", Map.of("lr", 1.0, "rho", 0.9, "eps", 1e-5),
                a -> new AdaDelta(a.get("lr"), a.get("rho"), a.get("eps")));
        register("rmsprop", Map.of("lr", REQUIRED, "rho", 0.9, "eps", 1e-6),
                a -> new RmsProp(a.get("lr"), a.get("rho"), a.get("eps")));
        register("adam", Map.of("lr", 0.001, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8),
                a -> new Adam(a.get("lr"), a.get("beta1"), a.get("beta2"), a.get("eps")));
        register("adamw", Map.of("lr", 0.001, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8,
                "weight_decay", 0.01), a -> new Adam(a.get("lr"), a.get("beta1"),
                        a.get("beta2"), a.get("eps"), a.get("weight_decay")));
    }

    private Optimizers() {
    }

    private record Entry(Map<String, Double> defaults,
            Function<Map<String, Double>, Optimizer> make) {
    }

    private static void register(String name, Map<String, Double> defaults,
            Function<Map<String, Double>, Optimizer> make) {
        if (REGISTRY.putIfAbsent(name, new Entry(defaults, make)) != null) {
            throw new AssertionError("optimizer registered twice: " + name);
        }
    }

    /** The known optimizer names, sorted. */
    public static Set<String> names() {
        return new TreeSet<>(REGISTRY.keySet());
    }

    /**
     * The arguments {@code name} accepts and their defaults; a NaN default marks a required
     * argument. Unknown name: {@link IllegalArgumentException}.
     */
    public static Map<String, Double> arguments(String name) {
        return entry(name).defaults();
    }

    /**
     * A new optimizer for {@code spec}. The compiler checks names and arguments first, so an
     * unknown name or argument here is a programming error: {@link IllegalArgumentException}.
     */
    public static Optimizer create(ModelSpec.OptimizerSpec spec) {
        Entry e = entry(spec.name());
        Map<String, Double> args = new LinkedHashMap<>();
        for (Map.Entry<String, Double> d : e.defaults().entrySet()) {
            double v = spec.arg(d.getKey(), d.getValue());
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException(
                        "optimizer '" + spec.name() + "' needs the argument '" + d.getKey() + "'");
            }
            args.put(d.getKey(), v);
        }
        for (String k : spec.args().keySet()) {
            if (!e.defaults().containsKey(k)) {
                throw new IllegalArgumentException("optimizer '" + spec.name()
                        + "' has no argument '" + k + "'; it takes: "
                        + String.join(", ", new TreeSet<>(e.defaults().keySet())));
            }
        }
        return e.make().apply(args);
    }

    private static Entry entry(String name) {
        Entry e = REGISTRY.get(name);
        if (e == null) {
            throw new IllegalArgumentException(
                    "unknown optimizer '" + name + "'; known: " + String.join(", ", names()));
        }
        return e;
    }

    static double positive(String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(what + " must be positive and finite: " + v);
        }
        return v;
    }

    static void checkLengths(float[] params, float[] grads) {
        if (params.length != grads.length) {
            throw new IllegalArgumentException(
                    "params.length " + params.length + " != grads.length " + grads.length);
        }
    }
}
