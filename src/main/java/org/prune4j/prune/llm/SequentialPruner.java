package org.prune4j.prune.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.prune4j.model.llama.AttentionContext;
import org.prune4j.model.llama.BlockSource;
import org.prune4j.model.llama.DecoderBlock;
import org.prune4j.model.llama.LlamaModel;
import org.prune4j.nn.HookHandle;
import org.prune4j.nn.Linear;
import org.prune4j.nn.Module;
import org.prune4j.nn.Parameter;
import org.prune4j.prune.PruningMask;
import org.prune4j.prune.SparsityPattern;
import org.prune4j.prune.oneshot.Dsnot;
import org.prune4j.prune.oneshot.Magnitude;
import org.prune4j.prune.oneshot.SparseGpt;
import org.prune4j.prune.oneshot.Wanda;
import org.prune4j.prune.oneshot.WandaStatistics;
import org.prune4j.report.ProgressBar;

/**
 * Prunes the Linear layers of a Llama-family model block by block, as the SparseGPT and Wanda
 * reference implementations do:
 * <ol>
 *   <li>the calibration sequences are embedded; these are the inputs of block 0;</li>
 *   <li>for block {@code i}: forward hooks on its Linears accumulate the method's statistics while the
 *       still-dense block runs on all calibration sequences (in batches);</li>
 *   <li>all of the block's Linears are pruned from those statistics;</li>
 *   <li>the pruned block runs again on the same inputs; its outputs are the inputs of block {@code i+1}.</li>
 * </ol>
 * With a streamed {@link BlockSource} peak memory is one block's weights and statistics, the embedding
 * and classifier, and the calibration activations twice (inputs and outputs of the current block);
 * never all blocks' activations, nor all blocks' weights.
 */
public final class SequentialPruner {
    private final OneShotMethod method;
    private final SparseGpt sparseGpt;
    private final int batchSize;
    private final Dsnot.Settings dsnot;

