package org.prune4j.internal.model.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BasicBlockTest {
    @Test
    void optionAShortcutSubsamplesAndZeroPadsChannels() {
        try (NDManager m = NDManager.newBaseManager()) {
            BasicBlock block = new BasicBlock(m, 4, 8, 2, new Random(0));
            // zero residual branch: the block computes relu(shortcut(x))
            block.namedParameters().forEach((name, p) -> {
                if (name.endsWith("conv1.weight") || name.endsWith("conv2.weight") || name.startsWith("bn")) {
                    p.setValue(p.value().zerosLike());
                }
            });
            int n = 1, c = 4, h = 4, w = 4;
            float[] x = new float[n * c * h * w];
            for (int i = 0; i < x.length; i++) {
                x[i] = i % 7 - 2;
            }
            NDArray y = block.forward(m.create(x, new Shape(n, c, h, w)));
            assertEquals(new Shape(1, 8, 2, 2), y.getShape());
            float[] got = y.toFloatArray();
            float[] want = new float[8 * 2 * 2];
            for (int ch = 0; ch < 4; ch++) {
                for (int yy = 0; yy < 2; yy++) {
                    for (int xx = 0; xx < 2; xx++) {
                        // channels 2..5 hold the input's 4 channels, x[:, :, ::2, ::2]
                        want[((ch + 2) * 2 + yy) * 2 + xx] = Math.max(0, x[(ch * h + 2 * yy) * w + 2 * xx]);
                    }
                }
            }
            assertArrayEquals(want, got);
        }
    }
}
