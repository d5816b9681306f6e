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

    /**
     * Runs {@code task} on every partition of {@code input} and combines the values it yields
     * (at most one per partition, tagged with the partition's index) with {@code combine}, as
     * {@link #reduce(JavaRDD, Combine)} of {@code input.mapPartitionsWithIndex(task)} does;
     * {@code null} when no partition yields one.
     *
     * <p>Up to {@link #DIRECT_PARTITIONS} partitions, one job whose tasks send their values
     * straight to the driver, which adds each to the tree as it arrives: what
     * {@code treeAggregate} of depth 2 does for so few partitions too, without the closures of
     * {@code mapPartitionsWithIndex} and {@code treeAggregate}, which Spark's closure cleaner
     * reads from their class files (with ASM) for every job. NOTE: fast mode runs a job per
     * round and exact mode one per step; on {@code local[2]} the cleaning, and the JIT
     * compiling it while the first epochs trained, took CPU time from the two tasks. More
     * partitions go through {@code treeAggregate}, which sums on the executors.
     */
    static <B, T> T reduce(JavaRDD<B> input, org.apache.spark.api.java.function.Function2<
            Integer, java.util.Iterator<B>, java.util.Iterator<Indexed<T>>> task,
            Combine<T> combine) {
        int parts = input.getNumPartitions();
        if (parts > DIRECT_PARTITIONS) {
            return reduce(input.mapPartitionsWithIndex(task, true), combine);
        }
        FixedOrderTree<T> tree = new FixedOrderTree<>();
        java.util.List<Object> all = new java.util.ArrayList<>(parts);
        for (int i = 0; i < parts; i++) {
            all.add(i);
        }
        input.context().runJob(input.rdd(), new RunTask<B, T>(task),
                scala.jdk.javaapi.CollectionConverters.asScala(all).toSeq(),
                new AddToTree<T>(tree, combine),
                scala.reflect.ClassTag$.MODULE$.apply(java.util.ArrayList.class));
        return tree.result(combine);
    }

    /**
     * The most partitions {@link #reduce(JavaRDD, org.apache.spark.api.java.function.Function2,
     * Combine)} collects on the driver directly: {@code treeAggregate} of depth 2 adds a level on
     * the executors from 6 partitions on.
     */
    static final int DIRECT_PARTITIONS = 5;

    /**
     * A task of the direct job: the partition's values as a list. A named class, not a lambda,
     * so that Spark's closure cleaner leaves it alone.
     */
    private static final class RunTask<B, T> extends scala.runtime.AbstractFunction2<
            org.apache.spark.TaskContext, scala.collection.Iterator<B>,
            java.util.ArrayList<Indexed<T>>> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final org.apache.spark.api.java.function.Function2<Integer,
                java.util.Iterator<B>, java.util.Iterator<Indexed<T>>> task;

        RunTask(org.apache.spark.api.java.function.Function2<Integer, java.util.Iterator<B>,
                java.util.Iterator<Indexed<T>>> task) {
            this.task = task;
        }

        @Override
        public java.util.ArrayList<Indexed<T>> apply(org.apache.spark.TaskContext tc,
                scala.collection.Iterator<B> it) {
            java.util.ArrayList<Indexed<T>> out = new java.util.ArrayList<>(1);
            try {
                task.call(tc.partitionId(), scala.jdk.javaapi.CollectionConverters.asJava(it))
                        .forEachRemaining(out::add);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return out;
        }
    }

    /** Adds each task's values to the tree on the driver, as the task's result arrives. */
    private static final class AddToTree<T> extends scala.runtime.AbstractFunction2<Object,
            java.util.ArrayList<Indexed<T>>, scala.runtime.BoxedUnit> {
        private final FixedOrderTree<T> tree;
        private final Combine<T> combine;

        AddToTree(FixedOrderTree<T> tree, Combine<T> combine) {
            this.tree = tree;
            this.combine = combine;
        }

        @Override
        public scala.runtime.BoxedUnit apply(Object partition,
                java.util.ArrayList<Indexed<T>> values) {
            synchronized (tree) {
                for (Indexed<T> v : values) {
                    tree.add(0, v.index(), v.value(), combine);
                }
            }
            return scala.runtime.BoxedUnit.UNIT;
        }
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
