package org.prune4j.internal.experiment;

import org.prune4j.UserError;
import org.prune4j.internal.prune.allocation.ErdosRenyiKernelAllocation;
import org.prune4j.internal.prune.allocation.GlobalAllocation;
import org.prune4j.internal.prune.allocation.LampAllocation;
import org.prune4j.internal.prune.allocation.SparsityAllocation;
import org.prune4j.internal.prune.allocation.UniformAllocation;

/** The allocations an experiment can name: layerwise (uniform), global, erk, lamp. */
final class AllocationChoice {
    private AllocationChoice() {}

    static SparsityAllocation of(String name) {
        return switch (name) {
            case "layerwise" -> new UniformAllocation();
            case "global" -> new GlobalAllocation();
            case "erk" -> new ErdosRenyiKernelAllocation();
            case "lamp" -> new LampAllocation();
            default -> throw new UserError("--allocation " + name + ": expected layerwise, global, erk or lamp");
        };
    }
}
