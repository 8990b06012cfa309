package org.prune4j.internal.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.prune4j.UserError;

/**
 * Reads and validates llama2.c {@code tokenizer.bin} files: a little-endian int32
 * {@code max_token_length}, then per token a float32 score, an int32 byte length and the raw bytes. The
 * file does not store the number of tokens; llama2.c takes it from the model. Every problem is a
 * one-line {@link UserError} naming the file.
 */
final class Llama2cVocabularyReader {
    /** Read every record up to the end of the file. */
    static final int UNTIL_END = 0;
    /** llama2.c's byte fallback needs {@code <unk>, <s>, </s>} and 256 byte tokens. */
    static final int MIN_TOKENS = 3 + 256;
    private static final int MAX_PLAUSIBLE_TOKEN_LENGTH = 1 << 16;

    private Llama2cVocabularyReader() {}

    /**
     * Reads {@code path}. {@code vocabSize > 0} requires exactly that many records (the model's
     * {@code vocab_size}); {@link #UNTIL_END} reads all records in the file.
     */
    static Llama2cVocabulary read(Path path, int vocabSize) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new UserError(path + ": no such file");
        } catch (AccessDeniedException e) {
            throw new UserError(path + ": permission denied");
        } catch (IOException e) {
            throw new UserError(path + ": cannot read: " + e.getMessage());
        }
        return parse(path.toString(), bytes, vocabSize);
    }

    /** Parses the bytes of a tokenizer file; {@code source} names it in messages. */
    static Llama2cVocabulary parse(String source, byte[] bytes, int vocabSize) {
        if (vocabSize < 0) {
            throw new IllegalArgumentException("vocabSize must be positive or UNTIL_END, got " + vocabSize);
        }
        if (bytes.length == 0) {
            throw new UserError(source + ": empty file, not a llama2.c tokenizer");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (buf.remaining() < 4) {
            throw new UserError(source + ": truncated: " + bytes.length + " bytes, shorter than the 4-byte header");
        }
        int maxTokenLength = buf.getInt();
        if (maxTokenLength <= 0 || maxTokenLength > MAX_PLAUSIBLE_TOKEN_LENGTH) {
            throw new UserError(source + ": not a llama2.c tokenizer: implausible max_token_length " + maxTokenLength);
        }
        List<byte[]> pieces = new ArrayList<>(vocabSize > 0 ? vocabSize : 1024);
        List<Float> scoreList = new ArrayList<>(vocabSize > 0 ? vocabSize : 1024);
        while (buf.hasRemaining() && (vocabSize == UNTIL_END || pieces.size() < vocabSize)) {
            int id = pieces.size();
            long offset = buf.position();
            if (buf.remaining() < 8) {
                throw new UserError(source + ": truncated: token " + id + " at byte " + offset
                        + " needs an 8-byte score and length, the file has " + buf.remaining() + " left");
            }
            float score = buf.getFloat();
            int length = buf.getInt();
            if (length < 0) {
                throw new UserError(source + ": corrupt: token " + id + " at byte " + offset + " has negative length "
                        + length);
            }
            if (length > maxTokenLength) {
                throw new UserError(source + ": corrupt: token " + id + " at byte " + offset + " has length " + length
                        + ", more than the header's max_token_length " + maxTokenLength);
            }
            if (buf.remaining() < length) {
                throw new UserError(source + ": truncated: token " + id + " at byte " + offset + " needs " + length
                        + " bytes, the file has " + buf.remaining() + " left");
            }
            byte[] piece = new byte[length];
            buf.get(piece);
            pieces.add(piece);
            scoreList.add(score);
        }
        if (vocabSize > 0 && pieces.size() < vocabSize) {
            throw new UserError(source + ": holds only " + pieces.size() + " tokens but the model's vocab_size is "
                    + vocabSize + "; is it the tokenizer of another model?");
        }
        if (buf.hasRemaining()) {
            throw new UserError(source + ": holds more than " + vocabSize + " tokens (the model's vocab_size): "
                    + buf.remaining() + " bytes left over; is it the tokenizer of another model?");
        }
        if (pieces.size() < MIN_TOKENS) {
            throw new UserError(source + ": only " + pieces.size() + " tokens; a llama2.c tokenizer needs at least "
                    + MIN_TOKENS + " (<unk>, <s>, </s> and 256 byte tokens)");
        }
        float[] scores = new float[scoreList.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = scoreList.get(i);
        }
        return new Llama2cVocabulary(source, maxTokenLength, scores, pieces.toArray(new byte[0][]));
    }
}
