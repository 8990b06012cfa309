package org.prune4j.internal.pipeline.prune;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.prune4j.internal.model.llama.BlockRunner;
import org.prune4j.internal.model.llama.DecoderBlock;
import org.prune4j.internal.nn.HookHandle;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.prune.InputStatistics;
import org.prune4j.internal.prune.method.PruningMethod;

/**
 * Accumulates a method's {@link InputStatistics} for the Linears of one block: forward hooks feed them
 * while the runner passes every calibration batch through the still-unchanged block. Linears whose
 * hooks see the very same input array (q/k/v, gate/up) share one statistics object, fed once per batch.
 */
final class InputStatisticsCollector implements AutoCloseable {
    private final Map<Linear, InputStatistics> assigned = new IdentityHashMap<>();

    private InputStatisticsCollector() {}

    /** Runs {@code block} over the runner's activations and returns the statistics of {@code linears}. */
    static InputStatisticsCollector collect(PruningMethod method, DecoderBlock block, Collection<Linear> linears,
            BlockRunner runner) {
        InputStatisticsCollector c = new InputStatisticsCollector();
        List<HookHandle> handles = new ArrayList<>();
        Map<NDArray, InputStatistics> byInput = new IdentityHashMap<>();
        Set<InputStatistics> fed = Collections.newSetFromMap(new IdentityHashMap<>());
        try {
            for (Linear l : linears) {
                handles.add(l.addForwardHook((module, input, output) -> {
                    InputStatistics s = c.assigned.get(l);
                    if (s == null) {
                        s = byInput.computeIfAbsent(input,
                                x -> method.newStatistics(runner.activationManager(), (int) l.inFeatures()));
                        c.assigned.put(l, s);
                    }
                    if (fed.add(s)) {
                        s.add(input);
                    }
                }));
            }
            runner.observe(block, () -> {
                fed.clear();
                byInput.clear();
            });
        } catch (RuntimeException e) {
            c.close();
            throw e;
        } finally {
            handles.forEach(HookHandle::close);
        }
        return c;
    }

    /** The statistics of {@code layer}. */
    InputStatistics of(Linear layer) {
        InputStatistics s = assigned.get(layer);
        if (s == null) {
            throw new IllegalStateException("no calibration input reached a Linear of the block");
        }
        return s;
    }

    @Override
    public void close() {
        Set<InputStatistics> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        distinct.addAll(assigned.values());
        distinct.forEach(InputStatistics::close);
    }
}
