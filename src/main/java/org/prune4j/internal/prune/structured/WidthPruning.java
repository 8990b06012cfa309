package org.prune4j.internal.prune.structured;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.prune4j.internal.model.llama.DecoderBlock;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.nn.HookHandle;
import org.prune4j.internal.pipeline.calibrate.CalibrationSet;

/**
 * The lifecycle of the width methods (magnitude-sp, wanda-sp, FLAP) on a loaded model: statistics,
 * scores, selection, and physical removal of the chosen heads and neurons from every block.
 *
 * <ul>
 *   <li><b>magnitude-sp</b>: no data; scores from the weights.</li>
 *   <li><b>wanda-sp</b>, uniform: layer by layer as FLAP's {@code prune_wanda_sp}: layer {@code i}'s
 *       statistics are taken with it still dense but fed by the already pruned layers; it is pruned,
 *       then re-run to feed layer {@code i+1}. With the adaptive allocation the decision needs every
 *       layer's scores first, so the statistics come from one dense pass (as FLAP's).</li>
 *   <li><b>FLAP</b>: one dense pass (the dense outputs feed the next layer; nothing is pruned until all
 *       layers are measured), then selection and, with bias compensation, the removed channels' mean
 *       contribution {@code W[:, removed]·x̄[removed]} becomes the {@code o_proj}/{@code down_proj} bias
 *       (every layer gets one, zero where nothing was removed, as FLAP's {@code compress} does).</li>
 * </ul>
 */
final class WidthPruning {
    private final StructuredSettings settings;
    private final PrintStream log;

