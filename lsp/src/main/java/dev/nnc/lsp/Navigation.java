package dev.nnc.lsp;

import dev.nnc.compiler.ast.Ast;
import dev.nnc.compiler.ir.LayerIR;
import dev.nnc.compiler.sema.Vocabulary;
import dev.nnc.lsp.Index.Occurrence;
import dev.nnc.lsp.Index.Role;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Names and where they are defined, as the checker resolves them: a name inside a group body is
 * first the group's parameter, then a constant of the file (or a file it imports); a name in a
 * model is first the model's own {@code let}, then the file's; a layer call names a group when a
 * group of that name exists, and a named argument of a group call names the group's parameter.
 */
final class Navigation {

    /** The definition a name refers to, or {@code null} (a word such as relu, or unknown). */
    Occurrence definition(Analysis a, Occurrence o) {
        switch (o.role()) {
            case CONSTANT_DEF, GROUP_DEF, PARAM_DEF, MODEL_DEF -> {
                return o;
            }
            case NAME -> {
                Occurrence param = parameter(a, o);
                if (param != null) {
                    return param;
                }
                if (o.model() != null) {
                    for (Occurrence d : a.index.all()) {
                        if (d.role() == Role.CONSTANT_DEF && d.model() == o.model()
                                && d.name().equals(o.name())) {
                            return d;
                        }
                    }
                }
                return topLevel(a, o, Role.CONSTANT_DEF);
            }
            case LAYER -> {
                // in a group body, "-> act" calls what the parameter act holds
                Occurrence param = parameter(a, o);
                return param != null ? param : topLevel(a, o, Role.GROUP_DEF);
            }
            case ARG_NAME -> {
                // block(8, act: tanh): the named argument is the group's parameter act
                if (o.context() != Vocabulary.Kind.LAYER) {
                    return null;
                }
                Occurrence callee = new Occurrence(Role.LAYER, o.callee(), o.span(), o.file(),
                        o.group(), o.model(), null, null, null);
                Occurrence g = topLevel(a, callee, Role.GROUP_DEF);
                if (g == null) {
                    return null;
                }
                for (Occurrence d : a.index.all()) {
                    if (d.role() == Role.PARAM_DEF && d.group() == g.node()
                            && d.name().equals(o.name())) {
                        return d;
                    }
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /** The parameter of the enclosing group that {@code o} names, or {@code null}. */
    private static Occurrence parameter(Analysis a, Occurrence o) {
        if (o.group() == null) {
            return null;
        }
        for (Occurrence d : a.index.all()) {
            if (d.role() == Role.PARAM_DEF && d.group() == o.group()
                    && d.name().equals(o.name())) {
                return d;
            }
        }
        return null;
    }

    private static Occurrence topLevel(Analysis a, Occurrence o, Role role) {
        Occurrence other = null;
        for (Occurrence d : a.index.all()) {
            if (d.role() == role && d.model() == null && d.name().equals(o.name())
                    && (role != Role.CONSTANT_DEF || d.group() == null)) {
                if (d.file().equals(o.file())) {
                    return d;
                }
                other = other == null ? d : other;
            }
        }
        return other;
    }

    /** The file an import names, absolute and normalized, or {@code null}. */
    static Path importTarget(Occurrence o) {
        try {
            return o.file().getParent().resolve(o.name()).toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Every occurrence that refers to the same definition as {@code o} (the definition included),
     * searched in the analyses given: the file's own, and those of the other open files, which
     * may import it. Empty when {@code o} is no constant, group, parameter or import.
     */
    List<Occurrence> references(Analysis a, Occurrence o, Collection<Analysis> others) {
        Map<String, Occurrence> out = new LinkedHashMap<>();
        if (o.role() == Role.IMPORT) {
            Path target = importTarget(o);
            for (Analysis x : withFirst(a, others)) {
                for (Occurrence r : x.index.all()) {
                    if (r.role() == Role.IMPORT && Objects.equals(importTarget(r), target)) {
                        out.putIfAbsent(key(r), r);
                    }
                }
            }
            return new ArrayList<>(out.values());
        }
        Occurrence def = definition(a, o);
        if (def == null || def.role() == Role.MODEL_DEF) {
            return List.of();
        }
        for (Analysis x : withFirst(a, others)) {
            for (Occurrence r : x.index.all()) {
                if (!r.name().equals(def.name())) {
                    continue;
                }
                Occurrence d = definition(x, r);
                if (d != null && d.file().equals(def.file()) && d.span().line() == def.span().line()
                        && d.span().column() == def.span().column()) {
                    out.putIfAbsent(key(r), r);
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    private static List<Analysis> withFirst(Analysis a, Collection<Analysis> others) {
        List<Analysis> all = new ArrayList<>();
        all.add(a);
        for (Analysis x : others) {
            if (x != a) {
                all.add(x);
            }
        }
        return all;
    }

    private static String key(Occurrence r) {
        return r.file() + ":" + r.span().line() + ":" + r.span().column();
    }

    /** A symbol of the outline: name, detail, kind, where, children. */
    record Symbol(String name, String detail, String kind, Occurrence at,
            List<Symbol> children) {
    }

    /** The outline of the file: its constants, groups with their parameters, models with layers. */
    List<Symbol> outline(Analysis a) {
        List<Symbol> out = new ArrayList<>();
        Map<Object, List<Symbol>> children = new LinkedHashMap<>();
        for (Occurrence o : a.index.all()) {
            if (!o.file().equals(a.path)) {
                continue;
            }
            Symbol s = switch (o.role()) {
                case CONSTANT_DEF -> new Symbol(o.name(), null, "constant", o,
                        new ArrayList<>());
                case GROUP_DEF -> new Symbol(o.name(), "group", "group", o,
                        new ArrayList<>());
                case PARAM_DEF -> new Symbol(o.name(), "parameter", "parameter", o,
                        new ArrayList<>());
                case MODEL_DEF -> new Symbol(o.name(), shapes(a), "model", o,
                        new ArrayList<>());
                case LAYER -> new Symbol(o.name(), layerDetail(a, o), "layer", o,
                        new ArrayList<>());
                default -> null;
            };
            if (s == null) {
                continue;
            }
            Object parent = o.role() == Role.GROUP_DEF || o.role() == Role.MODEL_DEF ? null
                    : o.group() != null ? o.group() : o.model();
            if (parent == null) {
                out.add(s);
                if (o.role() == Role.GROUP_DEF || o.role() == Role.MODEL_DEF) {
                    children.put(o.node(), s.children());
                }
            } else {
                List<Symbol> list = children.get(parent);
                (list == null ? out : list).add(s);
            }
        }
        return out;
    }

    private static String shapes(Analysis a) {
        return a.model() == null ? "model" : a.model().input() + " → " + a.model().output();
    }

    private static String layerDetail(Analysis a, Occurrence o) {
        Ast.LayerCall call = (Ast.LayerCall) o.node();
        List<LayerIR> ls = a.layersAt(o.file(), call.span().line(), call.span().column());
        if (ls.isEmpty()) {
            return null;
        }
        return ls.stream().map(l -> l.out().toString()).distinct()
                .reduce((x, y) -> x + ", " + y).orElse(null);
    }
}
