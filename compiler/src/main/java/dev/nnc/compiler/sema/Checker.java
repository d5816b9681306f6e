package dev.nnc.compiler.sema;

import dev.nnc.compiler.digest.Sha256;
import dev.nnc.compiler.diag.Limits;
import dev.nnc.compiler.ast.Ast;
import dev.nnc.compiler.ast.Ast.FileNode;
import dev.nnc.compiler.ast.Ast.ModelNode;
import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.diag.Span;
import dev.nnc.compiler.ir.LayerIR;
import dev.nnc.compiler.ir.ModelIR;
import dev.nnc.compiler.ir.TensorIR;
import dev.nnc.compiler.ops.ArgSpec;
import dev.nnc.compiler.ops.Args;
import dev.nnc.compiler.ops.InitSpec;
import dev.nnc.compiler.ops.LayerKind;
import dev.nnc.compiler.ops.Loss;
import dev.nnc.compiler.ops.Registry;
import dev.nnc.compiler.ops.Shape;
import dev.nnc.compiler.ops.TensorDef;
import dev.nnc.runtime.model.ModelSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a loaded program and lowers its model to {@link ModelIR}: resolves names and constants,
 * expands groups and repeats, infers every shape, checks the loss against the output, the
 * settings and the data block, and lays the parameters out in one flat array. Reports every error
 * it finds; returns {@code null} when there were errors.
 */
public final class Checker {
    static final List<String> BLOCKS = List.of("train", "data", "ensemble");
    private static final Set<String> JAVA_LANG_CLASHES = Set.of("Object", "String", "Math",
            "Float", "Double", "Integer", "Long", "System", "Override", "Arrays", "List", "Map",
            "Model", "TrainableModel", "ModelSpec", "ParamTensor", "Rng", "Init",
            "StopCondition", "Class", "Boolean", "Character", "Short", "Byte", "Number", "Void",
            "Runtime", "Thread", "Iterable", "Record", "Enum", "Exception", "Error",
            "SuppressWarnings", "Deprecated", "FunctionalInterface", "SafeVarargs");

    private final Diagnostics diags;
    private final Registry registry;
    private final Evaluator eval;
    private final ArgBinder binder;
    private final DataChecker data;
    private final Map<Path, Scope> fileScopes = new HashMap<>();

    public Checker(Diagnostics diags, Registry registry) {
        this.diags = diags;
        this.registry = registry;
        this.eval = new Evaluator(diags);
        this.binder = new ArgBinder(diags, eval);
        this.data = new DataChecker(diags);
    }

    /**
     * Checks {@code main} (whose imports are in {@code files}) and returns its model, or
     * {@code null} when the file has errors or holds no model.
     *
     * @param requireModel report a file without a model as an error
     */
    /**
     * Checks {@code main} although one of its imports failed: names that import would have
     * defined are not reported as unknown, and no model comes out; the file's own errors do.
     */
    public Checker importsIncomplete() {
        eval.importsIncomplete();
        return this;
    }

    public ModelIR check(FileNode main, Map<Path, FileNode> files, boolean requireModel) {
        Scope scope = fileScope(main, files);
        if (main.models().size() > 1) {
            for (ModelNode extra : main.models().subList(1, main.models().size())) {
                diags.report(Code.MULTIPLE_MODELS, extra.nameSpan(), "a file holds one model; "
                        + "'%s' comes after '%s' (move it to a file of its own)", extra.name(),
                        main.models().get(0).name());
            }
        }
        if (main.models().isEmpty()) {
            if (requireModel) {
                Span s = new Span(main.source(), 1, 1, 1);
                diags.report(Code.NO_MODEL, s, "no model in this file; a model starts with "
                        + "'model Name {'");
            }
            return null;
        }
        String pkg = "";
        if (main.pkg() != null) {
            pkg = main.pkg().name();
            for (String part : pkg.split("\\.")) {
                if (Names.JAVA_RESERVED.contains(part)) {
                    diags.report(Code.BAD_PACKAGE, main.pkg().span(), "package name '%s' uses "
                            + "the Java keyword '%s'", pkg, part);
                }
            }
            String taken = Names.reservedPackage(pkg);
            if (taken != null) {
                diags.report(Code.BAD_PACKAGE, main.pkg().span(), "package '%s' belongs to %s; "
                        + "choose a package of your own, e.g. 'com.example.models'", pkg, taken);
            }
        }
        ModelIR ir = model(main.models().get(0), scope, pkg);
        return diags.hasErrors() ? null : ir;
    }

