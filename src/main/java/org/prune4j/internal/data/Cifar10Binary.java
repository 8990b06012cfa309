package org.prune4j.internal.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.prune4j.UserError;

/**
 * Reader for the CIFAR-10 binary version ({@code data_batch_1.bin} ... {@code test_batch.bin}): records of
 * 3,073 bytes, one label byte (0–9) followed by the 1,024 red, 1,024 green and 1,024 blue bytes of a 32×32
 * image, each plane row-major. Files may be gzip-compressed.
 */
public final class Cifar10Binary {
    /** Bytes per record: one label and 3×32×32 pixels. */
    public static final int RECORD_BYTES = 1 + 3 * 32 * 32;
    /** The ten CIFAR-10 class names, index = label. */
    public static final List<String> CLASS_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");

    private Cifar10Binary() {}

    /**
     * Reads and concatenates the records of {@code files}. A file whose length is not a whole number of
     * records, or a label above 9, is a {@link UserError} naming it.
     */
    public static Dataset read(List<Path> files, Normalization normalization) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no CIFAR-10 files given");
        }
        List<byte[]> contents = new ArrayList<>();
        long records = 0;
        for (Path f : files) {
            byte[] b = DataFiles.readMaybeGzipped(f);
            if (b.length % RECORD_BYTES != 0) {
                throw new UserError(f + ": truncated: " + b.length + " bytes is not a whole number of "
                        + RECORD_BYTES + "-byte CIFAR-10 records (" + b.length / RECORD_BYTES + " complete, "
                        + b.length % RECORD_BYTES + " bytes left over)");
            }
            if (b.length == 0) {
                throw new UserError(f + ": empty file, expected CIFAR-10 records");
            }
            contents.add(b);
            records += b.length / RECORD_BYTES;
        }
        if (records * (RECORD_BYTES - 1) > Integer.MAX_VALUE - 16) {
            throw new UserError(files.get(0) + ": too many CIFAR-10 records to hold in memory (" + records + ")");
        }
        int n = (int) records;
        int image = RECORD_BYTES - 1;
        byte[] pixels = new byte[n * image];
        int[] labels = new int[n];
        int k = 0;
        for (int fi = 0; fi < files.size(); fi++) {
            byte[] b = contents.get(fi);
            for (int r = 0; r < b.length / RECORD_BYTES; r++, k++) {
                int label = b[r * RECORD_BYTES] & 0xff;
                if (label >= CLASS_NAMES.size()) {
                    throw new UserError(files.get(fi) + ": record " + r + " has label " + label
                            + "; CIFAR-10 labels are 0-9 (is this CIFAR-100 or another format?)");
                }
                labels[k] = label;
                System.arraycopy(b, r * RECORD_BYTES + 1, pixels, k * image, image);
            }
        }
        String name = files.size() == 1 ? files.get(0).getFileName().toString()
                : files.get(0).getFileName() + " (+" + (files.size() - 1) + " more)";
        return Dataset.of(name, pixels, labels, 3, 32, 32, classNames(files.get(0)), normalization);
    }

    /** Reads one file. */
    public static Dataset read(Path file, Normalization normalization) {
        return read(List.of(file), normalization);
    }

    /** Class names from {@code batches.meta.txt} beside {@code file} when it lists ten, else the standard ones. */
    private static List<String> classNames(Path file) {
        Path meta = file.toAbsolutePath().resolveSibling("batches.meta.txt");
        if (Files.isRegularFile(meta)) {
            try {
                List<String> names = Files.readAllLines(meta, StandardCharsets.UTF_8).stream()
                        .map(String::strip).filter(s -> !s.isEmpty()).toList();
                if (names.size() == CLASS_NAMES.size()) {
                    return names;
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // fall back to the standard names
            }
        }
        return CLASS_NAMES;
    }
}
