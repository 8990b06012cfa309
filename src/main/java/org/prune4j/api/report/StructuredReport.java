package org.prune4j.api.report;

import java.util.List;
import java.util.Map;

/**
 * The report of a structured run (JSON keys in snake_case: {@code dense_ppl}, {@code pruned_ppl},
 * {@code params_before}, {@code params_after}, {@code macs_per_token_before}, …), with what every layer
 * kept in the original numbering so the run can be audited and replayed.
 *
 * @param model the {@code --model} argument
 * @param output where the pruned model was written, or null
 * @param format {@code hf} or {@code llama2c}
 * @param method the method
 * @param units what was removed
 * @param allocation uniform or adaptive (width methods), else null
 * @param metric FLAP's metric, else null
 * @param ratio the requested fraction of block parameters ({@code 0} when {@code --layers} was given)
 * @param biasCompensation whether o_proj/down_proj biases were added
 * @param calibration where the calibration rows came from, or null
 * @param evaluation where the evaluation rows came from, or null
 * @param densePpl perplexity before pruning, or null
 * @param prunedPpl perplexity of the physically pruned model, or null
 * @param paramsBefore every parameter before
 * @param paramsAfter every parameter after
 * @param blockParamsBefore decoder-block Linear weights before
 * @param blockParamsAfter decoder-block Linear weights after
 * @param blockParamsRemovedFraction {@code 1 − after/before} of the block weights
 * @param macsPerTokenBefore Linear multiply-accumulates per token before
 * @param macsPerTokenAfter Linear multiply-accumulates per token after
 * @param fileBytesBefore bytes of the input model file(s)
 * @param fileBytesAfter bytes of the written model (0 when not written)
 * @param removedLayers original indices of the removed layers
 * @param layers per original layer, what it kept
 * @param stageSeconds wall-clock seconds per stage
 * @param seconds total wall-clock seconds
 */
public record StructuredReport(String model, String output, String format, String method, String units, String allocation,
        String metric, double ratio, boolean biasCompensation, String calibration, String evaluation, Double densePpl,
        Double prunedPpl, long paramsBefore, long paramsAfter, long blockParamsBefore, long blockParamsAfter,
        double blockParamsRemovedFraction, long macsPerTokenBefore, long macsPerTokenAfter, long fileBytesBefore,
        long fileBytesAfter, int[] removedLayers, List<Layer> layers, Map<String, Double> stageSeconds, double seconds) {

    /**
     * One original layer.
     *
     * @param layer original index
     * @param removed whether the whole layer was removed
     * @param keptQueryHeads query heads kept (original indices)
     * @param keptKvHeads for each key/value head of the pruned layer, the original key/value head it is (a copy when
     *     a group's remaining query heads were split, see {@code AttentionUnit.HEADS})
     * @param keptNeurons MLP neurons kept (original indices)
     * @param oProjBias whether o_proj got a compensation bias
     * @param downProjBias whether down_proj got a compensation bias
     */
    public record Layer(int layer, boolean removed, int[] keptQueryHeads, int[] keptKvHeads, int[] keptNeurons,
            boolean oProjBias, boolean downProjBias) {}
}
