package org.prune4j.internal.model.llama;

import org.prune4j.UserError;

/**
 * Hyperparameters of a Llama-family decoder (Llama 1/2/3, Mistral, Qwen2, llama2.c models).
 *
 * @param architecture Hugging Face architecture name, e.g. {@code LlamaForCausalLM}
 * @param hiddenSize model width (llama2.c {@code dim})
 * @param intermediateSize MLP width (llama2.c {@code hidden_dim})
 * @param numLayers decoder blocks
 * @param numHeads query heads
 * @param numKvHeads key/value heads (grouped-query attention when fewer than {@code numHeads})
 * @param headDim width of one head (usually {@code hiddenSize / numHeads}; Qwen-style configs may set it)
 * @param vocabSize vocabulary size
 * @param maxPositions context length (llama2.c {@code seq_len}, HF {@code max_position_embeddings})
 * @param ropeTheta rotary base frequency
 * @param rmsNormEps RMSNorm epsilon
 * @param tieWordEmbeddings the classifier reuses the token embedding matrix
 * @param attentionBias q/k/v projections carry a bias (Qwen2)
 * @param bosTokenId id of the beginning-of-sequence token
 * @param eosTokenId id of the end-of-sequence token
 */
public record LlamaConfig(
        String architecture,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int vocabSize,
        int maxPositions,
        double ropeTheta,
        double rmsNormEps,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        int bosTokenId,
        int eosTokenId) {

    public LlamaConfig {
        if (hiddenSize <= 0 || intermediateSize <= 0 || numLayers <= 0 || numHeads <= 0 || numKvHeads <= 0
                || headDim <= 0 || vocabSize <= 0 || maxPositions <= 0) {
            throw new UserError("model config: sizes must be positive (hidden " + hiddenSize + ", intermediate "
                    + intermediateSize + ", layers " + numLayers + ", heads " + numHeads + ", kv heads " + numKvHeads
                    + ", head dim " + headDim + ", vocab " + vocabSize + ", context " + maxPositions + ")");
        }
        if (numHeads % numKvHeads != 0) {
            throw new UserError("model config: " + numHeads + " attention heads is not a multiple of "
                    + numKvHeads + " key/value heads");
        }
        if (headDim % 2 != 0) {
            throw new UserError("model config: head dimension " + headDim + " must be even for rotary embeddings");
        }
    }

    /** Width of all query heads together ({@code numHeads * headDim}). */
    public int qDim() {
        return numHeads * headDim;
    }

    /** Width of all key (or value) heads together ({@code numKvHeads * headDim}). */
    public int kvDim() {
        return numKvHeads * headDim;
    }

    /** Query heads per key/value head. */
    public int groupSize() {
        return numHeads / numKvHeads;
    }
}
