package dev.nnc.compiler.sema;

import dev.nnc.compiler.ast.Ast;
import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.ops.Loss;
import dev.nnc.runtime.model.ModelSpec;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks the {@code ensemble { }} block: how many copies of the network, how they differ and how
 * they vote (see {@link dev.nnc.runtime.model.Ensemble}).
 *
 * <pre>
 * ensemble { members: 9, vary: bootstrap, vote: plurality }
 * </pre>
 */
final class EnsembleChecker {
    static final List<String> KEYS = List.of("members", "vary", "vote");
    /** How members may differ, as the file writes it. */
    static final List<String> VARY = Arrays.stream(ModelSpec.Vary.values())
            .map(ModelSpec.Vary::id).toList();
    /** How members may vote, as the file writes it. */
    static final List<String> VOTES = Arrays.stream(ModelSpec.Vote.values())
            .map(ModelSpec.Vote::id).toList();
    /** The most members an ensemble may have: each is a whole network in memory. */
    static final int MAX_MEMBERS = 100;

    private final Diagnostics diags;
    private final Evaluator eval;

    EnsembleChecker(Diagnostics diags, Evaluator eval) {
        this.diags = diags;
        this.eval = eval;
    }

    /** The checked block; {@code null} without a block or after reporting its errors. */
    ModelSpec.EnsembleSpec check(Ast.BlockNode b, Scope scope, Loss loss) {
        if (b == null) {
            return null;
        }
        Integer members = null;
        ModelSpec.Vary vary = ModelSpec.Vary.BOOTSTRAP;
        ModelSpec.Vote vote = loss != null && !loss.runtime().isClassification()
                ? ModelSpec.Vote.MEAN : ModelSpec.Vote.PLURALITY;
        Set<String> seen = new HashSet<>();
        boolean ok = true;
        for (Ast.Entry e : b.entries()) {
            if (!KEYS.contains(e.key())) {
                diags.report(Code.UNKNOWN_SETTING, e.keySpan(), "unknown ensemble setting "
                        + "'%s'%s", e.key(), Names.known(e.key(), KEYS));
                ok = false;
                continue;
            }
            if (!seen.add(e.key())) {
                diags.report(Code.DUPLICATE_SETTING, e.keySpan(), "'%s' is set twice", e.key());
                ok = false;
                continue;
            }
            Value v = eval.eval(e.value(), scope);
            if (v == null) {
                ok = false;
                continue;
            }
            switch (e.key()) {
                case "members" -> {
                    members = members(v, scope);
                    ok &= members != null;
                }
                case "vary" -> {
                    ModelSpec.Vary x = word(v, "vary", ModelSpec.Vary.values(),
                            VARY);
                    ok &= x != null;
                    vary = x == null ? vary : x;
                }
                case "vote" -> {
                    ModelSpec.Vote x = word(v, "vote", ModelSpec.Vote.values(),
                            VOTES);
                    if (x == ModelSpec.Vote.PLURALITY && loss != null
                            && !loss.runtime().isClassification()) {
                        diags.report(Code.ARGUMENT_TYPE, v.span(), "vote: plurality counts "
                                + "the classes the members choose; this model's loss %s has no "
                                + "classes (use vote: mean)", loss.name());
                        x = null;
                    }
                    ok &= x != null;
                    vote = x == null ? vote : x;
                }
                default -> throw new AssertionError(e.key());
            }
        }
        if (members == null && !seen.contains("members")) {
            diags.report(Code.MISSING_ARGUMENT, b.nameSpan(), "the ensemble block needs "
                    + "'members', the number of networks (2 to %d), e.g. 'members: 9'",
                    MAX_MEMBERS);
            ok = false;
        }
        if (!ok) {
            return null;
        }
        return new ModelSpec.EnsembleSpec(members, vary, vote);
    }

    private Integer members(Value v, Scope scope) {
        Double d = eval.number(v, scope, "members");
        if (d == null) {
            return null;
        }
        if (d != Math.rint(d) || d < 2 || d > MAX_MEMBERS) {
            diags.report(Code.ARGUMENT_RANGE, v.span(), "members must be a whole number from 2 "
                    + "to %d (one network is no ensemble), not %s", MAX_MEMBERS,
                    Values.format(d));
            return null;
        }
        return d.intValue();
    }

    private <E extends Enum<E>> E word(Value v, String key, E[] values, List<String> names) {
        if (v instanceof Value.Word w && names.contains(w.name())) {
            return values[names.indexOf(w.name())];
        }
        String shown = v instanceof Value.Word w ? "'" + w.name() + "'" : v.describe();
        diags.report(Code.ARGUMENT_TYPE, v.span(), "%s is %s, not %s%s", key,
                String.join(" or ", names), shown, v instanceof Value.Word w
                        ? Names.suggestion(w.name(), names) : "");
        return null;
    }
}
