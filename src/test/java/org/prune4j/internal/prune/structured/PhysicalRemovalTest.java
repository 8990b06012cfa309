package org.prune4j.internal.prune.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.prune4j.internal.io.hf.LayerShape;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.pipeline.calibrate.CalibrationSet;

/**
 * For every method and unit kind, the physically pruned model (smaller matrices, key/value heads laid
 * out for GQA, layers dropped) gives the same logits, within 1e-5, as the original model with the
 * removed units masked out plus the compensation biases.
 */
class PhysicalRemovalTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @ParameterizedTest(name = "{0} --units {1} --allocation {2} ({3})")
    @CsvSource(delimiter = ';', value = {
            "magnitude-sp; heads,neurons; uniform; 0.5",
            "magnitude-sp; kv-groups,neurons; adaptive; 0.4",
            "wanda-sp; query-heads,neurons; uniform; 0.5",
            "wanda-sp; heads; adaptive; 0.4",
            "flap; heads,neurons; adaptive; 0.5",
            "flap; kv-groups; uniform; 0.5",
            "flap; query-heads,neurons; adaptive; 0.3",
            "flap; neurons; uniform; 0.5",
            "taylor; heads,neurons; uniform; 0.3",
            "taylor; kv-groups,neurons; adaptive; 0.4",
            "block-influence; layers; -; 2",
            "block-influence; attention; -; 2",
            "block-influence; mlp; -; 1",
            "angular; layers; -; 2"})
    void physicallyPrunedEqualsMasked(String method, String units, String allocation, String amount) {
        StructuredMethod m = StructuredMethod.parse(method);
        StructuredSettings s = m.removesWidth()
                ? StructuredSettings.defaults(m, Double.parseDouble(amount), 0)
                        .with(Units.parse(units, m), WidthAllocation.parse(allocation), 1)
                : StructuredSettings.defaults(m, 0, Integer.parseInt(amount)).with(Units.parse(units, m), WidthAllocation.UNIFORM, 1);
        s = s.withBatch(4);
        LlamaCheckpoint dense = StructuredFixtures.gqa();
        CalibrationSet calib = StructuredFixtures.calib(16);
        int[][] rows = Arrays.stream(StructuredFixtures.evalRows()).limit(3).map(r -> Arrays.copyOf(r, 96)).toArray(int[][]::new);
        try (NDManager mgr = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(dense, mgr);
            StructuredPlan plan = new StructuredPruner(s, QUIET).prune(model, calib);
            LlamaCheckpoint pruned = StructuredPruner.checkpoint(model, plan);
            float[] physical = StructuredFixtures.logits(pruned, rows);
            float[] masked = StructuredFixtures.logits(StructuredFixtures.masked(dense, plan), rows);
            assertEquals(masked.length, physical.length);
            double max = 0;
            for (int i = 0; i < masked.length; i++) {
                max = Math.max(max, Math.abs(masked[i] - physical[i]));
            }
            assertTrue(max <= 1e-5, "max |logit difference| " + max);
            List<LayerShape> shapes = LayerShape.of(pruned);
            assertEquals(5 - plan.removedLayers().length, shapes.size());
            long before = dense.tensors().values().stream().mapToLong(t -> t.numel()).sum();
            long after = pruned.tensors().values().stream().mapToLong(t -> t.numel()).sum();
            assertTrue(after < before, "the pruned model is smaller: " + after + " of " + before);
            if (units.contains("query-heads") || units.contains("kv-groups")) {
                for (LayerShape sh : shapes) {
                    int groupSize = units.contains("kv-groups") ? 2 : sh.numKvHeads() == 0 ? 0 : sh.numHeads() / sh.numKvHeads();
                    if (units.contains("kv-groups")) {
                        assertEquals(2 * sh.numKvHeads(), sh.numHeads(), "whole groups keep the group size: " + shapes);
                    } else {
                        assertEquals(4, sh.numKvHeads(), "query-head units keep every KV head: " + shapes);
                    }
                    assertTrue(groupSize >= 0);
                }
            }
        }
    }
}