    /**
     * @param method the criterion
     * @param sparseGpt SparseGPT's settings (block size, dampening), used when {@code method} is SparseGPT
     * @param batchSize calibration sequences per forward pass
     */
    public SequentialPruner(OneShotMethod method, SparseGpt sparseGpt, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive");
        }
        this.method = method;
        this.sparseGpt = sparseGpt;
        this.batchSize = batchSize;
        this.dsnot = Dsnot.Settings.defaults(Dsnot.InitialMask.WANDA);
    }

    private SequentialPruner(OneShotMethod method, SparseGpt sparseGpt, int batchSize, Dsnot.Settings dsnot) {
        this.method = method;
        this.sparseGpt = sparseGpt;
        this.batchSize = batchSize;
        this.dsnot = dsnot;
    }

    /** DSnoT's settings, used when the method is DSnoT (default: {@link Dsnot.Settings#defaults} over Wanda). */
    public SequentialPruner withDsnot(Dsnot.Settings settings) {
        return new SequentialPruner(method, sparseGpt, batchSize, settings);
    }

    /**
     * Prunes every Linear of every block of a loaded model with the pattern {@code patternOf} gives for
     * its weight's canonical name ({@code model.layers.3.mlp.up_proj.weight}). Returns the masks by that
     * name. {@code calibration} may be null for magnitude pruning.
     */
    public Map<String, PruningMask> prune(LlamaModel model, CalibrationSet calibration,
            Function<String, SparsityPattern> patternOf) {
        return prune(model, BlockSource.resident(model), calibration, patternOf);
    }

    /**
     * The same over any source of blocks: {@code frame} supplies the embedding and rotary tables (a
     * {@link LlamaModel#loadShell shell} is enough), {@code blocks} one block at a time.
     */
    public Map<String, PruningMask> prune(LlamaModel frame, BlockSource blocks, CalibrationSet calibration,
            Function<String, SparsityPattern> patternOf) {
        Map<String, PruningMask> masks = new LinkedHashMap<>();
        if (method.needsCalibration() && calibration == null) {
            throw new IllegalArgumentException(method.cliName() + " needs calibration data");
        }
        if (!method.needsCalibration()) {
            calibration = null; // data-free: no forward passes at all
        }
        try (NDManager acts = NDManager.newBaseManager(frame.manager().getDevice());
                ProgressBar bar = ProgressBar.start("pruning blocks", blocks.size())) {
            AttentionContext ctx = calibration == null ? null : AttentionContext.causal(frame, acts, calibration.seqLen());
            List<NDArray> hidden = calibration == null ? null : embed(frame, calibration, acts);
            for (int i = 0; i < blocks.size(); i++) {
                try (NDManager blockWeights = frame.manager().newSubManager()) {
                    DecoderBlock block = blocks.open(i, blockWeights);
                    Map<String, Linear> linears = linears(block);
                    if (calibration == null) {
                        for (Map.Entry<String, Linear> e : linears.entrySet()) {
                            String name = weightName(block, e.getKey());
                            Parameter w = e.getValue().weight();
                            PruningMask mask = Magnitude.mask(w.value(), patternOf.apply(name));
                            setMask(w, mask);
                            masks.put(name, mask);
                        }
                    } else {
                        Map<Linear, LayerStatistics> stats = collect(block, linears.values(), hidden, ctx, acts);
                        try {
                            for (Map.Entry<String, Linear> e : linears.entrySet()) {
                                String name = weightName(block, e.getKey());
                                masks.put(name, pruneLinear(e.getKey(), e.getValue(), stats.get(e.getValue()),
                                        patternOf.apply(name)));
                            }
                        } finally {
                            Set<LayerStatistics> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
                            distinct.addAll(stats.values());
                            distinct.forEach(LayerStatistics::close);
                        }
                        hidden = runBlock(block, hidden, ctx, acts);
                    }
                    blocks.save(block);
                }
                bar.step();
            }
        }
        return masks;
    }

    /**
     * Runs the dense model block by block on the calibration data and returns Wanda's statistics for
     * every Linear, keyed by weight name — the first pass of OWL, which scores every block of the
     * dense model before any pruning. Blocks are not changed.
     */
    public static Map<String, WandaStatistics> denseWandaStatistics(LlamaModel frame, BlockSource blocks,
            CalibrationSet calibration, int batchSize) {
        Map<String, WandaStatistics> out = new LinkedHashMap<>();
        SequentialPruner collector = new SequentialPruner(OneShotMethod.WANDA, null, batchSize);
        try (NDManager acts = NDManager.newBaseManager(frame.manager().getDevice());
                ProgressBar bar = ProgressBar.start("scoring blocks", blocks.size())) {
            AttentionContext ctx = AttentionContext.causal(frame, acts, calibration.seqLen());
            List<NDArray> hidden = collector.embed(frame, calibration, acts);
            for (int i = 0; i < blocks.size(); i++) {
                try (NDManager blockWeights = frame.manager().newSubManager()) {
                    DecoderBlock block = blocks.open(i, blockWeights);
                    Map<String, Linear> linears = linears(block);
                    Map<Linear, LayerStatistics> stats = collector.collect(block, linears.values(), hidden, ctx, acts);
                    linears.forEach((rel, l) -> out.put(weightName(block, rel),
                            ((LayerStatistics.Wanda) stats.get(l)).stats()));
                    hidden = collector.runBlock(block, hidden, ctx, acts);
                }
                bar.step();
            }
        }
        return out;
    }

    private PruningMask pruneLinear(String path, Linear layer, LayerStatistics stats, SparsityPattern pattern) {
        Parameter w = layer.weight();
        return switch (stats) {
            case LayerStatistics.Wanda s -> {
                PruningMask mask = Wanda.mask(w.value(), s.stats(), pattern);
                setMask(w, mask);
                yield mask;
            }
            case LayerStatistics.Dsnot d -> {
                Dsnot.Settings settings = dsnot;
                int[] rc = {Math.toIntExact(layer.outFeatures()), Math.toIntExact(layer.inFeatures())};
                PruningMask mask = Dsnot.prune(w.value().toFloatArray(), rc[0], rc[1], d.stats().snapshot(), pattern,
                        settings, settings.skip().refines(path)).mask();
                setMask(w, mask);
                yield mask;
            }
            case LayerStatistics.Hessian h -> {
                SparseGpt.Result r = sparseGpt.prune(w.value(), h.stats(), pattern);
                w.setValue(r.weight(w.value().getManager()));
                setMask(w, r.mask());
                yield r.mask();
            }
        };
    }

    private static void setMask(Parameter p, PruningMask mask) {
        try (NDManager scope = p.value().getManager().newSubManager()) {
            p.setMask(mask.keepMask(scope));
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

    static String weightName(DecoderBlock block, String relative) {
        return "model.layers." + block.index() + "." + relative + ".weight";
    }

    /** Embeds the calibration rows in batches; the arrays live in {@code acts}. */
    private List<NDArray> embed(LlamaModel model, CalibrationSet calibration, NDManager acts) {
        List<NDArray> out = new ArrayList<>();
        for (int from = 0; from < calibration.rows(); from += batchSize) {
            int to = Math.min(calibration.rows(), from + batchSize);
            try (NDManager scope = acts.newSubManager()) {
                NDArray h = model.embed(scope, calibration.rows(scope, from, to));
                h.attach(acts);
                out.add(h);
            }
        }
        return out;
    }

    /**
     * Runs the dense block on every batch with hooks that feed the statistics. Linears whose hooks see
     * the very same input array (q/k/v, gate/up) share one statistics object, fed once per batch.
     */
    private Map<Linear, LayerStatistics> collect(DecoderBlock block, java.util.Collection<Linear> linears,
            List<NDArray> hidden, AttentionContext ctx, NDManager acts) {
        Map<Linear, LayerStatistics> assigned = new IdentityHashMap<>();
        List<HookHandle> handles = new ArrayList<>();
        Map<NDArray, LayerStatistics> byInput = new IdentityHashMap<>();
        Set<LayerStatistics> fed = Collections.newSetFromMap(new IdentityHashMap<>());
        try {
            for (Linear l : linears) {
                handles.add(l.addForwardHook((module, input, output) -> {
                    LayerStatistics s = assigned.get(l);
                    if (s == null) {
                        s = byInput.computeIfAbsent(input,
                                x -> LayerStatistics.create(method, acts, (int) l.inFeatures()));
                        assigned.put(l, s);
                    }
                    if (fed.add(s)) {
                        s.add(input);
                    }
                }));
            }
            for (NDArray h : hidden) {
                fed.clear();
                byInput.clear();
                try (NDManager scope = acts.newSubManager()) {
                    h.tempAttach(scope);
                    block.forward(h, ctx);
                }
            }
        } finally {
            handles.forEach(HookHandle::close);
        }
        return assigned;
    }

    /** Runs the block on every batch and returns the outputs (the old inputs are closed). */
    private List<NDArray> runBlock(DecoderBlock block, List<NDArray> hidden, AttentionContext ctx, NDManager acts) {
        List<NDArray> out = new ArrayList<>(hidden.size());
        for (NDArray h : hidden) {
            try (NDManager scope = acts.newSubManager()) {
                h.tempAttach(scope);
                NDArray y = block.forward(h, ctx);
                y.attach(acts);
                out.add(y);
            }
            h.close();
        }
        return out;
    }
}
