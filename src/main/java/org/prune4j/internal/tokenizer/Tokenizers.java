package org.prune4j.internal.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.prune4j.UserError;

/** Opens the right {@link Tokenizer} for a file. */
public final class Tokenizers {
    /** Pass as {@code vocabSize} when the model's vocabulary size is not known: the file decides. */
    public static final int VOCAB_FROM_FILE = 0;

    private Tokenizers() {}

    /**
     * Loads the tokenizer at {@code path}: a {@code .json} file is a Hugging Face {@code tokenizer.json}
     * ({@link HfTokenizer}), anything else a llama2.c {@code tokenizer.bin} ({@link Llama2cTokenizer}). A
     * folder is searched for {@code tokenizer.json}, then {@code tokenizer.bin}.
     *
     * <p>{@code vocabSize} is the model's vocabulary size, or {@link #VOCAB_FROM_FILE}. A llama2.c file
     * must then hold exactly that many tokens (it does not store the count itself); a Hugging Face
     * tokenizer may not use ids beyond it (models often pad their embedding past the tokenizer's size).
     * Missing, empty, corrupt or mismatching files are one-line {@link UserError}s naming the path.
     * Close the result if it is {@link AutoCloseable}.
     */
    public static Tokenizer load(Path path, int vocabSize) {
        if (vocabSize < 0) {
            throw new IllegalArgumentException("vocabSize must be positive or VOCAB_FROM_FILE, got " + vocabSize);
        }
        Path file = resolve(path);
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".model")) {
            throw new UserError(file + ": SentencePiece .model files are not supported yet; use the model's"
                    + " tokenizer.json or a llama2.c tokenizer.bin");
        }
        if (!name.endsWith(".json")) {
            return vocabSize == VOCAB_FROM_FILE ? Llama2cTokenizer.load(file) : Llama2cTokenizer.load(file, vocabSize);
        }
        HfTokenizer hf = HfTokenizer.load(file);
        if (vocabSize != VOCAB_FROM_FILE && hf.vocabSize() > vocabSize) {
            int size = hf.vocabSize();
            hf.close();
            throw new UserError(file + ": the tokenizer has " + size + " tokens, more than the model's vocab_size "
                    + vocabSize + "; is it the tokenizer of another model?");
        }
        return hf;
    }

    private static Path resolve(Path path) {
        if (Files.isDirectory(path)) {
            for (String candidate : new String[] {"tokenizer.json", "tokenizer.bin"}) {
                Path file = path.resolve(candidate);
                if (Files.isRegularFile(file)) {
                    return file;
                }
            }
            throw new UserError(path + ": folder holds neither tokenizer.json nor tokenizer.bin");
        }
        if (!Files.exists(path)) {
            throw new UserError(path + ": no such file");
        }
        try {
            if (Files.size(path) == 0) {
                throw new UserError(path + ": empty file, not a tokenizer");
            }
        } catch (IOException e) {
            throw new UserError(path + ": cannot read: " + e.getMessage());
        }
        return path;
    }
}
