package org.prune4j.internal.model.llama;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.internal.io.TensorData;

/**
 * A Llama-family model as read from disk: its configuration and its tensors under the canonical names
 * of {@link LlamaTensorNames} (Hugging Face names, half-split rotary layout), whatever the file format.
 *
 * @param config architecture hyperparameters
 * @param tensors canonical name to tensor (lazily mapped where the format allows)
 * @param format the format it was read from (and is written back in by default)
 * @param source the file or directory it came from
 * @param tokenizer the tokenizer file found beside it, or {@code null}
 */
public record LlamaCheckpoint(LlamaConfig config, Map<String, TensorData> tensors, CheckpointFormat format,
        Path source, Path tokenizer) {

    public LlamaCheckpoint {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** The tensor called {@code name}; an {@link IllegalArgumentException} when absent. */
    public TensorData tensor(String name) {
        TensorData t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("checkpoint has no tensor " + name);
        }
        return t;
    }

    /** A copy with other tensors (same config, format and source). */
    public LlamaCheckpoint withTensors(Map<String, TensorData> replacement) {
        return new LlamaCheckpoint(config, replacement, format, source, tokenizer);
    }
}
