package org.prune4j.internal.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.prune4j.UserError;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.BlockSource;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.pipeline.load.Residency;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.tokenizer.Tokenizer;
import org.prune4j.internal.tokenizer.Tokenizers;

/** A Llama model loaded for a command: the checkpoint, the DJL model and, on demand, its tokenizer. */
final class LlamaRuntime implements AutoCloseable {
    private final String modelArg;
    private final LlamaCheckpoint checkpoint;
    private final NDManager weights;
    private final LlamaModel model;
    private Tokenizer tokenizer;

    private LlamaRuntime(String modelArg, LlamaCheckpoint checkpoint, NDManager weights, LlamaModel model) {
        this.modelArg = modelArg;
        this.checkpoint = checkpoint;
        this.weights = weights;
        this.model = model;
    }

    /** Loads {@code --model} ({@code --tokenizer} may be null: the one beside the model is used). */
    static LlamaRuntime open(String modelArg, Path tokenizerArg) {
        LlamaCheckpoint ckpt = ModelLocator.loadLlama(modelArg, tokenizerArg);
        NDManager weights = NDManager.newBaseManager();
        try {
            return new LlamaRuntime(modelArg, ckpt, weights, LlamaModel.load(ckpt, weights));
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /**
     * Loads only the embedding, final norm and classifier of {@code --model} (a {@link LlamaModel#loadShell
     * shell}); decoder blocks are then streamed from {@link #checkpoint()}.
     */
    static LlamaRuntime openShell(String modelArg, Path tokenizerArg) {
        LlamaCheckpoint ckpt = ModelLocator.loadLlama(modelArg, tokenizerArg);
        NDManager weights = NDManager.newBaseManager();
        try {
            return new LlamaRuntime(modelArg, ckpt, weights, LlamaModel.loadShell(ckpt, weights));
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /**
     * Loads {@code --model} for block-by-block passes: the whole model when it fits comfortably in
     * memory ({@link Residency#AUTO}), else only its shell, the blocks then streamed read-only from
     * the checkpoint ({@link #blocks()}).
     */
    static LlamaRuntime openForPasses(String modelArg, Path tokenizerArg) {
        LlamaCheckpoint ckpt = ModelLocator.loadLlama(modelArg, tokenizerArg);
        long bytes = ckpt.tensors().values().stream().mapToLong(t -> t.numel() * Float.BYTES).sum();
        boolean resident = Residency.AUTO.resolve(ckpt.config(), bytes) == Residency.RESIDENT;
        NDManager weights = NDManager.newBaseManager();
        try {
            return new LlamaRuntime(modelArg, ckpt, weights,
                    resident ? LlamaModel.load(ckpt, weights) : LlamaModel.loadShell(ckpt, weights));
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /** The decoder blocks: those of the loaded model, or streamed read-only from the checkpoint for a shell. */
    BlockSource blocks() {
        return model.blocks().isEmpty() && checkpoint.config().numLayers() > 0 ? BlockSource.readOnly(checkpoint)
                : BlockSource.resident(model);
    }

    LlamaCheckpoint checkpoint() {
        return checkpoint;
    }

    LlamaModel model() {
        return model;
    }

    /** The tokenizer of the model. */
    Tokenizer tokenizer() {
        if (tokenizer == null) {
            Path path = checkpoint.tokenizer();
            if (path == null) {
                throw new UserError("--model " + modelArg + ": no tokenizer found beside the model; pass --tokenizer");
            }
            tokenizer = Tokenizers.load(path, checkpoint.config().vocabSize());
        }
        return tokenizer;
    }

    @Override
    public void close() {
        if (tokenizer instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // closing a read-only tokenizer cannot lose data
            }
        }
        weights.close();
    }
}
