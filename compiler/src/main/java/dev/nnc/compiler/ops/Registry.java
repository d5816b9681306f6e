package dev.nnc.compiler.ops;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one registry of layer kinds, activations, losses and optimizers. It refuses duplicates;
 * lookups return {@code null} for unknown names, and {@link #layerNames()} etc. give the known
 * ones for "did you mean" messages.
 */
public final class Registry {
    private static final Registry STANDARD = new Registry()
            .layer(new Dense())
            .layer(new Activation.Identity())
            .layer(new Activation.Sigmoid())
            .layer(new Activation.Tanh())
            .layer(new Activation.Relu())
            .layer(new Activation.LeakyRelu())
            .layer(new Activation.Softplus())
            .layer(new Softmax())
            .layer(new Dropout())
            .layer(new BatchNorm())
            .layer(new Conv())
            .layer(new Pool.Max())
            .layer(new Pool.Avg())
            .layer(new Flatten())
            .layer(new GlobalAvgPool())
            .layer(new Recurrent(Recurrent.Cell.RNN))
            .layer(new Recurrent(Recurrent.Cell.LSTM))
            .layer(new Recurrent(Recurrent.Cell.GRU))
            .layer(new Embedding())
            .loss(new Loss.Mse())
            .loss(new Loss.BinaryCrossEntropy())
            .loss(new Loss.CrossEntropy())
            .runtimeOptimizers();

    private final Map<String, LayerKind> layers = new LinkedHashMap<>();
    private final Map<String, Loss> losses = new LinkedHashMap<>();
    private final Map<String, Loss> lossAliases = new LinkedHashMap<>();
    private final Map<String, List<ArgSpec>> optimizers = new LinkedHashMap<>();

    /** The registry of everything nnc ships. */
    public static Registry standard() {
        return STANDARD;
    }

    private Registry layer(LayerKind kind) {
        if (layers.putIfAbsent(kind.name(), kind) != null) {
            throw new IllegalStateException("duplicate layer kind: " + kind.name());
        }
        return this;
    }

    private Registry loss(Loss loss) {
        if (losses.putIfAbsent(loss.name(), loss) != null) {
            throw new IllegalStateException("duplicate loss: " + loss.name());
        }
        lossAliases.put(loss.name(), loss);
        for (String a : loss.aliases()) {
            if (lossAliases.putIfAbsent(a, loss) != null) {
                throw new IllegalStateException("duplicate loss alias: " + a);
            }
        }
        return this;
    }

    /** Every optimizer of the runtime, with its arguments: lr first, then the others by name. */
    private Registry runtimeOptimizers() {
        for (String name : dev.nnc.runtime.optim.Optimizers.names()) {
            java.util.Map<String, Double> defaults =
                    dev.nnc.runtime.optim.Optimizers.arguments(name);
            List<ArgSpec> args = new java.util.ArrayList<>();
            defaults.keySet().stream().sorted((a, b) -> a.equals("lr") ? -1 : b.equals("lr") ? 1
                    : a.compareTo(b)).forEach(k -> args.add(optimizerArg(k, defaults.get(k))));
            optimizer(name, args);
        }
        return this;
    }

    private static ArgSpec optimizerArg(String name, double fallback) {
        Double d = Double.isNaN(fallback) ? null : fallback;
        return switch (name) {
            case "momentum", "rho", "beta1", "beta2" -> ArgSpec.range(name, d, 0, 1);
            case "weight_decay" -> new ArgSpec(name, ArgSpec.Type.NUMBER, d, 0, true,
                    Double.POSITIVE_INFINITY, true);
            default -> ArgSpec.positive(name, d);
        };
    }

    private Registry optimizer(String name, List<ArgSpec> args) {
        if (optimizers.putIfAbsent(name, List.copyOf(args)) != null) {
            throw new IllegalStateException("duplicate optimizer: " + name);
        }
        return this;
    }

    /** The layer kind or activation called {@code name}, or {@code null}. */
    public LayerKind layer(String name) {
        return layers.get(name);
    }

    /** The loss called {@code name} (or one of its aliases), or {@code null}. */
    public Loss lossNamed(String name) {
        return lossAliases.get(name);
    }

    /** The arguments of the optimizer called {@code name}, or {@code null}. */
    public List<ArgSpec> optimizerArgs(String name) {
        return optimizers.get(name);
    }

    public Set<String> layerNames() {
        return Collections.unmodifiableSet(layers.keySet());
    }

    public List<String> activationNames() {
        return layers.values().stream().filter(LayerKind::isActivation).map(LayerKind::name)
                .toList();
    }

    public Set<String> lossNames() {
        return Collections.unmodifiableSet(losses.keySet());
    }

    public Set<String> optimizerNames() {
        return Collections.unmodifiableSet(optimizers.keySet());
    }
}
