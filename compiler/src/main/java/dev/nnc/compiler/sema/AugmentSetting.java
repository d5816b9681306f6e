package dev.nnc.compiler.sema;

import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.ops.Shape;
import dev.nnc.runtime.model.Augmentation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code augment:} setting of the {@code data { }} block as written: one transform, a list
 * of them (all on every view), or {@code one_of(...)} of them (one on each view), checked against
 * the model's input, which must be an image {@code [C,H,W]}; and {@code augment_copies:}.
 *
 * <p>Example: {@code augment: [rotate(10), zoom(0.8, 1.2), shift(2), flip(horizontal),
 * noise(0.3)]} with {@code input [1, 28, 28]} is {@code new Augmentation(10, 0.8, 1.2, 2, true,
 * false, 0.3)}; with {@code input [784]} it is NN0511. {@code augment: one_of(rotate(10),
 * shift(2))} is {@code new Augmentation(10, 1, 1, 2, false, false, 0, true, 0)}.
 */
final class AugmentSetting {
    /** The transforms, in the order the language documents them. */
    static final List<String> TRANSFORMS = List.of("rotate", "zoom", "shift", "flip", "noise");
    /** The form that puts one transform on each view. */
    static final String ONE_OF = "one_of";
    /** The arguments of flip. */
    static final List<String> FLIPS = List.of("horizontal", "vertical", "both");

    private AugmentSetting() {
    }

    /**
     * The augmentation {@code v} describes for the input {@code in} ({@code null} when unknown
     * after an error), or {@code null} after reporting what is wrong with it.
     */
    static Augmentation parse(Value v, Shape in, Diagnostics diags) {
        if (in != null && in.kind() != Shape.Kind.IMAGE) {
            diags.report(Code.DATA_AUGMENT, v.span(), "augment transforms images, and the input "
                    + "%s is not one; declare it [channels, height, width], e.g. input [1, 28, "
                    + "28] with flatten before the first dense layer", in);
            return null;
        }
        boolean oneOf = v instanceof Value.Call call && call.name().equals(ONE_OF);
        List<Value> items;
        boolean ok = true;
        if (oneOf) {
            items = new ArrayList<>();
            for (Value.Arg arg : ((Value.Call) v).args()) {
                if (arg.name() != null) {
                    diags.report(Code.UNKNOWN_ARGUMENT, arg.nameSpan(), "one_of takes "
                            + "transforms, not named arguments, e.g. one_of(rotate(10), "
                            + "shift(2))");
                    ok = false;
                } else {
                    items.add(arg.value());
                }
            }
        } else {
            items = v instanceof Value.ListV l ? l.items() : List.of(v);
        }
        if (items.isEmpty() && ok) {
            diags.report(Code.DATA_AUGMENT, v.span(), "augment names no transform; e.g. "
                    + "augment: [rotate(10), shift(2)]");
            return null;
        }
        double rotation = 0;
        double zoomMin = 1;
        double zoomMax = 1;
        int shift = 0;
        boolean flipH = false;
        boolean flipV = false;
        double noise = 0;
        Set<String> seen = new HashSet<>();
        for (Value item : items) {
            if (!(item instanceof Value.Call c) || !TRANSFORMS.contains(c.name())) {
                String name = item instanceof Value.Call c ? c.name()
                        : item instanceof Value.Word w ? w.name() : null;
                diags.report(Code.DATA_AUGMENT, item.span(), "a transform of augment is "
                        + "rotate, zoom, shift, flip or noise, e.g. %s, not %s%s",
                        "rotate(10)", name != null ? "'" + name + "'"
                        : item.describe(), name != null ? Names.suggestion(name, TRANSFORMS) : "");
                ok = false;
                continue;
            }
            if (!seen.add(c.name())) {
                diags.report(Code.DATA_AUGMENT, c.nameSpan(), "augment names %s twice",
                        c.name());
                ok = false;
                continue;
            }
            List<Value> args = arguments(c, c.name().equals("zoom") ? 2 : 1, diags);
            if (args == null) {
                ok = false;
                continue;
            }
            if (oneOf && isIdentity(c.name(), args)) {
                diags.report(Code.ARGUMENT_RANGE, c.span(), "%s leaves the image as it is: "
                        + "the views one_of gives it would be plain copies; e.g. %s",
                        c.name() + "(" + String.join(", ", args.stream().map(a -> Values.format(
                                ((Value.Num) a).value())).toList()) + ")", example(c.name()));
                ok = false;
                continue;
            }
            switch (c.name()) {
                case "rotate" -> {
                    Double d = number(args.get(0), c.name(), diags);
                    if (d != null && !(d >= 0 && d <= 180)) {
                        diags.report(Code.ARGUMENT_RANGE, args.get(0).span(), "rotate takes the "
                                + "largest angle in degrees each way, in [0, 180], not %s",
                                Values.format(d));
                        d = null;
                    }
                    ok &= d != null;
                    rotation = d != null ? d : 0;
                }
                case "zoom" -> {
                    Double lo = number(args.get(0), c.name(), diags);
                    Double hi = number(args.get(1), c.name(), diags);
                    if (lo != null && !(lo > 0)) {
                        diags.report(Code.ARGUMENT_RANGE, args.get(0).span(), "zoom factors must "
                                + "be > 0, not %s", Values.format(lo));
                        lo = null;
                    } else if (lo != null && hi != null && !(hi >= lo)) {
                        diags.report(Code.ARGUMENT_RANGE, args.get(1).span(), "zoom takes the "
                                + "smallest factor, then the largest: %s is below %s",
                                Values.format(hi), Values.format(lo));
                        hi = null;
                    }
                    ok &= lo != null && hi != null;
                    zoomMin = lo != null && hi != null ? lo : 1;
                    zoomMax = lo != null && hi != null ? hi : 1;
                }
                case "shift" -> {
                    Double d = number(args.get(0), c.name(), diags);
                    int side = in == null ? Integer.MAX_VALUE : Math.min(in.dim(1), in.dim(2));
                    if (d != null && (d < 0 || d != Math.rint(d))) {
                        diags.report(Code.ARGUMENT_RANGE, args.get(0).span(), "shift takes a "
                                + "whole number of pixels >= 0, not %s", Values.format(d));
                        d = null;
                    } else if (d != null && in != null && d >= side) {
                        diags.report(Code.ARGUMENT_RANGE, args.get(0).span(), "shift %s moves "
                                + "an image of %d x %d pixels out of sight; it must be below %d",
                                Values.format(d), in.dim(1), in.dim(2), side);
                        d = null;
                    }
                    ok &= d != null;
                    shift = d != null ? d.intValue() : 0;
                }
                case "flip" -> {
                    Value a = args.get(0);
                    String w = a instanceof Value.Word word ? word.name() : null;
                    if (w == null || !FLIPS.contains(w)) {
                        diags.report(Code.ARGUMENT_TYPE, a.span(), "flip is horizontal, "
                                + "vertical or both, not %s%s", w != null ? "'" + w + "'"
                                : a.describe(), w != null ? Names.suggestion(w, FLIPS) : "");
                        ok = false;
                    } else {
                        flipH = !w.equals("vertical");
                        flipV = !w.equals("horizontal");
                    }
                }
                case "noise" -> {
                    Double d = number(args.get(0), c.name(), diags);
                    if (d != null && !(d >= 0)) {
                        diags.report(Code.ARGUMENT_RANGE, args.get(0).span(), "noise takes the "
                                + "standard deviation of the noise, >= 0, not %s",
                                Values.format(d));
                        d = null;
                    }
                    ok &= d != null;
                    noise = d != null ? d : 0;
                }
                default -> throw new AssertionError(c.name());
            }
        }
        return ok ? new Augmentation(rotation, zoomMin, zoomMax, shift, flipH, flipV, noise,
                oneOf, 0) : null;
    }

