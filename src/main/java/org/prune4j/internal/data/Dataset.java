package org.prune4j.internal.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A labelled image-classification dataset held in memory.
 *
 * <p>Pixels are kept as 8-bit values in {@code [N, C, H, W]} order (a quarter of the memory of floats)
 * and normalised with {@link #normalization()} when an image is read as floats
 * ({@link #image(int, float[], int)}) or batched ({@link DataLoader}). Datasets are immutable; {@link
 * #withNormalization}, {@link #range} and {@link #select} return views that share the pixels.
 */
public final class Dataset {
    private final String name;
    private final byte[] pixels;
    private final int[] labels;
    private final int[] index; // rows of pixels/labels in this view, or null for all
    private final int channels;
    private final int height;
    private final int width;
    private final List<String> classNames;
    private final Normalization normalization;
    private final float[][] tables; // per channel: normalised value of each pixel value

    private Dataset(String name, byte[] pixels, int[] labels, int[] index, int channels, int height, int width,
            List<String> classNames, Normalization normalization) {
        this.name = name;
        this.pixels = pixels;
        this.labels = labels;
        this.index = index;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classNames = classNames;
        this.normalization = normalization.forChannels(channels);
        this.tables = new float[channels][];
        for (int c = 0; c < channels; c++) {
            tables[c] = this.normalization.table(c);
        }
    }

    /**
     * A dataset over {@code pixels} ({@code labels.length × channels × height × width} bytes, CHW per
     * image) and {@code labels} (each in {@code [0, classNames.size())}). The arrays are not copied: the
     * caller hands them over.
     */
    public static Dataset of(String name, byte[] pixels, int[] labels, int channels, int height, int width,
            List<String> classNames, Normalization normalization) {
        Objects.requireNonNull(name);
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("bad image size " + channels + "x" + height + "x" + width);
        }
        if ((long) labels.length * channels * height * width != pixels.length) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixel bytes for " + labels.length
                    + " images of " + channels + "x" + height + "x" + width);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of image " + i
                        + " outside [0, " + classNames.size() + ")");
            }
        }
        return new Dataset(name, pixels, labels, null, channels, height, width, List.copyOf(classNames),
                normalization);
    }

    /** Class names {@code "0"}, {@code "1"}, ... for datasets that ship none. */
    public static List<String> numberedClasses(int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(Integer.toString(i));
        }
        return Collections.unmodifiableList(out);
    }

    /** A name for messages, e.g. {@code "cifar10 test"} or the file it came from. */
    public String name() {
        return name;
    }

    /** Number of images. */
    public int size() {
        return index == null ? labels.length : index.length;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Values per image, {@code C·H·W}. */
    public int imageSize() {
        return channels * height * width;
    }

    /** Class names, index = label. */
    public List<String> classNames() {
        return classNames;
    }

    public int numClasses() {
        return classNames.size();
    }

    public Normalization normalization() {
        return normalization;
    }

    /** The same images under another name. */
    public Dataset withName(String newName) {
        return new Dataset(Objects.requireNonNull(newName), pixels, labels, index, channels, height, width,
                classNames, normalization);
    }

    /** The same images normalised with {@code n} (widened or narrowed to this dataset's channels). */
    public Dataset withNormalization(Normalization n) {
        return new Dataset(name, pixels, labels, index, channels, height, width, classNames, n);
    }

    /** The label of image {@code i}. */
    public int label(int i) {
        return labels[row(i)];
    }

    /** All labels, in order (a copy). */
    public int[] labels() {
        int[] out = new int[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = label(i);
        }
        return out;
    }

    /** Number of images per class. */
    public int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int i = 0; i < size(); i++) {
            counts[label(i)]++;
        }
        return counts;
    }

    /** Copies the raw 8-bit pixels of image {@code i} (CHW) into {@code dst} at {@code offset}. */
    public void pixels(int i, byte[] dst, int offset) {
        int n = imageSize();
        System.arraycopy(pixels, row(i) * n, dst, offset, n);
    }

    /** Writes the normalised image {@code i} (CHW floats) into {@code dst} at {@code offset}. */
    public void image(int i, float[] dst, int offset) {
        int plane = height * width;
        int base = row(i) * imageSize();
        for (int c = 0; c < channels; c++) {
            float[] t = tables[c];
            int from = base + c * plane;
            int to = offset + c * plane;
            for (int k = 0; k < plane; k++) {
                dst[to + k] = t[pixels[from + k] & 0xff];
            }
        }
    }

    /** Normalises one raw CHW image of this dataset's size from {@code src} into {@code dst} at {@code offset}. */
    void normalize(byte[] src, float[] dst, int offset) {
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            float[] t = tables[c];
            int from = c * plane;
            int to = offset + c * plane;
            for (int k = 0; k < plane; k++) {
                dst[to + k] = t[src[from + k] & 0xff];
            }
        }
    }

    /** The normalised image {@code i} as CHW floats. */
    public float[] image(int i) {
        float[] out = new float[imageSize()];
        image(i, out, 0);
        return out;
    }

    /** Images {@code [from, to)} of this dataset. */
    public Dataset range(int from, int to) {
        Objects.checkFromToIndex(from, to, size());
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = row(from + i);
        }
        return new Dataset(name, pixels, labels, idx, channels, height, width, classNames, normalization);
    }

    /** The images at {@code positions} (positions in this dataset, repeats allowed), in that order. */
    public Dataset select(int[] positions) {
        int[] idx = new int[positions.length];
        for (int i = 0; i < idx.length; i++) {
            Objects.checkIndex(positions[i], size());
            idx[i] = row(positions[i]);
        }
        return new Dataset(name, pixels, labels, idx, channels, height, width, classNames, normalization);
    }

    private int row(int i) {
        if (index == null) {
            Objects.checkIndex(i, labels.length);
            return i;
        }
        return index[i];
    }

    @Override
    public String toString() {
        return "Dataset[" + name + ", " + size() + " images " + channels + "x" + height + "x" + width + ", "
                + numClasses() + " classes]";
    }
}
