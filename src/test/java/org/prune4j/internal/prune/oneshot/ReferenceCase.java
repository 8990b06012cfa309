package org.prune4j.internal.prune.oneshot;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.prune4j.internal.io.SafetensorsFile;

/** One layer-level reference fixture ({@code src/test/resources/reference/layer/*.safetensors}). */
final class ReferenceCase implements AutoCloseable {
    static final String[] NAMES = {
        "case1_64x128", "case2_256x512_dead", "case3_768x768", "case4_256x512_outliers"
    };

    final String name;
    final SafetensorsFile file;
    final int rows;
    final int cols;
    final float[] w;
    final float[] x;

    ReferenceCase(String name) {
        this.name = name;
        try {
            Path p = Path.of(ReferenceCase.class.getResource("/reference/layer/" + name + ".safetensors").toURI());
            this.file = SafetensorsFile.open(p);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        long[] s = file.entry("W").shape();
        this.rows = (int) s[0];
        this.cols = (int) s[1];
        this.w = floats("W");
        this.x = floats("X");
    }

    float[] floats(String tensor) {
        return file.get(tensor).toFloats();
    }

    byte[] mask(String tensor) {
        long[] l = file.get(tensor).toLongs();
        byte[] b = new byte[l.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) l[i];
        }
        return b;
    }

    double scalar(String tensor) {
        return file.get(tensor).toDoubles()[0];
    }

    /** Number of calibration rows (tokens). */
    int tokens() {
        return x.length / cols;
    }

    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return name;
    }
}