    WidthPruning(StructuredSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    /** Prunes {@code model}'s blocks in place and returns what each layer kept. */
    StructuredPlan prune(LlamaModel model, CalibrationSet calib) {
        List<DecoderBlock> blocks = model.blocks();
        List<LayerWidths> widths = blocks.stream().map(LayerWidths::of).toList();
        checkRounding(widths);
        return switch (settings.method()) {
            case MAGNITUDE_SP -> apply(model, widths, blocks.stream().map(WidthScores::magnitude).toList(), null);
            case WANDA_SP -> settings.allocation() == WidthAllocation.UNIFORM ? sequentialWanda(model, calib, widths)
                    : densePass(model, calib, widths);
            case FLAP -> densePass(model, calib, widths);
            case TAYLOR -> apply(model, widths, TaylorScores.of(model, calib,
                    settings.batch() > 0 ? settings.batch() : CalibrationPass.autoBatch(model, calib.seqLen()), settings.taylor()), null);
            default -> throw new IllegalStateException(settings.method() + " is not a width method");
        };
    }

    private void checkRounding(List<LayerWidths> widths) {
        Units.Width units = (Units.Width) settings.units();
        for (int l = 0; l < widths.size(); l++) {
            if ((units.attention() != null && widths.get(l).heads() == 0) || (units.neurons() && widths.get(l).neurons() == 0)) {
                throw new org.prune4j.UserError("layer " + l + " has no " + (widths.get(l).heads() == 0 ? "attention" : "MLP")
                        + " left: not supported yet: width pruning of a model with removed sublayers (name other --units)");
            }
            if (settings.roundTo() > widths.get(l).neurons()) {
                throw new org.prune4j.UserError("--round-to " + settings.roundTo() + ": larger than layer " + l + "'s MLP width "
                        + widths.get(l).neurons());
            }
        }
    }

    private StructuredPlan densePass(LlamaModel model, CalibrationSet calib, List<LayerWidths> widths) {
        boolean flap = settings.method() == StructuredMethod.FLAP;
        List<LayerScores> scores = new ArrayList<>();
        List<ChannelStatistics[]> stats = new ArrayList<>();
        try (CalibrationPass pass = new CalibrationPass(model, calib, settings.batch())) {
            for (DecoderBlock block : model.blocks()) {
                ChannelStatistics[] s = measure(block, pass, flap, true);
                stats.add(s);
                scores.add(flap ? WidthScores.flap(block, s[0], s[1], settings.metric()) : WidthScores.wanda(block, s[0], s[1]));
                log.printf("measured layer %d%n", block.index());
            }
        }
        return apply(model, widths, scores, flap && settings.biasCompensation() ? stats : null);
    }

    /** Runs {@code block} on the pass with hooks on o_proj and down_proj; {@code advance}: its outputs feed the next block. */
    private static ChannelStatistics[] measure(DecoderBlock block, CalibrationPass pass, boolean fluctuation, boolean advance) {
        ChannelStatistics o = new ChannelStatistics(Math.toIntExact(block.selfAttn().oProj().inFeatures()), fluctuation);
        ChannelStatistics d = new ChannelStatistics(Math.toIntExact(block.mlp().downProj().inFeatures()), fluctuation);
        try (HookHandle ho = block.selfAttn().oProj().addForwardHook(o);
                HookHandle hd = block.mlp().downProj().addForwardHook(d)) {
            if (advance) {
                pass.advance(block);
            } else {
                pass.observe(block);
            }
        }
        return new ChannelStatistics[] {o, d};
    }

    private StructuredPlan sequentialWanda(LlamaModel model, CalibrationSet calib, List<LayerWidths> widths) {
        Units.Width units = (Units.Width) settings.units();
        List<LayerPlan> plans = new ArrayList<>();
        try (CalibrationPass pass = new CalibrationPass(model, calib, settings.batch())) {
            for (DecoderBlock block : model.blocks()) {
                int l = block.index();
                ChannelStatistics[] s = measure(block, pass, false, false);
                LayerScores sc = WidthScores.wanda(block, s[0], s[1]);
                WidthSelection.Kept k = WidthSelection.select(List.of(sc), List.of(widths.get(l)), units,
                        settings.allocation(), settings.ratio(), settings.roundTo(), log).get(0);
                LayerPlan plan = new LayerPlan(k.heads(), k.neurons(), null, null);
                BlockSurgery.apply(block, plan, model.manager());
                plans.add(plan);
                pass.advance(block);
                log.printf("pruned layer %d: %d heads, %d neurons kept%n", l, k.heads().length, k.neurons().length);
            }
        }
        return new StructuredPlan(plans, new int[0]);
    }

    /** Selects over all layers, adds the compensation biases when {@code stats} is given, and cuts every block. */
    private StructuredPlan apply(LlamaModel model, List<LayerWidths> widths, List<LayerScores> scores,
            List<ChannelStatistics[]> stats) {
        Units.Width units = (Units.Width) settings.units();
        List<WidthSelection.Kept> kept = WidthSelection.select(scores, widths, units, settings.allocation(),
                settings.ratio(), settings.roundTo(), log);
        List<LayerPlan> plans = new ArrayList<>();
        for (DecoderBlock block : model.blocks()) {
            int l = block.index();
            WidthSelection.Kept k = kept.get(l);
            LayerPlan plan = new LayerPlan(k.heads(), k.neurons(), null, null);
            if (stats != null) {
                LayerWidths w = widths.get(l);
                boolean[] removedChannels = new boolean[w.heads() * w.headDim()];
                java.util.Arrays.fill(removedChannels, true);
                for (int h : k.heads()) {
                    java.util.Arrays.fill(removedChannels, h * w.headDim(), (h + 1) * w.headDim(), false);
                }
                boolean[] removedNeurons = new boolean[w.neurons()];
                java.util.Arrays.fill(removedNeurons, true);
                for (int j : k.neurons()) {
                    removedNeurons[j] = false;
                }
                plan = plan.withBiases(
                        ColumnStatistics.removedContribution(block.selfAttn().oProj(), removedChannels, stats.get(l)[0].mean()),
                        ColumnStatistics.removedContribution(block.mlp().downProj(), removedNeurons, stats.get(l)[1].mean()));
            }
            BlockSurgery.apply(block, plan, model.manager());
            plans.add(plan);
        }
        return new StructuredPlan(plans, new int[0]);
    }
}