    private Scope fileScope(FileNode file, Map<Path, FileNode> files) {
        Path key = file.source().path().toAbsolutePath().normalize();
        Scope existing = fileScopes.get(key);
        if (existing != null) {
            return existing;
        }
        Scope scope = new Scope(null);
        fileScopes.put(key, scope); // cycles were reported by the loader; this stops recursion
        Path dir = key.getParent();
        for (Ast.ImportNode imp : file.imports()) {
            FileNode imported;
            try {
                imported = files.get(dir.resolve(imp.path()).toAbsolutePath().normalize());
            } catch (java.nio.file.InvalidPathException e) {
                continue; // reported by the loader
            }
            if (imported != null && imported != file) {
                scope.importFrom(fileScope(imported, files), diags, imp.span());
            }
        }
        for (Ast.LetNode let : file.lets()) {
            Value v = eval.eval(let.value(), scope);
            if (v != null) {
                scope.defineConstant(let.name(), v, let.nameSpan(), diags);
            }
        }
        for (Ast.GroupNode g : file.groups()) {
            Set<String> seen = new HashSet<>();
            for (Ast.GroupParam p : g.params()) {
                if (!seen.add(p.name())) {
                    diags.report(Code.DUPLICATE_DEFINITION, p.span(), "group %s has two "
                            + "parameters named '%s'", g.name(), p.name());
                }
            }
            scope.defineGroup(g.name(), new Scope.Group(g, scope), g.nameSpan(), diags);
        }
        return scope;
    }

