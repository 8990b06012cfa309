package org.prune4j.api;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.prune4j.internal.io.IdsFileSpec;
import org.prune4j.internal.io.SafetensorsWriter;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.model.BundledModels;

/**
 * Small id files cut from the bundled stories260K protocol (the first rows of its calibration and
 * evaluation ids), so that tests that run whole pruning jobs several times stay fast.
 */
public final class ProtocolSlices {
    private ProtocolSlices() {}

    /** Writes the first {@code rows} rows of the protocol tensor {@code name} to {@code file}; returns {@code FILE:ids}. */
    public static String write(Path file, String name, int rows) {
        TensorData all = new IdsFileSpec(BundledModels.protocol("stories260K"), name).read();
        int cols = (int) all.shape()[1];
        int[] ids = Arrays.copyOf(all.toInts(), rows * cols);
        SafetensorsWriter.write(file, Map.of("ids", TensorData.ofInts(new long[] {rows, cols}, ids)), Map.of());
        return file + ":ids";
    }
}