    /** True when the transform {@code name} with the numbers {@code args} moves nothing. */
    private static boolean isIdentity(String name, List<Value> args) {
        for (Value a : args) {
            if (!(a instanceof Value.Num n) || n.value() != (name.equals("zoom") ? 1 : 0)) {
                return false;
            }
        }
        return !name.equals("flip");
    }

    /**
     * The {@code augment_copies:} setting: transformed views of each training image per epoch,
     * besides the image as it is, a whole number in [0, {@value Augmentation#MAX_COPIES}]; or
     * {@code null} after reporting.
     */
    static Integer copies(Value v, Diagnostics diags) {
        if (!(v instanceof Value.Num n)) {
            diags.report(Code.ARGUMENT_TYPE, v.span(), "augment_copies is the number of "
                    + "transformed views of each training image an epoch adds, e.g. 9, not %s",
                    v.describe());
            return null;
        }
        double d = n.value();
        if (d != Math.rint(d) || d < 0 || d > Augmentation.MAX_COPIES) {
            diags.report(Code.ARGUMENT_RANGE, v.span(), "augment_copies must be a whole number "
                    + "in [0, %d], not %s", Augmentation.MAX_COPIES, Values.format(d));
            return null;
        }
        return (int) d;
    }

    /** The {@code n} positional arguments of {@code c}, or {@code null} after reporting. */
    private static List<Value> arguments(Value.Call c, int n, Diagnostics diags) {
        for (Value.Arg a : c.args()) {
            if (a.name() != null) {
                diags.report(Code.UNKNOWN_ARGUMENT, a.nameSpan(), "%s takes its %s by position, "
                        + "not by name", c.name(), n == 1 ? "argument" : "arguments");
                return null;
            }
        }
        if (c.args().size() != n) {
            diags.report(c.args().size() < n ? Code.MISSING_ARGUMENT : Code.TOO_MANY_ARGUMENTS,
                    c.span(), "%s takes %d argument%s, e.g. %s", c.name(), n, n == 1 ? "" : "s",
                    example(c.name()));
            return null;
        }
        return c.args().stream().map(Value.Arg::value).toList();
    }

    private static Double number(Value v, String transform, Diagnostics diags) {
        if (v instanceof Value.Num n) {
            return n.value();
        }
        diags.report(Code.ARGUMENT_TYPE, v.span(), "%s takes a number, e.g. %s, not %s",
                transform, example(transform), v.describe());
        return null;
    }

    /** An example call of each transform. */
    static String example(String transform) {
        return switch (transform) {
            case "rotate" -> "rotate(10)";
            case "zoom" -> "zoom(0.8, 1.2)";
            case "shift" -> "shift(2)";
            case "flip" -> "flip(horizontal)";
            case "noise" -> "noise(0.1)";
            default -> throw new AssertionError(transform);
        };
    }
}
