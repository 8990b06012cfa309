package org.prune4j.internal.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.prune4j.UserError;

/**
 * Reads a folder of images with one sub-folder per class ({@code root/cat/001.png}, {@code
 * root/dog/xyz.jpg}), as torchvision's {@code ImageFolder}: classes are the sub-folder names in sorted
 * order, label = index; images within a class are in sorted file-name order. PNG, JPEG, BMP and GIF are
 * decoded with {@code javax.imageio}. All images must have the same width and height.
 */
public final class ImageFolder {
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    private ImageFolder() {}

    /**
     * Reads {@code root} as {@code channels}-channel images (1: grey, 3: RGB; colour images are converted
     * to grey with the ITU-R 601 luma weights, grey images replicated to RGB).
     */
    public static Dataset read(Path root, int channels, Normalization normalization) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (!Files.isDirectory(root)) {
            throw new UserError(root + ": not a directory (an image folder has one sub-folder per class)");
        }
        List<Path> classDirs = list(root).stream().filter(Files::isDirectory).toList();
        if (classDirs.isEmpty()) {
            throw new UserError(root + ": no class sub-folders (expected root/<class>/<image>.png)");
        }
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path dir : classDirs) {
            int label = classes.size();
            classes.add(dir.getFileName().toString());
            for (Path f : list(dir)) {
                if (Files.isRegularFile(f) && isImage(f)) {
                    files.add(f);
                    labels.add(label);
                }
            }
        }
        if (files.isEmpty()) {
            throw new UserError(root + ": no images (.png, .jpg, .jpeg, .bmp, .gif) in its class sub-folders");
        }
        int height = -1;
        int width = -1;
        byte[] pixels = null;
        for (int i = 0; i < files.size(); i++) {
            BufferedImage img = decode(files.get(i));
            if (pixels == null) {
                height = img.getHeight();
                width = img.getWidth();
                long total = (long) files.size() * channels * height * width;
                if (total > Integer.MAX_VALUE - 16) {
                    throw new UserError(root + ": too many pixels to hold in memory (" + total + ")");
                }
                pixels = new byte[(int) total];
            } else if (img.getHeight() != height || img.getWidth() != width) {
                throw new UserError(files.get(i) + ": image is " + img.getWidth() + "x" + img.getHeight()
                        + " but " + files.get(0) + " is " + width + "x" + height + "; all images must have one size");
            }
            writePixels(img, channels, pixels, i * channels * height * width);
        }
        int[] lab = labels.stream().mapToInt(Integer::intValue).toArray();
        return Dataset.of(root.getFileName().toString(), pixels, lab, channels, height, width, classes, normalization);
    }

    private static void writePixels(BufferedImage img, int channels, byte[] dst, int offset) {
        int h = img.getHeight();
        int w = img.getWidth();
        int plane = h * w;
        boolean grey = img.getType() == BufferedImage.TYPE_BYTE_GRAY;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int k = y * w + x;
                if (grey) {
                    int v = img.getRaster().getSample(x, y, 0);
                    for (int c = 0; c < channels; c++) {
                        dst[offset + c * plane + k] = (byte) v;
                    }
                    continue;
                }
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (channels == 3) {
                    dst[offset + k] = (byte) r;
                    dst[offset + plane + k] = (byte) g;
                    dst[offset + 2 * plane + k] = (byte) b;
                } else {
                    dst[offset + k] = (byte) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
                }
            }
        }
    }

    private static BufferedImage decode(Path f) {
        try {
            BufferedImage img = ImageIO.read(f.toFile());
            if (img == null) {
                throw new UserError(f + ": not a readable image (no javax.imageio decoder accepts it)");
            }
            return img;
        } catch (IOException e) {
            throw new UserError(f + ": cannot decode image: " + e.getMessage(), e);
        }
    }

    private static boolean isImage(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UserError(dir + ": cannot list: " + e.getMessage(), e);
        }
    }
}
