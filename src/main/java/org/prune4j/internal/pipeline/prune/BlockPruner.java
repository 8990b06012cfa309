package org.prune4j.internal.pipeline.prune;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.prune4j.UserError;
import org.prune4j.internal.model.llama.BlockRunner;
import org.prune4j.internal.model.llama.BlockSource;
import org.prune4j.internal.model.llama.DecoderBlock;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.model.llama.LlamaTensorNames;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.pipeline.calibrate.CalibrationSet;
import org.prune4j.internal.prune.PruningMask;
import org.prune4j.internal.prune.SparsityPattern;
import org.prune4j.internal.prune.method.PruningMethod;
import org.prune4j.internal.prune.method.PruningOutcome;
import org.prune4j.internal.report.ProgressBar;

/**
 * Prunes the Linear layers of a Llama-family model block by block with any {@link PruningMethod}, as the
 * SparseGPT and Wanda reference implementations do:
 * <ol>
 *   <li>the calibration sequences are embedded; these are the inputs of block 0;</li>
 *   <li>for block {@code i}: forward hooks on its Linears accumulate the method's statistics while the
 *       still-dense block runs on all calibration sequences (in batches);</li>
 *   <li>all of the block's Linears are pruned from those statistics;</li>
 *   <li>the pruned block runs again on the same inputs; its outputs are the inputs of block {@code i+1}.</li>
 * </ol>
 * Data-free methods visit the blocks without any forward pass. The loop itself is {@link BlockRunner}.
 */
public final class BlockPruner {
    private final PruningMethod method;
    private final int batchSize;

    /**
     * @param method what to prune and how
     * @param batchSize calibration sequences per forward pass
     */
    public BlockPruner(PruningMethod method, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive");
        }
        this.method = method;
        this.batchSize = batchSize;
    }

    /**
     * Prunes every Linear of every block of {@code blocks} with the pattern {@code patternOf} gives for
     * its weight's canonical name ({@code model.layers.3.mlp.up_proj.weight}); each matrix's mask goes to
     * {@code masks} as soon as it is decided. {@code frame} supplies the embedding and rotary tables (a
     * {@link LlamaModel#loadShell shell} is enough). {@code calibration} may be null for data-free methods.
     */
    public void prune(LlamaModel frame, BlockSource blocks, CalibrationSet calibration,
            Function<String, SparsityPattern> patternOf, BiConsumer<String, PruningMask> masks) {
        if (method.needsCalibration() && calibration == null) {
            throw new IllegalArgumentException(method.name() + " needs calibration data");
        }
        try (BlockRunner runner = method.needsCalibration()
                        ? BlockRunner.embed(frame, calibration.ids(), calibration.rows(), calibration.seqLen(), batchSize)
                        : BlockRunner.withoutActivations(frame);
                ProgressBar bar = ProgressBar.start("pruning blocks", blocks.size())) {
            runner.forEachBlock(blocks, bar, (block, r) -> {
                Map<String, Linear> linears = linears(block);
                if (!r.hasActivations()) {
                    linears.forEach((rel, l) -> pruneLinear(block, rel, l, null, patternOf, masks));
                    return true;
                }
                try (InputStatisticsCollector stats = InputStatisticsCollector.collect(method, block, linears.values(), r)) {
                    linears.forEach((rel, l) -> pruneLinear(block, rel, l, stats, patternOf, masks));
                }
                r.advance(block);
                return true;
            });
        }
    }

    /** The same, returning the masks by weight name (small models and tests). */
    public Map<String, PruningMask> prune(LlamaModel frame, BlockSource blocks, CalibrationSet calibration,
            Function<String, SparsityPattern> patternOf) {
        Map<String, PruningMask> out = new LinkedHashMap<>();
        prune(frame, blocks, calibration, patternOf, out::put);
        return out;
    }

    private void pruneLinear(DecoderBlock block, String rel, Linear layer, InputStatisticsCollector stats,
            Function<String, SparsityPattern> patternOf, BiConsumer<String, PruningMask> masks) {
        String name = LlamaTensorNames.linearWeight(block.index(), rel);
        Parameter w = layer.weight();
        PruningOutcome outcome = method.prune(rel, w.value(), stats == null ? null : stats.of(layer),
                patternOf.apply(name));
        switch (outcome) {
            case PruningOutcome.Masked m -> {
                m.mask().applyTo(w);
                masks.accept(name, m.mask());
            }
            case PruningOutcome.Reconstructed r -> {
                w.setValue(r.newWeight().apply(w.value().getManager()));
                r.mask().applyTo(w);
                masks.accept(name, r.mask());
            }
            case PruningOutcome.Removed removed -> throw new UserError("--method " + method.name()
                    + ": removing whole units of " + name + " is not supported yet by the LLM pruning job");
        }
    }

    /** The block's Linear layers by path relative to the block ({@code self_attn.q_proj}). */
    static Map<String, Linear> linears(DecoderBlock block) {
        Map<String, Linear> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> e : block.namedModules().entrySet()) {
            if (e.getValue() instanceof Linear l) {
                out.put(e.getKey(), l);
            }
        }
        return out;
    }
}
