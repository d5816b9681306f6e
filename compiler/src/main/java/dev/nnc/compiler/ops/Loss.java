package dev.nnc.compiler.ops;

import com.palantir.javapoet.CodeBlock;
import dev.nnc.runtime.model.ModelSpec;
import java.util.List;

/**
 * A loss function: its name, which outputs it fits, and the Java that computes its value and the
 * gradient that starts the backward pass. Generated code has the locals {@code n},
 * {@code y} (targets), {@code loss} (a double accumulating the summed loss) and {@code inv}
 * ({@code 1f / n}); gradients are of the mean loss, so they carry the factor {@code inv}.
 *
 * <p>With class weights (a loss that {@link #weighsClasses}, emitted {@code weighted}) the local
 * {@code cw} holds the weights or is {@code null}; each sample's loss and gradient are multiplied
 * by its weight wᵢ ({@link ModelSpec.ClassWeighting#sampleWeight}, 1 when {@code cw} is null), and
 * {@code inv} is 1 / Σ wᵢ: L = Σ wᵢ·lᵢ / Σ wᵢ, dZᵢ = wᵢ·(Aᵢ − Yᵢ) / Σ wᵢ (PyTorch's weighted
 * mean).
 */
public abstract class Loss {

    /** The name used in {@code .nn} files. */
    public abstract String name();

    /** Other accepted names. */
    public List<String> aliases() {
        return List.of();
    }

    /** The runtime's view of the loss. */
    public abstract ModelSpec.Loss runtime();

    /**
     * Why the loss does not fit a model ending in {@code last} with output {@code out}, or
     * {@code null} when it fits.
     */
    public abstract String misfit(LayerKind last, Shape out);

    /**
     * True when the loss takes the gradient with respect to the last layer's input directly
     * (sigmoid + binary cross-entropy, softmax + cross-entropy give dZ = A − Y).
     */
    public abstract boolean fused();

    /**
     * True when the loss can weight the classes of a model with output {@code out}: a
     * cross-entropy with one class per sample (not a sequence of them, not several sigmoid
     * labels).
     */
    public boolean weighsClasses(Shape out) {
        return false;
    }

    /**
     * Emits the loss over {@code n * size} values.
     *
     * @param out the model's output A
     * @param pre the last layer's input Z (used when {@link #fused()})
     * @param grad the array receiving the gradient (of A, or of Z when fused), or {@code null}
     *     when only the value is wanted
     * @param size the output values of one sample
     * @param steps the steps T of a sequence output [T,K], else 1: each step is a sample's
     *     prediction of its own, and the losses of its steps are summed (textbook 19.3)
     * @param weighted weight each sample by the class weights in the local {@code cw} (only
     *     when {@link #weighsClasses})
     */
    public abstract void emit(CodeBlock.Builder c, String out, String pre, String grad, int size,
            int steps, boolean weighted);

    /**
     * True when {@link #emitWithOutput} can also compute the model's output A from Z, so that a
     * training step's forward pass may leave its last layer to the loss (softmax +
     * cross-entropy: the exponentials of the softmax serve the loss too).
     */
    public boolean computesOutput() {
        return false;
    }

    /**
     * {@link #emit}, computing first, row by row, the output A into {@code out} from Z in
     * {@code pre} as the last layer's forward code would (only when {@link #computesOutput}).
     */
    public void emitWithOutput(CodeBlock.Builder c, String out, String pre, String grad,
            int size, int steps, boolean weighted) {
        throw new UnsupportedOperationException(name() + " does not compute the output");
    }

    /** {@link #emitWithOutput} when {@code withOutput}, else {@link #emit}. */
    public final void emit(CodeBlock.Builder c, String out, String pre, String grad, int size,
            int steps, boolean weighted, boolean withOutput) {
        if (withOutput) {
            emitWithOutput(c, out, pre, grad, size, steps, weighted);
        } else {
            emit(c, out, pre, grad, size, steps, weighted);
        }
    }

    /** The statement that declares {@code s}, the weight of the sample whose targets are at o. */
    static void sampleWeight(CodeBlock.Builder c, String o, int k) {
        c.addStatement("final float s = cw == null ? 1f : $T.sampleWeight(cw, y, $L, $L)",
                ModelSpec.ClassWeighting.class, o, k);
    }