    private ModelIR model(ModelNode m, Scope fileScope, String pkg) {
        Scope scope = new Scope(fileScope);
        Ast.InputNode input = null;
        List<Ast.LayerStmt> layerStmts = new ArrayList<>();
        Map<String, Ast.SettingNode> settings = new LinkedHashMap<>();
        Map<String, Ast.BlockNode> blocks = new LinkedHashMap<>();
        for (Ast.ModelItem item : m.items()) {
            if (item instanceof Ast.LetNode let) {
                Value v = eval.eval(let.value(), scope);
                if (v != null) {
                    scope.defineConstant(let.name(), v, let.nameSpan(), diags);
                }
            } else if (item instanceof Ast.InputNode in) {
                if (input != null) {
                    diags.report(Code.DUPLICATE_INPUT, in.span(), "the model already has an input "
                            + "(at %s)", input.span());
                } else {
                    input = in;
                }
            } else if (item instanceof Ast.LayerStmt ls) {
                layerStmts.add(ls);
            } else if (item instanceof Ast.SettingNode s) {
                Ast.SettingNode prev = settings.putIfAbsent(s.key(), s);
                if (prev != null) {
                    diags.report(Code.DUPLICATE_SETTING, s.keySpan(), "'%s' is already set at %s",
                            s.key(), prev.keySpan());
                }
            } else if (item instanceof Ast.BlockNode b) {
                if (!BLOCKS.contains(b.name())) {
                    diags.report(Code.UNKNOWN_BLOCK, b.nameSpan(), "unknown block '%s'%s",
                            b.name(), Names.known(b.name(), BLOCKS));
                    continue;
                }
                Ast.BlockNode prev = blocks.putIfAbsent(b.name(), b);
                if (prev != null) {
                    diags.report(Code.DUPLICATE_SETTING, b.nameSpan(), "block '%s' is already "
                            + "given at %s", b.name(), prev.nameSpan());
                }
            }
        }

        Shape inShape = null;
        if (input == null) {
            diags.report(Code.MISSING_INPUT, m.nameSpan(), "model %s has no input; add e.g. "
                    + "'input [2]' before the first layer", m.name());
        } else {
            inShape = inputShape(input, scope);
        }

        // A layer whose name, arguments or shape failed leaves the chain of layers incomplete:
        // the last layer and its output are then not the model's, so the checks that depend on
        // them (the loss against the output, the data's labels against the outputs) are skipped
        // rather than reporting a second diagnostic for the same cause.
        int errorsBefore = diags.errorCount();
        Expander expander = new Expander(diags, eval, binder, registry);
        List<Expander.LayerUse> uses = expander.expand(layerStmts, scope);
        boolean expanded = diags.errorCount() == errorsBefore;
        if (layerStmts.isEmpty()) {
            diags.report(Code.NO_LAYERS, m.nameSpan(), "model %s has no layers; add e.g. "
                    + "'dense(1)'", m.name());
        }

        InitSpec defaultInit = new InitSpec("xavier", 0);
        Ast.SettingNode initSetting = settings.get("init");
        if (initSetting != null) {
            Value v = eval.eval(initSetting.value(), scope);
            InitSpec s = v == null ? null : binder.initializer(v, scope);
            if (s != null) {
                defaultInit = s;
            }
        }

        // With a layer missing, the shapes after it would be wrong and their errors noise.
        List<LayerIR> layers = expander.unresolved() ? List.of()
                : layers(uses, inShape, defaultInit);
        boolean complete = expanded && layers.size() == uses.size();
        Loss loss = loss(settings.get("loss"), scope, m, complete ? layers : List.of());
        ModelSpec.OptimizerSpec optimizer = optimizer(settings.get("optimizer"), scope, m);
        long seed = seed(settings.get("seed"), scope);
        TrainChecker trainChecker = new TrainChecker(diags, eval);
        TrainChecker.Result trainResult = trainChecker.check(blocks.get("train"), scope, loss);
        ModelSpec.TrainSpec train = trainResult == null ? null : trainResult.spec();
        if (trainResult != null) {
            layers = withPenalties(layers, trainResult.l1(), trainResult.l2());
        }
        Shape out = layers.isEmpty() || !complete ? null : layers.get(layers.size() - 1).out();
        if (trainResult != null && !trainChecker.checkClassWeights(trainResult, loss, out)) {
            train = null;
        }
        // The layer that makes the outputs: the last one, or the layer an activation attaches to.
        Span outputLayer = null;
        if (out != null) {
            int i = layers.size() - 1;
            while (i > 0 && layers.get(i).kind().isActivation()) {
                i--;
            }
            outputLayer = layers.get(i).span();
        }
        ModelSpec.DataSpec dataSpec = data.check(blocks.get("data"), scope, eval, loss, inShape,
                out, outputLayer, m.nameSpan().file());

        ModelSpec.EnsembleSpec ensemble = new EnsembleChecker(diags, eval)
                .check(blocks.get("ensemble"), scope, loss);
        if (diags.hasErrors() || inShape == null || layers.isEmpty() || loss == null
                || optimizer == null || train == null || dataSpec == null) {
            return null;
        }
        int paramCount = 0;
        for (LayerIR l : layers) {
            paramCount += l.paramCount();
        }
        String arch = architecture(inShape, layers);
        return new ModelIR(m.name(), pkg, className(m.name()), inShape, layers, paramCount, loss,
                new ModelSpec(loss.runtime(), optimizer, seed, train, dataSpec, ensemble),
                sha256(arch), arch, m.nameSpan().file());
    }

    private Shape inputShape(Ast.InputNode input, Scope scope) {
        if (input.dims().size() > 3) {
            diags.report(Code.SHAPE_MISMATCH, input.span(), "an input has 1 to 3 dimensions "
                    + "([N], [T,F] or [C,H,W]), not %d", input.dims().size());
            return null;
        }
        int[] dims = new int[input.dims().size()];
        boolean ok = true;
        for (int i = 0; i < dims.length; i++) {
            Ast.Expr e = input.dims().get(i);
            Double d = eval.number(eval.eval(e, scope), scope, "an input dimension");
            if (d == null) {
                ok = false;
            } else if (d != Math.rint(d) || d < 1 || d > Limits.VALUES_PER_SAMPLE) {
                diags.report(Code.ARGUMENT_RANGE, e.span(), "an input dimension must be a whole "
                        + "number >= 1, not %s", Values.format(d));
                ok = false;
            } else {
                dims[i] = d.intValue();
            }
        }
        if (!ok) {
            return null;
        }
        long size = 1;
        for (int d : dims) {
            size *= d;
        }
        if (size > Limits.VALUES_PER_SAMPLE) {
            diags.report(Code.ARGUMENT_RANGE, input.span(), "an input of %d values per sample is "
                    + "too large", size);
            return null;
        }
        return Shape.of(dims);
    }

