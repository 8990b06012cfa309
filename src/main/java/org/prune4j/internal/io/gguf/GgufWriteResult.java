package org.prune4j.internal.io.gguf;

import java.util.List;

/**
 * What a GGUF export wrote.
 *
 * @param architecture {@code general.architecture}: {@code llama} (uniform blocks) or {@code deci} (per-layer widths)
 * @param tensors tensors written
 * @param fallbackToF16 matrices stored as F16 because their rows are not whole Q8_0 blocks of 32 (empty unless q8_0 was asked)
 */
public record GgufWriteResult(String architecture, int tensors, List<String> fallbackToF16) {
    public GgufWriteResult {
        fallbackToF16 = List.copyOf(fallbackToF16);
    }
}