    /** mse: L = Σ(a − y)² / (2m) (the textbook's form); dA = (A − Y) / m. */
    public static final class Mse extends Loss {
        @Override
        public String name() {
            return "mse";
        }

        @Override
        public ModelSpec.Loss runtime() {
            return ModelSpec.Loss.MSE;
        }

        @Override
        public String misfit(LayerKind last, Shape out) {
            return null;
        }

        @Override
        public boolean fused() {
            return false;
        }

        @Override
        public void emit(CodeBlock.Builder c, String out, String pre, String grad, int size,
                int steps, boolean weighted) {
            if (weighted) {
                throw new IllegalArgumentException("mse has no classes to weight");
            }
            c.addStatement("double sq = 0");
            c.beginControlFlow("for (int t = 0, e = n * $L; t < e; t++)", size);
            c.addStatement("final float d = $L[t] - y[t]", out);
            c.addStatement("sq += d * d");
            if (grad != null) {
                c.addStatement("$L[t] = d * inv", grad);
            }
            c.endControlFlow();
            c.addStatement("loss += 0.5 * sq");
        }
    }

    /**
     * binary_cross_entropy on sigmoid outputs: L = −Σ[y ln a + (1 − y) ln(1 − a)] / m, computed
     * from Z as max(z, 0) − z·y + ln(1 + e^−|z|), which never takes the log of 0; dZ = (A − Y)/m.
     * Weighted (one output): wᵢ = w₀(1 − yᵢ) + w₁yᵢ, L = Σ wᵢ·lᵢ / Σ wᵢ, dZ = wᵢ(A − Y) / Σ wᵢ.
     */
    public static final class BinaryCrossEntropy extends Loss {
        @Override
        public String name() {
            return "binary_cross_entropy";
        }

        @Override
        public List<String> aliases() {
            return List.of("bce");
        }

        @Override
        public ModelSpec.Loss runtime() {
            return ModelSpec.Loss.BINARY_CROSS_ENTROPY;
        }

        @Override
        public String misfit(LayerKind last, Shape out) {
            if (!(last instanceof Activation.Sigmoid)) {
                return "binary_cross_entropy needs a sigmoid output, but the model ends in "
                        + last.name() + "; add '-> sigmoid' to the last layer";
            }
            return null;
        }

        @Override
        public boolean fused() {
            return true;
        }

        @Override
        public void emit(CodeBlock.Builder c, String out, String pre, String grad, int size,
                int steps, boolean weighted) {
            c.beginControlFlow("for (int t = 0, e = n * $L; t < e; t++)", size);
            c.addStatement("final float z = $L[t]", pre);
            if (!weighted) {
                c.addStatement("loss += Math.max(z, 0f) - z * y[t] + Math.log1p(Math.exp(-Math.abs(z)))");
                if (grad != null) {
                    c.addStatement("$L[t] = ($L[t] - y[t]) * inv", grad, out);
                }
            } else {
                sampleWeight(c, "t", 1);
                c.addStatement("loss += s * (Math.max(z, 0f) - z * y[t] "
                        + "+ Math.log1p(Math.exp(-Math.abs(z))))");
                if (grad != null) {
                    c.addStatement("$L[t] = ($L[t] - y[t]) * (s * inv)", grad, out);
                }
            }
            c.endControlFlow();
        }

        @Override
        public boolean weighsClasses(Shape out) {
            return out.size() == 1;
        }
    }

    /**
     * cross_entropy on softmax outputs: L = −Σ y·ln a / m, computed from Z as
     * Σ y (logsumexp(Z) − z); dZ = (A − Y)/m. On a sequence output [T,K] (a softmax per step),
     * the sum runs over the steps too. Weighted (not a sequence): wᵢ = Σⱼ w_j·y_ij, the weight of
     * the sample's class, L = Σ wᵢ·lᵢ / Σ wᵢ, dZ = wᵢ(A − Y) / Σ wᵢ.
     */
    public static final class CrossEntropy extends Loss {
        @Override
        public String name() {
            return "cross_entropy";
        }

