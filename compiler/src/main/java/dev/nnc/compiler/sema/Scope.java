package dev.nnc.compiler.sema;

import dev.nnc.compiler.ast.Ast.GroupNode;
import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.diag.Span;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Names visible at one place: constants and groups, with a parent scope. A file's scope holds what
 * it imports and defines; a model's and a group call's scopes are children.
 */
public final class Scope {
    private final Scope parent;
    private final Map<String, Value> constants = new LinkedHashMap<>();
    private final Map<String, Span> definedAt = new LinkedHashMap<>();
    private final Map<String, Group> groups = new LinkedHashMap<>();

    /** A group together with the scope it was defined in (its body sees that scope's names). */
    public record Group(GroupNode node, Scope scope) {
    }

    public Scope(Scope parent) {
        this.parent = parent;
    }

    /** Defines a constant; a second definition of a name in the same scope is a diagnostic. */
    public void defineConstant(String name, Value value, Span at, Diagnostics diags) {
        if (checkFree(name, at, diags)) {
            constants.put(name, value);
            definedAt.put(name, at);
        }
    }

    /** Defines a group; a second definition of a name in the same scope is a diagnostic. */
    public void defineGroup(String name, Group group, Span at, Diagnostics diags) {
        if (checkFree(name, at, diags)) {
            groups.put(name, group);
            definedAt.put(name, at);
        }
    }

    /** Binds a group parameter: never a duplicate, since parameters were checked. */
    void bindParameter(String name, Value value, Span at) {
        constants.put(name, value);
        definedAt.put(name, at);
    }

    private boolean checkFree(String name, Span at, Diagnostics diags) {
        Span prev = findDefinition(name);
        if (prev != null) {
            diags.report(Code.DUPLICATE_DEFINITION, at, "'%s' is already defined at %s", name,
                    prev);
            return false;
        }
        return true;
    }

    private Span findDefinition(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            Span sp = s.definedAt.get(name);
            if (sp != null) {
                return sp;
            }
        }
        return null;
    }

    /** The constant's value, or {@code null}. */
    public Value constant(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            Value v = s.constants.get(name);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** The group, or {@code null}. */
    public Group group(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            Group g = s.groups.get(name);
            if (g != null) {
                return g;
            }
        }
        return null;
    }

    /** Copies another file's definitions into this scope (an import). */
    public void importFrom(Scope other, Diagnostics diags, Span at) {
        for (Map.Entry<String, Value> e : other.constants.entrySet()) {
            if (constant(e.getKey()) == null && group(e.getKey()) == null) {
                constants.put(e.getKey(), e.getValue());
                definedAt.put(e.getKey(), other.definedAt.get(e.getKey()));
            } else if (constant(e.getKey()) != e.getValue()) {
                diags.report(Code.DUPLICATE_DEFINITION, at, "imported '%s' (defined at %s) is "
                        + "already defined at %s", e.getKey(), other.definedAt.get(e.getKey()),
                        findDefinition(e.getKey()));
            }
        }
        for (Map.Entry<String, Group> e : other.groups.entrySet()) {
            if (constant(e.getKey()) == null && group(e.getKey()) == null) {
                groups.put(e.getKey(), e.getValue());
                definedAt.put(e.getKey(), other.definedAt.get(e.getKey()));
            } else if (group(e.getKey()) != e.getValue()) {
                diags.report(Code.DUPLICATE_DEFINITION, at, "imported '%s' (defined at %s) is "
                        + "already defined at %s", e.getKey(), other.definedAt.get(e.getKey()),
                        findDefinition(e.getKey()));
            }
        }
    }

    /** Every constant name visible here, for suggestions. */
    public Set<String> constantNames() {
        Set<String> out = new LinkedHashSet<>();
        for (Scope s = this; s != null; s = s.parent) {
            out.addAll(s.constants.keySet());
        }
        return out;
    }

    /** Every group name visible here, for suggestions. */
    public Set<String> groupNames() {
        Set<String> out = new LinkedHashSet<>();
        for (Scope s = this; s != null; s = s.parent) {
            out.addAll(s.groups.keySet());
        }
        return out;
    }
}
