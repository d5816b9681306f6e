package dev.nnc.spark;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;

/**
 * Combines one value per partition in a fixed binary tree over the partition indices, so that
 * the result is the same, bit for bit, whatever the order in which tasks finish or Spark's
 * {@code treeAggregate} meets their results.
 *
 * <p>Floating-point addition is not associative: summing the gradients of partitions 0..3 as
 * (g0 + g1) + (g2 + g3) or as ((g2 + g0) + g3) + g1 gives different last bits, and Spark merges
 * results in arrival order. Here a node of the tree covers an aligned range of partitions (at
 * level L, node i covers {@code [i·2^L, (i+1)·2^L)}); a node is formed only from its two
 * children, left before right, as soon as both are present, wherever that happens. Once every
 * partition is in, the complete nodes that remain are combined from left to right. For four
 * partitions the result is always {@code (g0 + g1) + (g2 + g3)}; for three,
 * {@code (g0 + g1) + g2}.
 *
 * @param <T> the value of a partition
 */
final class FixedOrderTree<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How two values of adjacent ranges combine: left's partitions come before right's. */
    interface Combine<T> extends Serializable {
        T apply(T left, T right);
    }

    /** Nodes by (level, index), packed as level * 2^32 + index; ordered by level, then index. */
    private final TreeMap<Long, T> nodes = new TreeMap<>();

    /**
     * Combines the values of {@code perPartition} (each partition yields at most one value,
     * tagged with its index) with {@code combine}; {@code null} when no partition yields one.
     */
    static <T> T reduce(JavaRDD<Indexed<T>> perPartition, Combine<T> combine) {
        FixedOrderTree<T> all = perPartition.treeAggregate(new FixedOrderTree<T>(),
                (tree, v) -> tree.add(0, v.index(), v.value(), combine),
                (a, b) -> a.merge(b, combine), 2);
        return all.result(combine);
    }

    /** A partition's value with the partition's index. */
    record Indexed<T>(int index, T value) implements Serializable {
    }

    FixedOrderTree<T> add(int level, long index, T value, Combine<T> combine) {
        int l = level;
        long i = index;
        T v = value;
        while (true) {
            long sibling = i ^ 1;
            T other = nodes.remove(key(l, sibling));
            if (other == null) {
                nodes.put(key(l, i), v);
                return this;
            }
            v = (i & 1) == 0 ? combine.apply(v, other) : combine.apply(other, v);
            i >>= 1;
            l++;
        }
    }

    FixedOrderTree<T> merge(FixedOrderTree<T> other, Combine<T> combine) {
        for (Map.Entry<Long, T> e : other.nodes.entrySet()) {
            add((int) (e.getKey() >>> 32), e.getKey() & 0xFFFF_FFFFL, e.getValue(), combine);
        }
        return this;
    }

    /** The remaining nodes, disjoint and complete, combined from the leftmost range on. */
    T result(Combine<T> combine) {
        TreeMap<Long, T> byStart = new TreeMap<>();
        nodes.forEach((k, v) -> byStart.put((k & 0xFFFF_FFFFL) << (k >>> 32), v));
        T acc = null;
        for (T v : byStart.values()) {
            acc = acc == null ? v : combine.apply(acc, v);
        }
        return acc;
    }

    private static long key(int level, long index) {
        return ((long) level << 32) | index;
    }
}
