package org.prune4j.internal.prune.structured;

/**
 * A method's importance scores for one layer, before units are formed: one value per {@code o_proj}
 * input channel (head {@code h} owns channels {@code h·headDim .. h·headDim+headDim−1}) and one per MLP
 * neuron ({@code down_proj} input channel). Higher is more important.
 *
 * @param headChannels {@code o_proj} input channels
 * @param neurons {@code down_proj} input channels
 */
record LayerScores(double[] headChannels, double[] neurons) {
    LayerScores {
        headChannels = headChannels.clone();
        neurons = neurons.clone();
    }
}
