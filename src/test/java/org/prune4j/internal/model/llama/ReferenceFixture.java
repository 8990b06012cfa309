package org.prune4j.internal.model.llama;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.io.TensorData;

/** The stories260K reference vectors of {@code src/test/resources/reference/model} (see its README, Part 2). */
public final class ReferenceFixture {
    private ReferenceFixture() {}

    public static Path path() {
        try {
            return Path.of(ReferenceFixture.class.getResource("/reference/model/stories260K.safetensors").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TensorData tensor(String name) {
        try (SafetensorsFile f = SafetensorsFile.open(path())) {
            return f.get(name); // the mapping stays valid after the channel closes
        }
    }

    /** A 2-D integer tensor as rows. */
    public static int[][] rows(String name) {
        TensorData t = tensor(name);
        long[] s = t.shape();
        int[] flat = t.toInts();
        int[][] out = new int[(int) s[0]][(int) s[1]];
        for (int i = 0; i < out.length; i++) {
            System.arraycopy(flat, i * out[i].length, out[i], 0, out[i].length);
        }
        return out;
    }
}