    private List<LayerIR> layers(List<Expander.LayerUse> uses, Shape inShape, InitSpec init) {
        List<LayerIR> out = new ArrayList<>();
        Map<String, Integer> counters = new HashMap<>();
        Shape shape = inShape;
        int offset = 0;
        int bufferOffset = 0;
        for (Expander.LayerUse use : uses) {
            LayerKind kind = use.kind();
            String name = kind.name() + counters.merge(kind.name(), 1, Integer::sum);
            if (shape == null) {
                continue; // the shape is unknown after an earlier error
            }
            Shape in = shape;
            Shape outShape = kind.outputShape(in, use.args(), (fmt, a) ->
                    diags.report(Code.SHAPE_MISMATCH, use.span(), fmt, a));
            if (outShape == null) {
                shape = null;
                continue;
            }
            long outSize = longSize(outShape.dims());
            if (outSize > Limits.VALUES_PER_SAMPLE) {
                diags.report(Code.ARGUMENT_RANGE, use.span(), "%s outputs %d values per sample; "
                        + "that is too large", kind.name(), outSize);
                shape = null;
                continue;
            }
            long wanted = offset;
            for (TensorDef t : kind.params(in, outShape, use.args())) {
                wanted += longSize(t.shape());
            }
            for (TensorDef t : kind.buffers(in, outShape, use.args())) {
                wanted += longSize(t.shape());
            }
            if (wanted > Limits.PARAMETERS) {
                diags.report(Code.MODEL_TOO_LARGE, use.span(), "with %s the model has %d "
                        + "parameters, more than the %d nnc compiles", name, wanted,
                        Limits.PARAMETERS);
                return out;
            }
            List<TensorIR> tensors = new ArrayList<>();
            for (TensorDef t : kind.params(in, outShape, use.args())) {
                InitSpec tinit = init;
                Object own = use.args().get("init");
                if (own instanceof InitSpec s) {
                    tinit = s;
                }
                if (t.bias()) {
                    tinit = new InitSpec("zero", 0);
                }
                if (t.constant() != null) {
                    tinit = InitSpec.constant(t.constant());
                }
                if (t.preferred() != null && !(own instanceof InitSpec)) {
                    tinit = t.preferred();
                }
                tensors.add(new TensorIR(name + "." + t.suffix(), t, offset, tinit));
                offset += t.size();
            }
            List<TensorIR> buffers = new ArrayList<>();
            for (TensorDef t : kind.buffers(in, outShape, use.args())) {
                InitSpec binit = InitSpec.constant(t.constant() == null ? 0 : t.constant());
                buffers.add(new TensorIR(name + "." + t.suffix(), t, bufferOffset, binit));
                bufferOffset += t.size();
            }
            out.add(new LayerIR(out.size(), name, kind, use.args(), in, outShape, tensors,
                    kind.flops(in, outShape, use.args()), use.span(), buffers));
            shape = outShape;
        }
        return out;
    }

