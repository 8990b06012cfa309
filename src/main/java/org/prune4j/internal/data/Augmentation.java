package org.prune4j.internal.data;

import java.util.SplittableRandom;

/**
 * Training-time image augmentation on 8-bit CHW images: a random crop of the original size from the
 * image zero-padded by {@code padding} pixels on each side (torchvision's {@code RandomCrop(size,
 * padding)}, fill 0 before normalisation), then a horizontal flip with probability ½ when {@code
 * horizontalFlip}. The random choices come from the generator the caller passes, so they are
 * reproducible.
 *
 * @param padding pixels of zero padding on each side before cropping (0: no crop)
 * @param horizontalFlip flip left-right with probability ½
 */
public record Augmentation(int padding, boolean horizontalFlip) {
    /** No augmentation. */
    public static final Augmentation NONE = new Augmentation(0, false);
    /** The standard CIFAR-10 recipe (He et al. 2016): pad 4, random 32×32 crop, random horizontal flip. */
    public static final Augmentation CROP_AND_FLIP = new Augmentation(4, true);

    public Augmentation {
        if (padding < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got " + padding);
        }
    }

    /** True when this augmentation changes nothing. */
    public boolean isIdentity() {
        return padding == 0 && !horizontalFlip;
    }

    /**
     * Writes the augmented version of the {@code channels × height × width} image at {@code src[srcOff]}
     * into {@code dst[dstOff]} (which must not overlap it).
     */
    public void apply(byte[] src, int srcOff, int channels, int height, int width, SplittableRandom rng,
            byte[] dst, int dstOff) {
        int dy = padding == 0 ? 0 : rng.nextInt(2 * padding + 1) - padding;
        int dx = padding == 0 ? 0 : rng.nextInt(2 * padding + 1) - padding;
        boolean flip = horizontalFlip && rng.nextBoolean();
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            int s = srcOff + c * plane;
            int d = dstOff + c * plane;
            for (int y = 0; y < height; y++) {
                int sy = y + dy;
                for (int x = 0; x < width; x++) {
                    int cx = flip ? width - 1 - x : x;
                    int sx = cx + dx;
                    byte v = sy < 0 || sy >= height || sx < 0 || sx >= width ? 0 : src[s + sy * width + sx];
                    dst[d + y * width + x] = v;
                }
            }
        }
    }
}
