package org.prune4j.internal.io.pytorch;

import java.nio.file.Path;
import org.prune4j.UserError;

/**
 * The bytes a checkpoint reader may still allocate for tensor data: half the Java heap. Every storage and
 * tensor is taken from the budget before it is allocated, so a checkpoint that needs more is a clear
 * error instead of an {@code OutOfMemoryError}.
 */
final class HeapBudget {
    private final Path file;
    private final long limit;
    private long used;

    HeapBudget(Path file) {
        this.file = file;
        this.limit = Runtime.getRuntime().maxMemory() / 2;
    }

    /** Takes {@code bytes} from the budget or throws. */
    void take(long bytes) {
        if (bytes > limit - used) {
            throw new UserError("checkpoint " + file + " needs more than " + (limit >> 20) + " MiB of tensor data"
                    + " (half the Java heap); raise -Xmx (PRUNE4J_JAVA_OPTS) if the file is genuine");
        }
        used += bytes;
    }
}
