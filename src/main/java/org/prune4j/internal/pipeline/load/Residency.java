package org.prune4j.internal.pipeline.load;

import java.lang.management.ManagementFactory;
import org.prune4j.internal.model.llama.LlamaConfig;

/**
 * Whether a job holds the whole model in memory (fast: blocks are built once) or streams its decoder
 * blocks from the memory-mapped checkpoint, spilling changed blocks to a scratch folder (bounded memory:
 * one block at a time).
 */
public enum Residency {
    /** Resident when the float32 model takes at most {@link #AUTO_FRACTION} of physical memory, else streamed. */
    AUTO,
    /** The whole model in memory, float32. */
    RESIDENT,
    /** One decoder block at a time, built from the checkpoint; changed blocks spilled to scratch files. */
    STREAMED;

    /** The share of physical memory a float32 model may take and still be held resident under {@link #AUTO}. */
    public static final double AUTO_FRACTION = 1.0 / 8;

    /** {@link #RESIDENT} or {@link #STREAMED} for a model with {@code config}, on this machine. */
    public Residency resolve(LlamaConfig config, long float32Bytes) {
        if (this != AUTO) {
            return this;
        }
        return float32Bytes <= physicalMemoryBytes() * AUTO_FRACTION ? RESIDENT : STREAMED;
    }

    private static long physicalMemoryBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }
}
