package org.prune4j.internal.pipeline.prune;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ObjIntConsumer;
import org.prune4j.internal.model.llama.BlockRunner;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaTensorNames;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.pipeline.calibrate.CalibrationSet;
import org.prune4j.internal.pipeline.load.WorkingModel;
import org.prune4j.internal.prune.allocation.GlobalAllocation;
import org.prune4j.internal.prune.allocation.OwlAllocation;
import org.prune4j.internal.prune.allocation.PrunableTensor;
import org.prune4j.internal.prune.allocation.SparsityAllocation;
import org.prune4j.internal.prune.method.WandaMethod;
import org.prune4j.internal.prune.oneshot.Wanda;
import org.prune4j.internal.prune.oneshot.WandaStatistics;
import org.prune4j.internal.report.ProgressBar;

/** The allocation step: per-matrix sparsities from the dense model, before any matrix is pruned. */
public final class SparsityAllocator {
    private final PrintStream log;

    /** An allocator that prints one line about the allocation it ran to {@code log}. */
    public SparsityAllocator(PrintStream log) {
        this.log = log;
    }

    /** The patterns {@code spec} gives the matrices of {@code model} (still dense). */
    public MatrixPatterns allocate(PruningSpec spec, WorkingModel model, CalibrationSet calib, int batchSize) {
        double target = spec.pattern().sparsity();
        LlamaCheckpoint dense = model.checkpoint();
        AllocationSpec a = spec.allocation();
        return switch (a.kind()) {
            case UNIFORM -> MatrixPatterns.uniform(spec.pattern());
            case GLOBAL -> {
                List<PrunableTensor> tensors = new ArrayList<>();
                forEachPrunable(dense, (name, block) -> tensors.add(new PrunableTensor(name, block,
                        dense.tensor(name).shape(), () -> abs(dense.tensor(name).toFloats()))));
                yield new MatrixPatterns(spec.pattern(), run(new GlobalAllocation(a.minDensity()), tensors, target));
            }
            case OWL -> {
                Map<String, WandaStatistics> stats = denseWandaStatistics(model, calib, batchSize);
                List<PrunableTensor> tensors = new ArrayList<>();
                forEachPrunable(dense, (name, block) -> {
                    long[] shape = dense.tensor(name).shape();
                    tensors.add(new PrunableTensor(name, block, shape, () -> Wanda.metric(dense.tensor(name).toFloats(),
                            (int) shape[0], (int) shape[1], stats.get(name).scalerRow())));
                });
                yield new MatrixPatterns(spec.pattern(), run(new OwlAllocation(a.owlM(), a.owlLambda()), tensors, target));
            }
        };
    }

    /**
     * Runs the dense model block by block on the calibration data and returns Wanda's statistics for
     * every Linear, keyed by weight name — the first pass of OWL, which scores every block of the dense
     * model before any pruning. Blocks are not changed.
     */
    static Map<String, WandaStatistics> denseWandaStatistics(WorkingModel model, CalibrationSet calib, int batchSize) {
        Map<String, WandaStatistics> out = new LinkedHashMap<>();
        WandaMethod wanda = new WandaMethod();
        try (BlockRunner runner = BlockRunner.embed(model.frame(), calib.ids(), calib.rows(), calib.seqLen(), batchSize);
                ProgressBar bar = ProgressBar.start("scoring blocks", model.blocks().size())) {
            runner.forEachBlock(model.blocks(), bar, (block, r) -> {
                Map<String, Linear> linears = BlockPruner.linears(block);
                InputStatisticsCollector stats = InputStatisticsCollector.collect(wanda, block, linears.values(), r);
                linears.forEach((rel, l) -> out.put(LlamaTensorNames.linearWeight(block.index(), rel),
                        (WandaStatistics) stats.of(l)));
                r.advance(block);
                return false;
            });
        }
        return out;
    }

    private static void forEachPrunable(LlamaCheckpoint ckpt, ObjIntConsumer<String> action) {
        for (int b = 0; b < ckpt.config().numLayers(); b++) {
            for (String rel : LlamaTensorNames.BLOCK_LINEARS) {
                action.accept(LlamaTensorNames.linearWeight(b, rel), b);
            }
        }
    }

    private Map<String, Double> run(SparsityAllocation a, List<PrunableTensor> tensors, double target) {
        Map<String, Double> out = a.allocate(tensors, target);
        log.printf(Locale.ROOT, "%s allocation for target %.4f%n", a.name(), target);
        return out;
    }

    private static float[] abs(float[] w) {
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.abs(w[i]);
        }
        return w;
    }
}
