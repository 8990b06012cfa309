package org.prune4j.internal.data;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.prune4j.UserError;

/**
 * Reader for the IDX files of MNIST and Fashion-MNIST ({@code train-images-idx3-ubyte[.gz]} and friends).
 *
 * <p>Format (big-endian): images start with the magic number {@code 0x00000803}, the image count, rows and
 * columns, then {@code count × rows × cols} unsigned bytes; labels start with {@code 0x00000801} and the
 * count, then one byte per label. Files may be gzip-compressed.
 */
public final class IdxFiles {
    /** Magic number of an unsigned-byte 3-D IDX file (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an unsigned-byte 1-D IDX file (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    /** The largest image accepted, in pixels (rows × cols). */
    static final long MAX_IMAGE_PIXELS = 1L << 24;

    private IdxFiles() {}

    /** Raw images of an IDX file: {@code count × rows × cols} bytes. */
    public record Images(int count, int rows, int cols, byte[] pixels) {}

    /** Reads an image file. Wrong magic number or a truncated file is a {@link UserError} naming it. */
    public static Images readImages(Path file) {
        byte[] b = DataFiles.readMaybeGzipped(file);
        ByteBuffer in = ByteBuffer.wrap(b);
        checkMagic(file, in, IMAGES_MAGIC, "image");
        if (b.length < 16) {
            throw new UserError(file + ": truncated: the IDX header needs 16 bytes, the file has " + b.length);
        }
        int count = in.getInt();
        int rows = in.getInt();
        int cols = in.getInt();
        if (count <= 0 || rows <= 0 || cols <= 0 || (long) rows * cols > MAX_IMAGE_PIXELS) {
            throw new UserError(file + ": bad IDX header: " + count + " images of " + rows + "x" + cols
                    + (count > 0 && rows > 0 && cols > 0 ? " (images above " + MAX_IMAGE_PIXELS + " pixels)" : ""));
        }
        long pixelsPerImage = (long) rows * cols;
        long need = count > Long.MAX_VALUE / pixelsPerImage ? Long.MAX_VALUE : count * pixelsPerImage;
        long have = b.length - 16L;
        if (have < need) {
            throw new UserError(file + ": truncated: header says " + count + " images of " + rows + "x" + cols
                    + " but the file ends after " + have / pixelsPerImage + " images");
        }
        if (have > need) {
            throw new UserError(file + ": header says " + count + " images of " + rows + "x" + cols + " (" + need
                    + " bytes) but " + have + " bytes of pixels follow it: the dimensions disagree with the pixels");
        }
        return new Images(count, rows, cols, Arrays.copyOfRange(b, 16, 16 + (int) need));
    }

    /** Reads a label file. Wrong magic number or a truncated file is a {@link UserError} naming it. */
    public static int[] readLabels(Path file) {
        byte[] b = DataFiles.readMaybeGzipped(file);
        ByteBuffer in = ByteBuffer.wrap(b);
        checkMagic(file, in, LABELS_MAGIC, "label");
        if (b.length < 8) {
            throw new UserError(file + ": truncated: the IDX header needs 8 bytes, the file has " + b.length);
        }
        int count = in.getInt();
        if (count < 0) {
            throw new UserError(file + ": bad IDX header: " + count + " labels");
        }
        if (b.length - 8L < count) {
            throw new UserError(file + ": truncated: header says " + count + " labels but the file ends after "
                    + (b.length - 8) + " labels");
        }
        if (b.length - 8L > count) {
            throw new UserError(file + ": header says " + count + " labels but " + (b.length - 8) + " follow it");
        }
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = b[8 + i] & 0xff;
        }
        return labels;
    }

    /**
     * Reads images and their labels into a 1-channel dataset with {@code classNames} (labels must be
     * below their count) and the given normalisation.
     */
    public static Dataset read(Path images, Path labels, List<String> classNames, Normalization normalization) {
        Images im = readImages(images);
        int[] lab = readLabels(labels);
        if (lab.length != im.count()) {
            throw new UserError(labels + ": " + lab.length + " labels for the " + im.count() + " images of "
                    + images);
        }
        for (int i = 0; i < lab.length; i++) {
            if (lab[i] >= classNames.size()) {
                throw new UserError(labels + ": label " + lab[i] + " of image " + i + " is not below the "
                        + classNames.size() + " classes");
            }
        }
        return Dataset.of(images.getFileName().toString(), im.pixels(), lab, 1, im.rows(), im.cols(),
                classNames, normalization);
    }

    /**
     * The label file that belongs to an image file, found beside it by name: {@code images} → {@code
     * labels} and {@code idx3} → {@code idx1} ({@code t10k-images-idx3-ubyte.gz} → {@code
     * t10k-labels-idx1-ubyte.gz}), with or without {@code .gz}. A missing file is a {@link UserError}.
     */
    public static Path labelsFor(Path images) {
        String name = images.getFileName().toString();
        String base = name.replace("images", "labels").replace("idx3", "idx1");
        if (base.equals(name)) {
            throw new UserError(images + ": cannot derive the labels file name (expected \"images\" or \"idx3\""
                    + " in the name, as in t10k-images-idx3-ubyte.gz)");
        }
        String stem = base.endsWith(".gz") ? base.substring(0, base.length() - 3) : base;
        Path dir = images.toAbsolutePath().getParent();
        for (String candidate : new String[] {base, stem, stem + ".gz"}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new UserError(images + ": no labels file beside it (looked for " + dir.resolve(stem) + "[.gz])");
    }

    private static void checkMagic(Path file, ByteBuffer in, int expected, String what) {
        if (in.remaining() < 4) {
            throw new UserError(file + ": truncated: not an IDX " + what + " file (" + in.remaining() + " bytes)");
        }
        int magic = in.getInt();
        if (magic != expected) {
            throw new UserError(String.format("%s: not an IDX %s file (magic number 0x%08x, expected 0x%08x)",
                    file, what, magic, expected));
        }
    }
}
