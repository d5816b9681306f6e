package dev.nnc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whatever order partition values arrive in, and however Spark groups them before merging, the
 * tree combines them in one fixed shape.
 */
class FixedOrderTreeTest {
    /** Records the shape of the combination: "(a+b)". */
    private static final FixedOrderTree.Combine<String> SHAPE = (a, b) -> "(" + a + "+" + b + ")";

    @Test
    void theShapeIsFixedByThePartitionIndices() {
        // complete nodes [0,4), [4,6) and leaf 6 remain, combined from the left
        assertEquals("((((0+1)+(2+3))+(4+5))+6)", combine(7, new Random(1)));
        assertEquals("((0+1)+2)", combine(3, new Random(2)));
        assertEquals("0", combine(1, new Random(3)));
    }

    @Test
    void arrivalOrderAndGroupingChangeNoBit() {
        // Float sums of values of very different sizes: any other order gives other bits.
        float[] v = new float[13];
        Random r = new Random(4);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(8) - 4));
        }
        FixedOrderTree.Combine<float[]> sum = (a, b) -> new float[] {a[0] + b[0]};
        Integer first = null;
        for (int trial = 0; trial < 200; trial++) {
            Random order = new Random(trial);
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < v.length; i++) {
                idx.add(i);
            }
            Collections.shuffle(idx, order);
            // split the arrivals into a few groups merged in random order, as treeAggregate does
            List<FixedOrderTree<float[]>> groups = new ArrayList<>();
            for (int g = 0; g < 1 + order.nextInt(4); g++) {
                groups.add(new FixedOrderTree<>());
            }
            for (int i : idx) {
                groups.get(order.nextInt(groups.size())).add(0, i, new float[] {v[i]}, sum);
            }
            Collections.shuffle(groups, order);
            FixedOrderTree<float[]> all = new FixedOrderTree<>();
            for (FixedOrderTree<float[]> g : groups) {
                all.merge(g, sum);
            }
            int bits = Float.floatToIntBits(all.result(sum)[0]);
            if (first == null) {
                first = bits;
            }
            assertEquals(first, bits, "trial " + trial);
        }
    }

    @Test
    void aJobGivesTheFixedShapeWithFewAndManyPartitions() {
        // up to DIRECT_PARTITIONS straight to the driver, more through treeAggregate
        for (int parts : new int[] {1, 3, FixedOrderTree.DIRECT_PARTITIONS,
            FixedOrderTree.DIRECT_PARTITIONS + 2}) {
            List<Integer> rows = new ArrayList<>();
            for (int i = 0; i < parts; i++) {
                rows.add(i);
            }
            String got = FixedOrderTree.reduce(TestSpark.jsc().parallelize(rows, parts),
                    (p, it) -> {
                        List<FixedOrderTree.Indexed<String>> one = new ArrayList<>();
                        one.add(new FixedOrderTree.Indexed<>(p, Integer.toString(it.next())));
                        return one.iterator();
                    }, SHAPE);
            assertEquals(combine(parts, new Random(parts)), got, parts + " partitions");
        }
    }

    private static String combine(int n, Random order) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            idx.add(i);
        }
        Collections.shuffle(idx, order);
        FixedOrderTree<String> a = new FixedOrderTree<>();
        FixedOrderTree<String> b = new FixedOrderTree<>();
        for (int k = 0; k < n; k++) {
            (k % 2 == 0 ? a : b).add(0, idx.get(k), Integer.toString(idx.get(k)), SHAPE);
        }
        return b.merge(a, SHAPE).result(SHAPE);
    }
}
