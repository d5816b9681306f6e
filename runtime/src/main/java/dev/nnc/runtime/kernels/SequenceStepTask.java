package dev.nnc.runtime.kernels;

import dev.nnc.runtime.kernels.SequenceKernels.Backward;
import dev.nnc.runtime.kernels.SequenceKernels.Cell;

/** One step's rows split across threads, forward or backward. */
final class SequenceStepTask implements WorkerPool.Task {
    private SequenceKernels k;
    private boolean backward;
    private Cell cell;
    private Backward b;
    private float[] hT;
    private float[] p;
    private float[] hu;
    private float[] zx;
    private float[] cT;
    private float[] gout;
    private int r0;
    private int n;
    private int h;
    private int u;
    private int bhn;
    private int next;
    private int nr0;
    private int go;
    private int gs;
    private boolean first;
    private boolean withOut;
    private boolean last;
    private Prepared prepared;

    void forward(SequenceKernels k, Cell cell, float[] hT, int r0, int n, int h, float[] p,
            int u, int bhn, float[] hu, float[] zx, float[] cT, int next, boolean first,
            Prepared pu) {
        this.k = k;
        this.prepared = pu;
        this.backward = false;
        this.cell = cell;
        this.hT = hT;
        this.r0 = r0;
        this.n = n;
        this.h = h;
        this.p = p;
        this.u = u;
        this.bhn = bhn;
        this.hu = hu;
        this.zx = zx;
        this.cT = cT;
        this.next = next;
        this.first = first;
    }

    void backward(SequenceKernels k, Backward b, int r0, int n, int next, int nr0,
            boolean first, float[] gout, int go, int gs, boolean withOut, boolean last,
            Prepared put) {
        this.k = k;
        this.prepared = put;
        this.backward = true;
        this.b = b;
        this.r0 = r0;
        this.n = n;
        this.next = next;
        this.nr0 = nr0;
        this.first = first;
        this.gout = gout;
        this.go = go;
        this.gs = gs;
        this.withOut = withOut;
        this.last = last;
    }

    @Override
    public void part(int index, int parts) {
        int from = KernelContext.lo(n, index, parts);
        int to = KernelContext.lo(n, index + 1, parts);
        if (backward) {
            k.backwardRows(b, r0, from, to, next, nr0, first, gout, go, gs, withOut, last,
                    prepared);
        } else {
            k.forwardRows(cell, hT, r0, from, to, h, p, u, bhn, hu, zx, cT, next, first,
                    prepared);
        }
    }
}
