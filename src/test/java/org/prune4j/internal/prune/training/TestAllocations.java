package org.prune4j.internal.prune.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.internal.prune.allocation.PrunableTensor;
import org.prune4j.internal.prune.allocation.SparsityAllocation;

/** Minimal uniform and global-threshold allocations for tests of the methods (the product's live elsewhere). */
final class TestAllocations {
    private TestAllocations() {}

    static final SparsityAllocation UNIFORM = new SparsityAllocation() {
        @Override
        public Map<String, Double> allocate(List<PrunableTensor> tensors, double target) {
            Map<String, Double> out = new LinkedHashMap<>();
            tensors.forEach(t -> out.put(t.name(), target));
            return out;
        }

        @Override
        public String name() {
            return "uniform";
        }
    };

    static final SparsityAllocation GLOBAL = new SparsityAllocation() {
        @Override
        public Map<String, Double> allocate(List<PrunableTensor> tensors, double target) {
            List<float[]> scores = new ArrayList<>();
            long total = 0;
            for (PrunableTensor t : tensors) {
                scores.add(t.scores().get());
                total += t.numel();
            }
            long[] keys = new long[(int) total];
            int at = 0;
            for (int ti = 0; ti < scores.size(); ti++) {
                for (float v : scores.get(ti)) {
                    keys[at++] = ((long) MaskSelection.sortable(v) << 32) | ti;
                }
            }
            java.util.Arrays.sort(keys);
            long k = Math.round(target * total);
            long[] pruned = new long[tensors.size()];
            for (int i = 0; i < k; i++) {
                pruned[(int) (keys[i] & 0xffffffffL)]++;
            }
            Map<String, Double> out = new LinkedHashMap<>();
            for (int i = 0; i < tensors.size(); i++) {
                out.put(tensors.get(i).name(), Math.min(pruned[i] / (double) tensors.get(i).numel(), Math.nextDown(1.0)));
            }
            return out;
        }

        @Override
        public String name() {
            return "global";
        }
    };
}
