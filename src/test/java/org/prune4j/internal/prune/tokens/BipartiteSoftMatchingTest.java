package org.prune4j.internal.prune.tokens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.model.vision.TokenState;
import org.prune4j.internal.nn.AttentionOutput;

/** ToMe's matching and size-weighted merge against the original {@code bipartite_soft_matching} + {@code merge_wavg}. */
class BipartiteSoftMatchingTest {
    private static final Path VECTORS = Path.of("src/test/resources/reference/tome/tome_matching.safetensors");

    /** Cases with a class token go through {@link TokenMerging}, the ViT's reduction itself. */
    @ParameterizedTest
    @ValueSource(strings = {"cls_r8", "cls_r8_sizes", "cls_rmax"})
    void tokenMergingMatchesTheOriginal(String name) {
        try (SafetensorsFile f = SafetensorsFile.open(VECTORS); NDManager manager = NDManager.newBaseManager()) {
            long[] ms = f.entry(name + "/metric").shape();
            long[] xs = f.entry(name + "/x").shape();
            int b = (int) ms[0];
            int t = (int) ms[1];
            int c = (int) ms[2];
            long[] params = f.get(name + "/params").toLongs();
            float[] sizes = f.contains(name + "/size") ? f.get(name + "/size").toFloats() : null;
            var keys = manager.create(f.get(name + "/metric").toFloats(), new Shape(b, 1, t, c));
            var x = manager.create(f.get(name + "/x").toFloats(), new Shape(xs));
            int[] schedule = {(int) params[0]};
            TokenState out = new TokenMerging(schedule, true).reduce(0, 1, new TokenState(x, sizes),
                    new AttentionOutput(x, keys, null));
            float[] expected = f.get(name + "/merged_x").toFloats();
            float[] actual = out.tokens().toFloatArray();
            assertEquals(expected.length, actual.length, "merged token count");
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 2e-6f * Math.max(1, Math.abs(expected[i])), "merged x[" + i + "]");
            }
            assertArrayEquals(f.get(name + "/merged_size").toFloats(), out.sizes(), "merged sizes");
        }
    }

    /** Cases without a class token: the matching alone, applied by plain loops here. */
    @ParameterizedTest
    @ValueSource(strings = {"nocls_r5", "nocls_odd_sizes"})
    void matchingWithoutClassTokenMatchesTheOriginal(String name) {
        try (SafetensorsFile f = SafetensorsFile.open(VECTORS)) {
            long[] ms = f.entry(name + "/metric").shape();
            long[] xs = f.entry(name + "/x").shape();
            int b = (int) ms[0];
            int t = (int) ms[1];
            int c = (int) ms[2];
            int cx = (int) xs[2];
            long[] params = f.get(name + "/params").toLongs();
            float[] metric = f.get(name + "/metric").toFloats();
            float[] x = f.get(name + "/x").toFloats();
            float[] size = f.contains(name + "/size") ? f.get(name + "/size").toFloats() : null;
            float[] expected = f.get(name + "/merged_x").toFloats();
            float[] expectedSize = f.get(name + "/merged_size").toFloats();
            int r = Math.min((int) params[0], t / 2);
            int out = t - r;
            for (int n = 0; n < b; n++) {
                float[] m = new float[t * c];
                System.arraycopy(metric, n * t * c, m, 0, m.length);
                BipartiteSoftMatching.Matching match = BipartiteSoftMatching.match(m, t, c, (int) params[0], false);
                int[] unm = match.unmerged();
                int[] src = match.sources();
                int[] dst = match.destinations();
                for (int u = 0; u < unm.length; u++) {
                    int token = 2 * unm[u];
                    assertEquals(sizeOf(size, n, t, token), expectedSize[n * out + u], "size of unmerged " + u);
                    for (int k = 0; k < cx; k++) {
                        assertEquals(x[(n * t + token) * cx + k], expected[(n * out + u) * cx + k], 0f);
                    }
                }
                int sizeB = t / 2;
                for (int j = 0; j < sizeB; j++) {
                    int row = unm.length + j;
                    double total = sizeOf(size, n, t, 2 * j + 1);
                    double[] acc = new double[cx];
                    for (int k = 0; k < cx; k++) {
                        acc[k] = total * x[(n * t + 2 * j + 1) * cx + k];
                    }
                    for (int s = 0; s < src.length; s++) {
                        if (dst[s] == j) {
                            double w = sizeOf(size, n, t, 2 * src[s]);
                            total += w;
                            for (int k = 0; k < cx; k++) {
                                acc[k] += w * x[(n * t + 2 * src[s]) * cx + k];
                            }
                        }
                    }
                    assertEquals(total, expectedSize[n * out + row], 0, "size of destination " + j);
                    for (int k = 0; k < cx; k++) {
                        assertEquals(acc[k] / total, expected[(n * out + row) * cx + k], 2e-6, "merged value");
                    }
                }
            }
        }
    }

    private static float sizeOf(float[] size, int n, int t, int token) {
        return size == null ? 1f : size[n * t + token];
    }
}
