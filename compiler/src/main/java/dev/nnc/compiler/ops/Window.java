package dev.nnc.compiler.ops;

/**
 * The geometry of a sliding window (a convolution kernel or a pooling window) over an image
 * [C,H,W]: window size, stride and padding on each side, and the output height and width.
 *
 * <p>Padding {@code valid} is none; a number {@code p} pads p rows above and below (p columns
 * left and right); {@code same} pads so that the output has ⌈H/stride⌉ rows, the total
 * max((out − 1)·stride + size − H, 0) split with the extra row at the bottom (TensorFlow's and
 * ONNX's SAME_UPPER; for stride 1 and an odd size, (size − 1)/2 on each side).
 */
record Window(int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr, int oh, int ow) {

    /**
     * The window of {@code size} / {@code stride} / {@code padding} over {@code in}, or
     * {@code null} after reporting why it does not fit: a window larger than its (padded) input,
     * or a stride that does not tile it.
     */
    static Window of(String layer, Shape in, int[] size, int[] stride, Object padding,
            LayerKind.ShapeErrors errors) {
        if (in.kind() != Shape.Kind.IMAGE) {
            errors.report("%s needs an image [C,H,W] input, but its input has shape %s %s%s",
                    layer, in, in.kind().pattern(), in.kind() == Shape.Kind.VECTOR
                            ? "; declare the input as an image, e.g. input [1, 28, 28]" : "");
            return null;
        }
        int h = in.dim(1);
        int w = in.dim(2);
        int pt = 0;
        int pb = 0;
        int pl = 0;
        int pr = 0;
        if ("same".equals(padding)) {
            int totalH = Math.max((ceilDiv(h, stride[0]) - 1) * stride[0] + size[0] - h, 0);
            int totalW = Math.max((ceilDiv(w, stride[1]) - 1) * stride[1] + size[1] - w, 0);
            pt = totalH / 2;
            pb = totalH - pt;
            pl = totalW / 2;
            pr = totalW - pl;
        } else if (padding instanceof java.util.List<?> l) {
            pt = pb = (Integer) l.get(0);
            pl = pr = (Integer) l.get(1);
        }
        int ph = h + pt + pb;
        int pw = w + pl + pr;
        String padded = pt + pb + pl + pr == 0 ? "" : " (" + ph + "×" + pw + " with padding)";
        if (size[0] > ph || size[1] > pw) {
            errors.report("%s's %s %d×%d is larger than its input %s%s", layer,
                    layer.equals("conv2d") ? "kernel" : "window", size[0], size[1], in, padded);
            return null;
        }
        if ((ph - size[0]) % stride[0] != 0 || (pw - size[1]) % stride[1] != 0) {
            boolean rows = (ph - size[0]) % stride[0] != 0;
            int len = rows ? ph : pw;
            int k = rows ? size[0] : size[1];
            int s = rows ? stride[0] : stride[1];
            errors.report("%s's stride %d does not tile its input %s%s: (%d − %d) is not a "
                    + "multiple of %d, so the last %d %s would be left out; change the stride, "
                    + "the size or the padding", layer, s, in, padded, len, k, s, (len - k) % s,
                    rows ? "row(s)" : "column(s)");
            return null;
        }
        return new Window(size[0], size[1], stride[0], stride[1], pt, pl, pb, pr,
                (ph - size[0]) / stride[0] + 1, (pw - size[1]) / stride[1] + 1);
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    /** The window of a layer whose shape rule already accepted it. */
    static Window checked(String layer, Shape in, int[] size, int[] stride, Object padding) {
        Window win = of(layer, in, size, stride, padding, (fmt, a) -> {
            throw new IllegalStateException(String.format(fmt, a));
        });
        if (win == null) {
            throw new IllegalStateException(layer + " on " + in);
        }
        return win;
    }

    boolean padded() {
        return pt + pl + pb + pr > 0;
    }
}
