package dev.nnc.compiler.sema;

import dev.nnc.compiler.ops.ArgSpec;
import dev.nnc.compiler.ops.InitSpec;
import dev.nnc.compiler.ops.LayerKind;
import dev.nnc.compiler.ops.Registry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every word a {@code .nn} file may use, with one line saying what it does, for tools that help
 * writing files (the language server's completion and hover). The names come from where the
 * checker takes them (the {@link Registry}, {@link InitSpec}, the train and data checkers); this
 * class adds only the one-line descriptions, and a test checks that each known name has one.
 *
 * <pre>
 * Vocabulary v = Vocabulary.standard();
 * v.describe(Vocabulary.Kind.OPTIMIZER, "adam")   // "Adam: adaptive moments, bias-corrected"
 * v.names(Vocabulary.Kind.TRAIN_KEY)             // [epochs, batch, shuffle, …]
 * </pre>
 */
public final class Vocabulary {
    /** The kinds of words. */
    public enum Kind {
        LAYER("layer"), ACTIVATION("activation"), LOSS("loss"), OPTIMIZER("optimizer"),
        INITIALIZER("initializer"), SCHEDULE("schedule"), SETTING("setting"),
        TRAIN_KEY("train setting"), DATA_KEY("data setting"), DATA_SOURCE("data source"),
        ENSEMBLE_KEY("ensemble setting");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** How hovers name the kind: "train setting". */
        public String label() {
            return label;
        }
    }

    private static final Map<String, String> LOSSES = Map.of(
            "mse", "mean squared error Σ(a − y)² / (2m), for regression",
            "binary_cross_entropy", "binary cross-entropy on a sigmoid output (alias bce)",
            "cross_entropy", "categorical cross-entropy on a softmax output (alias ce)");
    private static final Map<String, String> OPTIMIZERS = Map.of(
            "sgd", "plain gradient descent: p −= lr·g",
            "momentum", "gradient descent with momentum: v = μv − lr·g; p += v",
            "nesterov", "Nesterov momentum: the step taken at the look-ahead point",
            "adagrad", "AdaGrad: lr divided by the root of the summed squared gradients",
            "adadelta", "AdaDelta: step sizes from running averages of gradients and updates",
            "rmsprop", "RMSProp: lr divided by the root of a running mean of squared gradients",
            "adam", "Adam: adaptive first and second moments, bias-corrected",
            "adamw", "Adam with decoupled weight decay");
    private static final Map<String, String> INITIALIZERS = Map.of(
            "zero", "every weight starts at 0",
            "normal", "normal distribution N(0, std²)",
            "uniform", "uniform distribution U(−range, range)",
            "xavier", "Xavier/Glorot: U(±√(6 / (fan_in + fan_out)))",
            "glorot", "alias of xavier: U(±√(6 / (fan_in + fan_out)))",
            "he", "He/MSRA: N(0, 2 / fan_in), for relu layers",
            "msra", "alias of he: N(0, 2 / fan_in)");
    private static final Map<String, String> SCHEDULES = Map.of(
            "step", "lr·γ^⌊epoch/every⌋",
            "multistep", "lr·γ^(number of milestones passed)",
            "exponential", "lr·γ^epoch",
            "inverse", "lr·(1 + γ·epoch)^(−power)",
            "polynomial", "max(min, lr·(1 − epoch/epochs)^power)",
            "cosine", "min + (lr − min)(1 + cos(π·epoch/epochs))/2",
            "plateau", "lr × factor after patience epochs without improvement of a metric");
    private static final Map<String, String> SETTINGS = new LinkedHashMap<>();
    private static final Map<String, String> TRAIN_KEYS = new LinkedHashMap<>();
    private static final Map<String, String> DATA_KEYS = new LinkedHashMap<>();
    private static final Map<String, String> ENSEMBLE_KEYS = new LinkedHashMap<>();
    static {
        SETTINGS.put("input", "the shape of one sample, e.g. input [1, 28, 28]");
        SETTINGS.put("loss", "the loss the model is trained on");
        SETTINGS.put("optimizer", "how parameters are updated from their gradients");
        SETTINGS.put("init", "how weights start, for layers that set no init themselves");
        SETTINGS.put("seed", "the seed of initialization, shuffling and dropout");
        SETTINGS.put("train", "the training settings block");
        SETTINGS.put("data", "the data block: training and test files, normalization");
        SETTINGS.put("ensemble", "several copies of the network, trained apart, voting together");
        ENSEMBLE_KEYS.put("members", "how many copies of the network (2 to 100)");
        ENSEMBLE_KEYS.put("vary", "how members differ: seeds, or bootstrap samples (bootstrap)");
        ENSEMBLE_KEYS.put("vote", "how they answer: plurality (classifiers) or mean");
        TRAIN_KEYS.put("epochs", "maximum number of passes over the training data (100)");
        TRAIN_KEYS.put("batch", "samples per update, or full (32)");
        TRAIN_KEYS.put("shuffle", "reshuffle the training samples before every epoch (true)");
        TRAIN_KEYS.put("split", "how validation samples are drawn: random, or stratified "
                + "(each class keeps its share)");
        TRAIN_KEYS.put("class_weights", "weight each class in the cross-entropy: balanced, or "
                + "one weight per class such as [1, 3]");
        TRAIN_KEYS.put("validation", "fraction of the training file held out for validation (0)");
        TRAIN_KEYS.put("stop", "end training early when this condition holds after an epoch");
        TRAIN_KEYS.put("log_every", "full metrics every this many epochs (automatic)");
        TRAIN_KEYS.put("schedule", "the learning rate per epoch");
        TRAIN_KEYS.put("clip_norm", "rescale the batch gradient to at most this global L2 norm");
        TRAIN_KEYS.put("clip_value", "clamp every gradient value to [−v, v]");
        TRAIN_KEYS.put("early_stopping", "stop when a metric stops improving: monitor(...)");
        TRAIN_KEYS.put("l1", "L1 penalty of every dense layer that sets none itself (0)");
        TRAIN_KEYS.put("l2", "L2 penalty of every dense layer that sets none itself (0)");
        DATA_KEYS.put("train", "the training file (validation is split from it)");
        DATA_KEYS.put("test", "measured once after training; needs train");
        DATA_KEYS.put("normalize", "normalization of the features: none, minmax or zscore");
        DATA_KEYS.put("normalize_labels", "normalization of the labels (mse models only)");
        DATA_KEYS.put("scale", "every feature value is divided by it as it is read (1)");
        DATA_KEYS.put("missing", "what to do with missing values: drop, mean, median, mode, "
                + "interpolate or a number, per column or for all");
        DATA_KEYS.put("difference", "the lag a windows series is differenced at (1, or 52 for "
                + "a weekly series' yearly change); forecasts are on the series' own scale");
        DATA_KEYS.put("augment", "random transforms of the training images each epoch: rotate, "
                + "zoom, shift, flip, noise; a list applies all, one_of(...) one per view");
        DATA_KEYS.put("augment_copies", "transformed views of each training image an epoch "
                + "adds to the image as it is (0: the image is replaced by one view)");
        DATA_KEYS.put("categorical", "feature columns of categories, one-hot encoded with the "
                + "training file's categories");
        DATA_KEYS.put("unseen", "a category the training file lacks: error or other (an input "
                + "of its own)");
    }

    private static final Vocabulary STANDARD = new Vocabulary(Registry.standard());

    private final Registry registry;

    private Vocabulary(Registry registry) {
        this.registry = registry;
    }

    /** The words of everything nnc ships. */
    public static Vocabulary standard() {
        return STANDARD;
    }

    /** The known names of a kind, in the order the checker keeps them. */
    public List<String> names(Kind kind) {
        return switch (kind) {
            case LAYER -> registry.layerNames().stream()
                    .filter(n -> !registry.layer(n).isActivation()).toList();
            case ACTIVATION -> registry.activationNames();
            case LOSS -> List.copyOf(registry.lossNames());
            case OPTIMIZER -> List.copyOf(registry.optimizerNames());
            case INITIALIZER -> InitSpec.NAMES;
            case SCHEDULE -> List.copyOf(new TreeMap<>(TrainChecker.SCHEDULES).keySet());
            case SETTING -> List.copyOf(SETTINGS.keySet());
            case TRAIN_KEY -> TrainChecker.KEYS;
            case DATA_KEY -> DataChecker.KEYS;
            case ENSEMBLE_KEY -> EnsembleChecker.KEYS;
            case DATA_SOURCE -> SourceKind.names().stream().sorted().toList();
        };
    }

    /** The one-line description of a known name, or {@code null}. */
    public String describe(Kind kind, String name) {
        if (!names(kind).contains(name)) {
            return null;
        }
        return switch (kind) {
            case LAYER, ACTIVATION -> registry.layer(name).description();
            case LOSS -> LOSSES.get(name);
            case OPTIMIZER -> OPTIMIZERS.get(name);
            case INITIALIZER -> INITIALIZERS.get(name);
            case SCHEDULE -> SCHEDULES.get(name);
            case SETTING -> SETTINGS.get(name);
            case TRAIN_KEY -> TRAIN_KEYS.get(name);
            case DATA_KEY -> DATA_KEYS.get(name);
            case ENSEMBLE_KEY -> ENSEMBLE_KEYS.get(name);
            case DATA_SOURCE -> SourceKind.named(name).description();
        };
    }

    /**
     * The arguments a callable name takes, in positional order, or an empty list: a layer or
     * activation, optimizer, initializer, schedule or data source. A data source's arguments
     * carry no types or defaults (the data checker reads them itself).
     */
    public List<ArgSpec> arguments(Kind kind, String name) {
        switch (kind) {
            case LAYER, ACTIVATION -> {
                LayerKind k = registry.layer(name);
                return k == null ? List.of() : k.args();
            }
            case OPTIMIZER -> {
                List<ArgSpec> a = registry.optimizerArgs(name);
                return a == null ? List.of() : a;
            }
            case INITIALIZER -> {
                String canonical = InitSpec.canonical(name);
                ArgSpec a = canonical == null ? null : InitSpec.argOf(canonical);
                return a == null ? List.of() : List.of(a);
            }
            case SCHEDULE -> {
                return TrainChecker.SCHEDULES.getOrDefault(name, List.of());
            }
            case DATA_SOURCE -> {
                List<ArgSpec> out = new ArrayList<>();
                SourceKind k = SourceKind.named(name);
                for (String p : k == null ? List.<String>of() : k.params()) {
                    out.add(new ArgSpec(p, ArgSpec.Type.WORD, null, 0, true, 0, true));
                }
                return out;
            }
            default -> {
                return List.of();
            }
        }
    }

    /** The arguments of {@code monitor(...)}, the value of early_stopping. */
    public List<ArgSpec> monitorArguments() {
        return TrainChecker.MONITOR;
    }
}
