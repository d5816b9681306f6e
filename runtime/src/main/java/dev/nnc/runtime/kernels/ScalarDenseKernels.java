package dev.nnc.runtime.kernels;

/** {@link DenseKernels} in plain Java: loops the JIT compiles and vectorizes where it can. */
final class ScalarDenseKernels implements DenseKernels {

    @Override
    public void forward(float[] x, int from, int to, int in, float[] p, int w, int b, int out,
            float[] z) {
        for (int i = from; i < to; i++) {
            int xo = i * in;
            int zo = i * out;
            for (int j = 0; j < out; j++) {
                z[zo + j] = b < 0 ? 0f : p[b + j];
            }
            for (int k = 0; k < in; k++) {
                float xv = x[xo + k];
                int wo = w + k * out;
                for (int j = 0; j < out; j++) {
                    z[zo + j] = Math.fma(xv, p[wo + j], z[zo + j]);
                }
            }
        }
    }

    @Override
    public void infer(float[] x, int from, int to, int in, float[] p, int w, int b, int out,
            float[] z) {
        forward(x, from, to, in, p, w, b, out, z);
    }

    @Override
    public void gradWeights(float[] x, int n, int in, float[] g, int out, float[] gp, int w,
            int b, int kFrom, int kTo) {
        for (int k = kFrom; k < kTo; k++) {
            int wo = w + k * out;
            for (int j = 0; j < out; j++) {
                gp[wo + j] = 0f;
            }
            for (int i = 0; i < n; i++) {
                float xv = x[i * in + k];
                int go = i * out;
                for (int j = 0; j < out; j++) {
                    gp[wo + j] += xv * g[go + j];
                }
            }
        }
        if (b >= 0) {
            for (int j = 0; j < out; j++) {
                gp[b + j] = 0f;
            }
            for (int i = 0; i < n; i++) {
                int go = i * out;
                for (int j = 0; j < out; j++) {
                    gp[b + j] += g[go + j];
                }
            }
        }
    }

    @Override
    public void gradInput(float[] g, int from, int to, int out, float[] p, int w, int in,
            float[] gx) {
        for (int i = from; i < to; i++) {
            int go = i * out;
            for (int k = 0; k < in; k++) {
                int wo = w + k * out;
                float s = 0f;
                for (int j = 0; j < out; j++) {
                    s += g[go + j] * p[wo + j];
                }
                gx[i * in + k] = s;
            }
        }
    }

    @Override
    public void adam(float[] p, float[] g, float[] m, float[] v, int from, int to, float b1,
            float b2, float step, float e, float shrink) {
        AdamLanes.adam(p, g, m, v, from, to, b1, b2, step, e, shrink);
    }
}
