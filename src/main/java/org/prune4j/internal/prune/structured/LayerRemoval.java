package org.prune4j.internal.prune.structured;

import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaConfig;

/** Drops whole decoder layers from a checkpoint and renumbers the rest ({@code model.layers.<i>.}). */
final class LayerRemoval {
    private static final String PREFIX = "model.layers.";

    private LayerRemoval() {}

    static LlamaCheckpoint remove(LlamaCheckpoint ckpt, StructuredPlan plan) {
        int layers = ckpt.config().numLayers();
        int[] newIndex = new int[layers];
        int next = 0;
        for (int i = 0; i < layers; i++) {
            newIndex[i] = plan.isRemoved(i) ? -1 : next++;
        }
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : ckpt.tensors().entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(PREFIX)) {
                out.put(name, e.getValue());
                continue;
            }
            int dot = name.indexOf('.', PREFIX.length());
            int layer = Integer.parseInt(name.substring(PREFIX.length(), dot));
            if (newIndex[layer] >= 0) {
                out.put(PREFIX + newIndex[layer] + name.substring(dot), e.getValue());
            }
        }
        LlamaConfig c = ckpt.config();
        LlamaConfig config = new LlamaConfig(c.architecture(), c.hiddenSize(), c.intermediateSize(), next, c.numHeads(),
                c.numKvHeads(), c.headDim(), c.vocabSize(), c.maxPositions(), c.ropeTheta(), c.rmsNormEps(),
                c.tieWordEmbeddings(), c.attentionBias(), c.bosTokenId(), c.eosTokenId());
        return new LlamaCheckpoint(config, out, ckpt.format(), ckpt.source(), ckpt.tokenizer());
    }
}
