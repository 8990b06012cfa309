package org.prune4j.internal.prune.allocation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every tensor gets the target sparsity (the default of one-shot LLM pruning). */
public final class UniformAllocation implements SparsityAllocation {
    @Override
    public Map<String, Double> allocate(List<PrunableTensor> tensors, double target) {
        Allocations.checkTarget(target);
        Map<String, Double> out = new LinkedHashMap<>();
        for (PrunableTensor t : tensors) {
            Allocations.putUnique(out, t.name(), target);
        }
        return out;
    }

    @Override
    public String name() {
        return "uniform";
    }
}
