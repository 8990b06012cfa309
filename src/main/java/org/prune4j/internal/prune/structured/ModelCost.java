package org.prune4j.internal.prune.structured;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaTensorNames;

/**
 * What a model costs: parameters, decoder-block parameters (the weights of the seven block Linears, what
 * {@code --ratio} counts), and multiply-accumulates per token of its matrix products (every block Linear
 * and the classifier; attention scores, which grow with the context, are not counted).
 *
 * @param params every stored parameter (a tied classifier counted once)
 * @param blockParams weights of the block Linears
 * @param macsPerToken multiply-accumulates of the Linears per token
 */
record ModelCost(long params, long blockParams, long macsPerToken) {

    static ModelCost of(LlamaCheckpoint ckpt) {
        long params = 0;
        long block = 0;
        for (Map.Entry<String, TensorData> e : ckpt.tensors().entrySet()) {
            long n = e.getValue().numel();
            params += n;
            if (e.getKey().startsWith("model.layers.") && e.getKey().endsWith("_proj.weight")) {
                block += n;
            }
        }
        TensorData head = ckpt.tensors().get(LlamaTensorNames.LM_HEAD);
        long headMacs = head != null ? head.numel() : ckpt.tensors().get(LlamaTensorNames.EMBED).numel();
        return new ModelCost(params, block, block + headMacs);
    }

    /** Bytes of a file, or of every file under a directory. */
    static long fileBytes(Path p) {
        try {
            if (Files.isRegularFile(p)) {
                return Files.size(p);
            }
            if (!Files.isDirectory(p)) {
                return 0;
            }
            try (Stream<Path> s = Files.walk(p)) {
                return s.filter(Files::isRegularFile).mapToLong(f -> {
                    try {
                        return Files.size(f);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).sum();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
