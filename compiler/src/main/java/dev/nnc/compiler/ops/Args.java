package dev.nnc.compiler.ops;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checked argument values of one call, by name, defaults filled in: {@code Integer}, {@code Double},
 * {@code Boolean}, {@code String} (for words) or {@link InitSpec}.
 */
public final class Args {
    private final Map<String, Object> values;

    public Args(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static Args empty() {
        return new Args(Map.of());
    }

    public int integer(String name) {
        return (Integer) values.get(name);
    }

    public double number(String name) {
        return ((Number) values.get(name)).doubleValue();
    }

    public boolean bool(String name) {
        return (Boolean) values.get(name);
    }

    /** A {@link ArgSpec.Type#PAIR} argument: {height, width}; empty when left to its default. */
    @SuppressWarnings("unchecked")
    public int[] pair(String name) {
        return ((java.util.List<Integer>) values.get(name)).stream().mapToInt(Integer::intValue)
                .toArray();
    }

    public Object get(String name) {
        return values.get(name);
    }

    public Map<String, Object> asMap() {
        return values;
    }

    /** {@code units=16, bias=true}: canonical, for summaries and the architecture hash. */
    @Override
    public String toString() {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