        @Override
        public List<String> aliases() {
            return List.of("ce", "categorical_cross_entropy");
        }

        @Override
        public ModelSpec.Loss runtime() {
            return ModelSpec.Loss.CROSS_ENTROPY;
        }

        @Override
        public String misfit(LayerKind last, Shape out) {
            if (!(last instanceof Softmax)) {
                return "cross_entropy needs a softmax output, but the model ends in "
                        + last.name() + "; add '-> softmax' to the last layer (or use "
                        + "binary_cross_entropy with one sigmoid unit)";
            }
            int classes = out.dims()[out.rank() - 1];
            if (classes < 2) {
                return "cross_entropy needs at least 2 classes, but the output has "
                        + classes + "; for two classes use one sigmoid unit and "
                        + "binary_cross_entropy";
            }
            return null;
        }

        @Override
        public boolean fused() {
            return true;
        }

        @Override
        public void emit(CodeBlock.Builder c, String out, String pre, String grad, int size,
                int steps, boolean weighted) {
            emitLoop(c, out, pre, grad, size, steps, weighted, false);
        }

        @Override
        public boolean computesOutput() {
            return true;
        }

        /**
         * NOTE: with the output, each exponential serves both: the softmax's {@code (float)
         * Math.exp(z - max)} is the rounding of the double the loss adds to its sum, so one call
         * gives both their bits (the forward pass and the loss each called it: 0.60–0.66 of the
         * time of the two loops, 64 rows of 10).
         */
        @Override
        public void emitWithOutput(CodeBlock.Builder c, String out, String pre, String grad,
                int size, int steps, boolean weighted) {
            emitLoop(c, out, pre, grad, size, steps, weighted, true);
        }

        private void emitLoop(CodeBlock.Builder c, String out, String pre, String grad,
                int size, int steps, boolean weighted, boolean withOutput) {
            int k = size / steps;
            c.beginControlFlow("for (int i = 0, m = $L; i < m; i++)",
                    steps == 1 ? "n" : "n * " + steps);
            c.addStatement("final int o = i * $L", k);
            c.addStatement("float max = $L[o]", pre);
            c.beginControlFlow("for (int j = 1; j < $L; j++)", k);
            c.addStatement("max = Math.max(max, $L[o + j])", pre);
            c.endControlFlow();
            c.addStatement("double se = 0");
            if (withOutput) {
                // the softmax (Softmax.emitForward) and the loss's sum from the same exponentials
                c.addStatement("float sum = 0f");
                c.beginControlFlow("for (int j = 0; j < $L; j++)", k);
                c.addStatement("final double e = Math.exp($L[o + j] - max)", pre);
                c.addStatement("se += e");
                c.addStatement("final float ez = (float) e");
                c.addStatement("$L[o + j] = ez", out);
                c.addStatement("sum += ez");
                c.endControlFlow();
                c.addStatement("final float r = 1f / sum");
                c.beginControlFlow("for (int j = 0; j < $L; j++)", k);
                c.addStatement("$L[o + j] *= r", out);
                c.endControlFlow();
            } else {
                c.beginControlFlow("for (int j = 0; j < $L; j++)", k);
                c.addStatement("se += Math.exp($L[o + j] - max)", pre);
                c.endControlFlow();
            }
            c.addStatement("final double lse = max + Math.log(se)");
            if (weighted) {
                sampleWeight(c, "o", k);
                if (grad != null) {
                    c.addStatement("final float si = s * inv");
                }
            }
            c.beginControlFlow("for (int j = 0; j < $L; j++)", k);
            c.addStatement("final float yj = y[o + j]");
            c.beginControlFlow("if (yj != 0f)");
            c.addStatement(weighted ? "loss += s * (yj * (lse - $L[o + j]))"
                    : "loss += yj * (lse - $L[o + j])", pre);
            c.endControlFlow();
            if (grad != null) {
                c.addStatement("$L[o + j] = ($L[o + j] - yj) * $L", grad, out,
                        weighted ? "si" : "inv");
            }
            c.endControlFlow();
            c.endControlFlow();
        }

        @Override
        public boolean weighsClasses(Shape out) {
            return out.kind() != Shape.Kind.SEQUENCE;
        }
    }
}
