package org.prune4j.internal.pipeline.load;

import java.nio.file.Path;
import org.prune4j.UserError;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.tokenizer.Tokenizer;
import org.prune4j.internal.tokenizer.Tokenizers;

/**
 * The first stage of a job: the model as read from disk (lazily mapped), and its tokenizer on demand.
 */
public final class SourceModel {
    private final ModelSpec spec;
    private final LlamaCheckpoint checkpoint;
    private Tokenizer tokenizer;

    private SourceModel(ModelSpec spec, LlamaCheckpoint checkpoint) {
        this.spec = spec;
        this.checkpoint = checkpoint;
    }

    /** Reads the model {@code spec} names. */
    public static SourceModel load(ModelSpec spec) {
        return new SourceModel(spec, ModelLocator.loadLlama(spec.model(), spec.tokenizer()));
    }

    /** What the user asked for. */
    public ModelSpec spec() {
        return spec;
    }

    /** The checkpoint as read. */
    public LlamaCheckpoint checkpoint() {
        return checkpoint;
    }

    /** The model's tokenizer (the override, else the one found beside it). */
    public Tokenizer tokenizer() {
        if (tokenizer == null) {
            Path t = spec.tokenizer() != null ? spec.tokenizer() : checkpoint.tokenizer();
            if (t == null) {
                throw new UserError(checkpoint.source() + ": no tokenizer found beside the model; pass --tokenizer FILE");
            }
            tokenizer = Tokenizers.load(t, checkpoint.config().vocabSize());
        }
        return tokenizer;
    }

    /** Bytes the model's tensors take in float32. */
    public long float32Bytes() {
        return checkpoint.tensors().values().stream().mapToLong(t -> t.numel() * Float.BYTES).sum();
    }
}
