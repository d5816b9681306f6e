package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.nnc.compiler.ops.ActivationFunctions;
import dev.nnc.runtime.kernels.Activations;
import dev.nnc.runtime.kernels.Kernels;
import dev.nnc.runtime.model.ParamTensor;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;
import org.junit.jupiter.api.Test;

/**
 * Contracts between the code nnc emits and the runtime's reference implementations: the same
 * inputs give the same bits.
 *
 * <ul>
 * <li>{@code exp}, {@code sigmoid}, {@code tanh} of the standalone class ({@link
 *     ActivationFunctions}, compiled here) against {@link Activations}' on ±0, NaN, ±∞, the
 *     subnormals, the clamping bounds and a sweep of every 97th float in [−100, 100];
 * <li>a generated class's inference of dense layers followed by relu, sigmoid, tanh and leaky
 *     relu against the runtime: layers of 4096 weights and more call {@link Kernels#denseInfer}
 *     (the bias, then fused multiply-adds in ascending k), smaller ones are emitted as inline
 *     loops that add each product rounded (the bias, then {@code z += x·w} in ascending k; the
 *     standalone class emits the same loops, so both forms agree to the bit), on sizes 1, 7, 9
 *     and 65 (around the 8 lanes of the vector kernels) with ±0, NaN and ties in the inputs,
 *     and the activations' references: {@link Activations#sigmoid}, and for the tanh layer the
 *     JDK's {@code (float) Math.tanh} (the recurrent cells take {@link Activations#tanh}
 *     instead, checked against the standalone class's copy above);
 * <li>a generated class's training step of two dense layers (inline loops below 4096 weights,
 *     the runtime's kernels above) on values where every sum is exact in float (integers in
 *     [−1, 1], a batch of 4): forward, loss gradient, dW, dB and dX in any order of summation
 *     give the exact gradients, so each layout, loop bound and edge size is checked to the bit;
 * <li>a generated class's max and average pooling in inference (the runtime's
 *     {@link Kernels#maxPool} and {@code PoolReference.avgPool}) against the runtime's
 *     {@link Kernels#maxPool} and a plain average, with ties, ±0 and NaN;
 * <li>a generated class's convolution in inference (the runtime's {@code Conv2d.infer} at
 *     stride 1, {@code ConvReference.convStrided} at other strides) against the plain loops: the bias, then fused
 *     multiply-adds in ascending (c, ky, kx), for 1, 7, 9 filters, paddings and strides, with
 *     ±0 and NaN among the inputs.
 * </ul>
 */
