package org.prune4j.internal.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    private final Dataset cifar = Cifar10Binary.read(DataFixtures.cifarTest(), Normalization.CIFAR10);

    @Test
    void shufflingIsAPermutationDeterminedBySeedAndEpoch() {
        DataLoader a = DataLoader.training(cifar, 32, Augmentation.NONE, 7);
        DataLoader b = DataLoader.training(cifar, 32, Augmentation.NONE, 7);
        DataLoader c = DataLoader.training(cifar, 32, Augmentation.NONE, 8);
        int[] o0 = a.order(0);
        assertArrayEquals(o0, b.order(0));
        assertFalse(Arrays.equals(o0, a.order(1)), "a new order every epoch");
        assertFalse(Arrays.equals(o0, c.order(0)), "another seed, another order");
        int[] sorted = o0.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        assertEquals(6, a.batchesPerEpoch(), "200 / 32 with the last incomplete batch dropped");
        assertEquals(7, DataLoader.evaluation(cifar, 32).batchesPerEpoch());
    }

    @Test
    void batchesHoldNormalisedImagesAndInt64Labels() {
        DataLoader eval = DataLoader.evaluation(cifar, 64);
        try (NDManager m = NDManager.newBaseManager()) {
            int seen = 0;
            for (Batch batch : eval.epoch(0, m)) {
                try (batch) {
                    assertEquals(DataType.FLOAT32, batch.images().getDataType());
                    assertEquals(DataType.INT64, batch.labels().getDataType());
                    assertEquals(batch.size(), batch.images().getShape().get(0));
                    assertEquals(3, batch.images().getShape().get(1));
                    float[] x = batch.images().toFloatArray();
                    long[] y = batch.labels().toLongArray();
                    for (int i = 0; i < batch.size(); i++) {
                        int p = batch.indices()[i];
                        assertEquals(seen + i, p, "evaluation keeps dataset order");
                        assertEquals(cifar.label(p), y[i]);
                        assertArrayEquals(cifar.image(p), Arrays.copyOfRange(x, i * 3072, (i + 1) * 3072));
                    }
                    seen += batch.size();
                }
            }
            assertEquals(200, seen);
            try (Batch again = DataLoader.training(cifar, 16, Augmentation.CROP_AND_FLIP, 3).batch(2, 4, m);
                    Batch same = DataLoader.training(cifar, 16, Augmentation.CROP_AND_FLIP, 3).batch(2, 4, m)) {
                assertArrayEquals(again.images().toFloatArray(), same.images().toFloatArray(),
                        "augmentation is reproducible from (seed, epoch, image)");
            }
        }
    }

    @Test
    void cropPadsWithZeroPixelsAndFlipMirrors() {
        int h = 4;
        int w = 5;
        byte[] src = new byte[2 * h * w];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) (i + 1);
        }
        byte[] dst = new byte[src.length];
        Augmentation flipOnly = new Augmentation(0, true);
        boolean sawFlip = false;
        boolean sawPlain = false;
        for (int s = 0; s < 20; s++) {
            flipOnly.apply(src, 0, 2, h, w, new SplittableRandom(s), dst, 0);
            if (Arrays.equals(src, dst)) {
                sawPlain = true;
            } else {
                sawFlip = true;
                for (int c = 0; c < 2; c++) {
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            assertEquals(src[c * h * w + y * w + (w - 1 - x)], dst[c * h * w + y * w + x]);
                        }
                    }
                }
            }
        }
        assertTrue(sawFlip && sawPlain, "flip with probability 1/2");
        Augmentation crop = new Augmentation(2, false);
        int zerosMax = 0;
        for (int s = 0; s < 50; s++) {
            crop.apply(src, 0, 2, h, w, new SplittableRandom(s), dst, 0);
            int zeros = 0;
            for (byte b : dst) {
                zeros += b == 0 ? 1 : 0;
            }
            zerosMax = Math.max(zerosMax, zeros);
            // every kept value sits at a constant offset from its source position
            int shift = -1;
            for (int k = 0; k < dst.length; k++) {
                if (dst[k] != 0) {
                    int d = (dst[k] - 1) - k;
                    if (shift == -1) {
                        shift = d + 1000;
                    }
                    assertEquals(shift - 1000, d);
                }
            }
        }
        assertTrue(zerosMax > 0, "some crops reach into the zero padding");
        // padded pixels are zero before normalisation: -mean/std afterwards
        Dataset one = Dataset.of("z", new byte[3 * 32 * 32], new int[] {0}, 3, 32, 32, Dataset.numberedClasses(1),
                Normalization.CIFAR10);
        assertEquals(-0.4914f / 0.2470f, one.image(0)[0], 1e-6);
    }

    @Test
    void viewsShareImages() {
        Dataset tail = cifar.range(190, 200);
        assertEquals(10, tail.size());
        assertEquals(cifar.label(195), tail.label(5));
        Dataset picked = cifar.select(new int[] {5, 0, 5});
        assertEquals(cifar.label(5), picked.label(2));
        assertArrayEquals(cifar.image(0), picked.image(1));
        Dataset renorm = cifar.withNormalization(Normalization.IMAGENET);
        assertEquals((158 / 255f - 0.485f) / 0.229f, renorm.image(0)[0], 1e-5);
    }
}