    private Loss loss(Ast.SettingNode s, Scope scope, ModelNode m, List<LayerIR> layers) {
        if (s == null) {
            diags.report(Code.MISSING_LOSS, m.nameSpan(), "model %s has no loss; add e.g. "
                    + "'loss mse' (or binary_cross_entropy, cross_entropy)", m.name());
            return null;
        }
        Value v = eval.eval(s.value(), scope);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Value.Word w)) {
            diags.report(Code.ARGUMENT_TYPE, v.span(), "loss is one of %s, not %s",
                    Names.list(registry.lossNames()), v.describe());
            return null;
        }
        Loss loss = registry.lossNamed(w.name());
        if (loss == null) {
            diags.report(Code.UNKNOWN_LOSS, w.span(), "unknown loss '%s'%s", w.name(),
                    Names.known(w.name(), registry.lossNames()));
            return null;
        }
        if (!layers.isEmpty()) {
            LayerIR last = layers.get(layers.size() - 1);
            String misfit = loss.misfit(last.kind(), last.out());
            if (misfit != null) {
                diags.report(Code.LOSS_OUTPUT_MISMATCH, w.span(), "%s", misfit);
            }
        }
        return loss;
    }

    private ModelSpec.OptimizerSpec optimizer(Ast.SettingNode s, Scope scope, ModelNode m) {
        if (s == null) {
            diags.report(Code.MISSING_OPTIMIZER, m.nameSpan(), "model %s names no optimizer; "
                    + "training uses sgd(lr: 0.01)", m.name());
            return new ModelSpec.OptimizerSpec("sgd", Map.of("lr", 0.01));
        }
        Value v = eval.eval(s.value(), scope);
        if (v == null) {
            return null;
        }
        String name;
        Span nameSpan;
        List<Value.Arg> args;
        if (v instanceof Value.Word w) {
            name = w.name();
            nameSpan = w.span();
            args = List.of();
        } else if (v instanceof Value.Call c) {
            name = c.name();
            nameSpan = c.nameSpan();
            args = c.args();
        } else {
            diags.report(Code.ARGUMENT_TYPE, v.span(), "optimizer is e.g. sgd(lr: 0.1), not %s",
                    v.describe());
            return null;
        }
        List<ArgSpec> specs = registry.optimizerArgs(name);
        if (specs == null) {
            diags.report(Code.UNKNOWN_OPTIMIZER, nameSpan, "unknown optimizer '%s'%s",
                    name, Names.known(name, registry.optimizerNames()));
            return null;
        }
        Args bound = binder.bind(name, specs, args, v.span(), scope);
        if (bound == null) {
            return null;
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (ArgSpec spec : specs) {
            Object o = bound.get(spec.name());
            if (o instanceof Number num) {
                values.put(spec.name(), num.doubleValue());
            }
        }
        return new ModelSpec.OptimizerSpec(name, values);
    }

    private long seed(Ast.SettingNode s, Scope scope) {
        if (s == null) {
            return 1;
        }
        Value v = eval.eval(s.value(), scope);
        Double d = eval.number(v, scope, "seed");
        if (d == null) {
            return 1;
        }
        if (d != Math.rint(d) || d < 0 || d > 9.0e15) {
            diags.report(Code.ARGUMENT_RANGE, v.span(), "seed must be a whole number >= 0, not %s",
                    Values.format(d));
            return 1;
        }
        return d.longValue();
    }

    /** Layers whose l1 / l2 arguments were left unset take the train block's values. */
    private static List<LayerIR> withPenalties(List<LayerIR> layers, double l1, double l2) {
        List<LayerIR> out = new ArrayList<>();
        for (LayerIR l : layers) {
            Map<String, Object> args = new LinkedHashMap<>(l.args().asMap());
            for (String k : List.of("l1", "l2")) {
                Object v = args.get(k);
                if (v instanceof Double d && d.isNaN()) {
                    args.put(k, k.equals("l1") ? l1 : l2);
                }
            }
            out.add(new LayerIR(l.index(), l.name(), l.kind(), new Args(args), l.in(), l.out(),
                    l.params(), l.flops(), l.span(), l.buffers()));
        }
        return out;
    }

    /** The number of values of a tensor of {@code dims}, at most 2^40 so sums cannot overflow. */
    private static long longSize(int[] dims) {
        long n = 1;
        for (int d : dims) {
            n = Math.min(1L << 40, n * Math.max(0, d));
        }
        return n;
    }

    /** A legal Java class name for the model: the name itself unless Java reserves it. */
    static String className(String modelName) {
        String n = modelName;
        if (Names.JAVA_RESERVED.contains(n) || JAVA_LANG_CLASHES.contains(n)
                || n.chars().allMatch(c -> c == '_')) {
            n = n + "Model";
        }
        return n;
    }

    private static String architecture(Shape in, List<LayerIR> layers) {
        StringBuilder sb = new StringBuilder("input ").append(in).append('\n');
        for (LayerIR l : layers) {
            sb.append(l.name()).append(' ').append(l.kind().name()).append(l.in()).append("->")
                    .append(l.out());
            for (TensorIR t : l.params()) {
                sb.append(' ').append(t.name()).append(java.util.Arrays.toString(t.def().shape()));
            }
            // NOTE: only layers with buffers add to the text, so older hashes stay as they were.
            for (TensorIR t : l.buffers()) {
                sb.append(" buffer ").append(t.name())
                        .append(java.util.Arrays.toString(t.def().shape()));
            }
            if (l.kind().isActivation()) {
                sb.append(' ').append(l.args());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The first 8 bytes, in hex, of the SHA-256 of {@code text}. */
    private static String sha256(String text) {
        return HexFormat.of().formatHex(Sha256.of(text.getBytes(StandardCharsets.UTF_8)), 0, 8);
    }
}
