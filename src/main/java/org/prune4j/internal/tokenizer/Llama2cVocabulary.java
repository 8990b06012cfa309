package org.prune4j.internal.tokenizer;

/**
 * The contents of a llama2.c {@code tokenizer.bin}: the declared maximum token length and, per token id,
 * its score and raw bytes. The arrays are owned by this record and never modified.
 *
 * @param source the file name used in error messages
 * @param maxTokenLength the header's {@code max_token_length}
 * @param scores merge score of every token
 * @param pieces raw bytes of every token
 */
record Llama2cVocabulary(String source, int maxTokenLength, float[] scores, byte[][] pieces) {
    /** Number of tokens. */
    int size() {
        return pieces.length;
    }
}