class EmittedCodeContractTest {
    private static final float[] SPECIAL = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
        Float.MAX_VALUE, -Float.MAX_VALUE, Activations.EXP_MIN, Activations.EXP_MAX,
        Math.nextDown(Activations.EXP_MIN), Math.nextUp(Activations.EXP_MAX), 1f, -1f, 0.5f,
        -0.5f, 9f, -9f, 20f, -20f, 88f, -87f, 1e-8f, -1e-8f};

    @Test
    void standaloneActivationCodeGivesTheRuntimesBits() throws Exception {
        TypeSpec.Builder t = TypeSpec.classBuilder("StandaloneActivations")
                .addModifiers(Modifier.PUBLIC);
        t.addFields(ActivationFunctions.fields());
        for (MethodSpec m : ActivationFunctions.methods()) {
            t.addMethod(m);
            if (m.parameters().size() != 1) {
                continue;
            }
            t.addMethod(MethodSpec.methodBuilder("call" + m.name())
                    .addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(float.class)
                    .addParameter(float.class, "v").addStatement("return $N(v)", m.name())
                    .build());
        }
        String source = JavaFile.builder("", t.build()).build().toString();
        Map<String, byte[]> classes = InMemoryJavac.compile("StandaloneActivations", source)
                .classes();
        Class<?> cls = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = classes.get(name);
                if (b == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, b, 0, b.length);
            }
        }.loadClass("StandaloneActivations");
        Method exp = cls.getMethod("callexp", float.class);
        Method sigmoid = cls.getMethod("callsigmoid", float.class);
        Method tanh = cls.getMethod("calltanh", float.class);
        int checked = 0;
        for (float v : inputs()) {
            same("exp", v, Activations.exp(v), (float) exp.invoke(null, v));
            same("sigmoid", v, Activations.sigmoid(v), (float) sigmoid.invoke(null, v));
            same("tanh", v, Activations.tanh(v), (float) tanh.invoke(null, v));
            checked++;
        }
        assertEquals(true, checked > 4000, checked + " values");
    }

    /** The special values, then every 97th float in [−100, 100]. */
    private static float[] inputs() {
        float[] sweep = new float[8000];
        int k = 0;
        for (float v : SPECIAL) {
            sweep[k++] = v;
        }
        for (int bits = Float.floatToIntBits(-100f); k < sweep.length && bits < 0;
                bits -= 97 * 1024) {
            sweep[k++] = Float.intBitsToFloat(bits);
        }
        for (int bits = 0; k < sweep.length && Float.intBitsToFloat(bits) < 100f;
                bits += 97 * 1024) {
            sweep[k++] = Float.intBitsToFloat(bits);
        }
        return Arrays.copyOf(sweep, k);
    }

    private static final String[] ACTIVATIONS = {"relu", "sigmoid", "tanh",
        "leaky_relu(alpha: 0.25)"};

    @Test
    void emittedDenseLayersAndActivationsGiveTheKernelsBits() {
        int[] ins = {1, 9, 65};
        int[] outs = {1, 7, 9, 65};
        List<String> sources = new ArrayList<>();
        for (int in : ins) {
            for (int out : outs) {
                // every activation after a dense layer of in → out, then out → out
                StringBuilder body = new StringBuilder();
                for (String act : ACTIVATIONS) {
                    body.append(" dense(").append(out).append(") -> ").append(act).append('\n');
                }
                sources.add("model D" + in + "x" + out + " {\n input [" + in + "]\n" + body
                        + " dense(2)\n loss mse\n optimizer sgd(lr: 0.1)\n seed " + out
                        + "\n}\n");
            }
        }
        List<TrainableModel> models = Models.loadAll(sources);
        int k = 0;
        for (int in : ins) {
            for (int out : outs) {
                checkDense(models.get(k++), in, out);
            }
        }
    }

    private static void checkDense(TrainableModel m, int in, int out) {
        m.initParams(new Rng(in * 31L + out));
        float[] p = m.params();
        List<ParamTensor> t = m.paramTensors();
        Rng rng = new Rng(out);
        for (ParamTensor b : t) {
            if (b.name().endsWith(".B")) {
                for (int i = 0; i < b.size(); i++) {
                    p[b.offset() + i] = (float) (rng.nextDouble() - 0.5);
                }
            }
        }
        int n = 5;
        float[] x = new float[n * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = switch (i % 6) {
                case 0 -> 0f;
                case 1 -> -0f;
                case 2 -> 1f; // ties: equal inputs
                case 3 -> 1f;
                default -> (float) (rng.nextDouble() * 4 - 2);
            };
        }
        x[x.length - 1] = Float.NaN;
        float[] a = x;
        int width = in;
        for (int l = 0; l < ACTIVATIONS.length; l++) {
            float[] z = dense(a, n, width, p, t.get(2 * l).offset(), t.get(2 * l + 1).offset(),
                    out);
            for (int i = 0; i < z.length; i++) {
                z[i] = switch (ACTIVATIONS[l]) {
                    case "relu" -> z[i] > 0f ? z[i] : 0f;
                    case "sigmoid" -> Activations.sigmoid(z[i]);
                    case "tanh" -> (float) Math.tanh(z[i]);
                    default -> z[i] > 0f ? z[i] : 0.25f * z[i];
                };
            }
            a = z;
            width = out;
        }
        int last = 2 * ACTIVATIONS.length;
        float[] want = dense(a, n, out, p, t.get(last).offset(), t.get(last + 1).offset(), 2);
        float[] got = new float[n * 2];
        m.predict(x, n, got);
        for (int i = 0; i < want.length; i++) {
            same("dense " + in + "→" + out + " and activations, output", i, want[i], got[i]);
        }
    }

    @Test
    void emittedDenseTrainingGivesTheExactGradientsOnExactValues() {
        int[] ins = {1, 7, 9, 65};
        int[] outs = {1, 8, 9, 65};
        int mid = 65;
        List<String> sources = new ArrayList<>();
        for (int in : ins) {
            for (int out : outs) {
                sources.add("model T" + in + "x" + out + " {\n input [" + in + "]\n dense(" + mid
                        + ")\n dense(" + out + ")\n loss mse\n optimizer sgd(lr: 0.1)\n}\n");
            }
        }
        List<TrainableModel> models = Models.loadAll(sources);
        int k = 0;
        for (int in : ins) {
            for (int out : outs) {
                checkTraining(models.get(k++), in, mid, out);
            }
        }
    }

    private static void checkTraining(TrainableModel m, int in, int mid, int out) {
        int n = 4;
        Rng rng = new Rng(in * 1000L + out);
        float[] p = m.params();
        for (int i = 0; i < p.length; i++) {
            p[i] = rng.nextInt(3) - 1;
        }
        float[] x = new float[n * in];
        float[] y = new float[n * out];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(3) - 1;
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextInt(3) - 1;
        }
        List<ParamTensor> t = m.paramTensors();
        int w1 = t.get(0).offset();
        int b1 = t.get(1).offset();
        int w2 = t.get(2).offset();
        int b2 = t.get(3).offset();
        double[] a1 = new double[n * mid];
        double[] dz = new double[n * out];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < mid; j++) {
                double s = p[b1 + j];
                for (int q = 0; q < in; q++) {
                    s += x[i * in + q] * p[w1 + q * mid + j];
                }
                a1[i * mid + j] = s;
            }
            for (int j = 0; j < out; j++) {
                double s = p[b2 + j];
                for (int q = 0; q < mid; q++) {
                    s += a1[i * mid + q] * p[w2 + q * out + j];
                }
                dz[i * out + j] = (s - y[i * out + j]) / n;
            }
        }
        double[] want = new double[p.length];
        double[] da1 = new double[n * mid];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < out; j++) {
                want[b2 + j] += dz[i * out + j];
                for (int q = 0; q < mid; q++) {
                    want[w2 + q * out + j] += a1[i * mid + q] * dz[i * out + j];
                    da1[i * mid + q] += dz[i * out + j] * p[w2 + q * out + j];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < mid; j++) {
                want[b1 + j] += da1[i * mid + j];
                for (int q = 0; q < in; q++) {
                    want[w1 + q * mid + j] += x[i * in + q] * da1[i * mid + j];
                }
            }
        }
        m.trainStep(x, y, n);
        float[] got = m.grads();
        for (int i = 0; i < p.length; i++) {
            same("training gradient of dense " + in + "→" + mid + "→" + out + ", "
                    + GradientChecks.param(m, i), i, (float) want[i], got[i]);
        }
    }

    /** A dense layer as the generated class computes it in inference (see the class comment). */
    private static float[] dense(float[] x, int n, int in, float[] p, int w, int b, int out) {
        float[] z = new float[n * out];
        if ((long) in * out >= 4096) {
            Kernels.denseInfer(x, n, in, p, w, b, out, z);
            return z;
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < out; j++) {
                float s = p[b + j];
                for (int k = 0; k < in; k++) {
                    s += x[i * in + k] * p[w + k * out + j];
                }
                z[i * out + j] = s;
            }
        }
        return z;
    }

    @Test
    void emittedPoolingGivesTheKernelsBits() {
        int[][] geometries = {{1, 2, 2}, {2, 4, 6}, {1, 6, 18}, {3, 2, 34}, {1, 8, 8}};
        String[] pools = {"maxpool", "avgpool"};
        List<String> sources = new ArrayList<>();
        for (int[] g : geometries) {
            for (String pool : pools) {
                sources.add("model P" + pool + g[0] + "x" + g[1] + "x" + g[2] + " {\n input ["
                        + g[0] + ", " + g[1] + ", " + g[2] + "]\n " + pool + "(2)\n flatten\n"
                        + " loss mse\n optimizer sgd(lr: 0.1)\n}\n");
            }
        }
        List<TrainableModel> models = Models.loadAll(sources);
        float[] pick = {0f, -0f, 1f, -1f, Float.NaN, 0.5f, 1f};
        int k = 0;
        for (int[] g : geometries) {
            int c = g[0];
            int h = g[1];
            int w = g[2];
            for (String pool : pools) {
                TrainableModel m = models.get(k++);
                int n = 3;
                float[] x = new float[n * c * h * w];
                Rng rng = new Rng(h * 10L + w);
                for (int i = 0; i < x.length; i++) {
                    x[i] = pick[rng.nextInt(pick.length)];
                }
                int oh = h / 2;
                int ow = w / 2;
                float[] want = new float[n * c * oh * ow];
                if (pool.equals("maxpool")) {
                    Kernels.maxPool(x, n, c, h, w, 2, 2, 2, 2, oh, ow, want);
                } else {
                    for (int t = 0; t < want.length; t++) {
                        int q = t / ow / oh * h * w + t / ow % oh * 2 * w + t % ow * 2;
                        float sum = 0f;
                        sum += x[q];
                        sum += x[q + 1];
                        sum += x[q + w];
                        sum += x[q + w + 1];
                        want[t] = sum * 0.25f;
                    }
                }
                float[] got = new float[want.length];
                m.predict(x, n, got);
                for (int t = 0; t < want.length; t++) {
                    same(pool + " " + Arrays.toString(g) + " output", t, want[t], got[t]);
                }
            }
        }
    }

    @Test
    void emittedConvolutionGivesThePlainLoopsBits() {
        // c, h, w, f, k, stride, padding
        int[][] geometries = {{1, 3, 3, 1, 3, 1, 0}, {2, 5, 6, 7, 2, 1, 0}, {3, 6, 9, 9, 3, 1, 1},
            {1, 7, 7, 9, 3, 2, 0}, {2, 9, 9, 7, 3, 2, 1}, {1, 5, 17, 8, 1, 1, 0}};
        List<String> sources = new ArrayList<>();
        for (int[] g : geometries) {
            sources.add("model C" + sources.size() + " {\n input [" + g[0] + ", " + g[1] + ", "
                    + g[2] + "]\n conv2d(" + g[3] + ", " + g[4] + ", stride: " + g[5]
                    + ", padding: " + g[6] + ")\n flatten\n loss mse\n"
                    + " optimizer sgd(lr: 0.1)\n}\n");
        }
        List<TrainableModel> models = Models.loadAll(sources);
        for (int m = 0; m < geometries.length; m++) {
            int[] g = geometries[m];
            int c = g[0];
            int h = g[1];
            int w = g[2];
            int f = g[3];
            int k = g[4];
            int st = g[5];
            int pad = g[6];
            int oh = (h + 2 * pad - k) / st + 1;
            int ow = (w + 2 * pad - k) / st + 1;
            TrainableModel model = models.get(m);
            Rng rng = new Rng(m + 1);
            model.initParams(rng);
            float[] p = model.params();
            int wOff = model.paramTensors().get(0).offset();
            int bOff = model.paramTensors().get(1).offset();
            for (int j = 0; j < f; j++) {
                p[bOff + j] = (float) (rng.nextDouble() - 0.5);
            }
            int n = 2;
            float[] x = new float[n * c * h * w];
            float[] pick = {0f, -0f, Float.NaN, 1f, 1f};
            for (int i = 0; i < x.length; i++) {
                x[i] = rng.nextInt(5) == 0 ? pick[rng.nextInt(pick.length)]
                        : (float) (rng.nextDouble() * 4 - 2);
            }
            float[] want = new float[n * f * oh * ow];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < f; j++) {
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            float s = p[bOff + j];
                            for (int ci = 0; ci < c; ci++) {
                                for (int ky = 0; ky < k; ky++) {
                                    for (int kx = 0; kx < k; kx++) {
                                        int iy = oy * st - pad + ky;
                                        int ix = ox * st - pad + kx;
                                        float xv = iy < 0 || iy >= h || ix < 0 || ix >= w ? 0f
                                                : x[((i * c + ci) * h + iy) * w + ix];
                                        s = Math.fma(p[wOff + ((j * c + ci) * k + ky) * k + kx],
                                                xv, s);
                                    }
                                }
                            }
                            want[((i * f + j) * oh + oy) * ow + ox] = s;
                        }
                    }
                }
            }
            float[] got = new float[want.length];
            model.predict(x, n, got);
            for (int t = 0; t < want.length; t++) {
                same("conv2d " + Arrays.toString(g) + " output", t, want[t], got[t]);
            }
        }
    }

    private static void same(String what, float in, float want, float got) {
        if (Float.floatToIntBits(want) != Float.floatToIntBits(got)) {
            throw new AssertionError(what + " of " + in + ": runtime " + want + ", emitted "
                    + got);
        }
    }

    private static void same(String what, int i, float want, float got) {
        if (Float.floatToIntBits(want) != Float.floatToIntBits(got)) {
            throw new AssertionError(what + " " + i + ": runtime " + want + ", emitted " + got);
        }
    }
}
