package org.prune4j.internal.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file opened with {@link SafetensorsFile#openUnmappingOnClose} is no longer mapped once closed. */
class UnmapOnCloseTest {
    private static final Path MAPS = Path.of("/proc/self/maps");

    @TempDir
    Path dir;

    @Test
    void closingUnmapsEveryTensor() throws Exception {
        assumeTrue(Files.isReadable(MAPS), "needs /proc/self/maps (Linux)");
        Path file = dir.resolve("spill.safetensors");
        float[] values = new float[1 << 16];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        SafetensorsWriter.write(file, Map.of("w", TensorData.ofFloats(new long[] {256, 256}, values)), Map.of());
        String name = file.toRealPath().toString();
        SafetensorsFile f = SafetensorsFile.openUnmappingOnClose(file);
        TensorData t = f.get("w");
        assertArrayEquals(values, t.toFloats());
        assertTrue(Files.readString(MAPS).contains(name), "mapped while open");
        f.close();
        assertFalse(Files.readString(MAPS).contains(name), "unmapped on close, before any garbage collection");
    }
}
