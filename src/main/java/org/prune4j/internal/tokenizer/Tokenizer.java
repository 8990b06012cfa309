package org.prune4j.internal.tokenizer;

/** Text to token ids and back. Implementations: llama2.c {@code tokenizer.bin}, Hugging Face {@code tokenizer.json}. */
public interface Tokenizer {
    /**
     * Encodes {@code text}. {@code bos}/{@code eos} prepend/append the special tokens.
     * For llama2.c tokenizers this matches {@code run.c}'s {@code encode} exactly.
     */
    int[] encode(String text, boolean bos, boolean eos);

    /** Decodes a whole sequence to text (special tokens dropped). */
    String decode(int[] ids);

    /**
     * The text of {@code token} when it follows {@code previous} in a stream, as generation prints it
     * (llama2.c drops the leading space of the first piece after BOS and turns {@code <0xXX>} into bytes).
     */
    String decodePiece(int previous, int token);

    /** Number of tokens in the vocabulary. */
    int vocabSize();

    /** Id of the beginning-of-sequence token. */
    int bosId();

    /** Id of the end-of-sequence token. */
    int eosId();
}
