package org.prune4j.internal.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.prune4j.UserError;

/**
 * A known dataset ({@code fashion-mnist}, {@code mnist}, {@code cifar10}) found in a directory; see {@link
 * Datasets#find}. The splits are read when asked for.
 *
 * @param name the dataset name
 * @param directory the directory holding its files
 */
public record DatasetLocation(String name, Path directory) {

    /** True when the training split's files are present. */
    public boolean hasTrain() {
        return missing(true).isEmpty();
    }

    /** True when the test split's files are present. */
    public boolean hasTest() {
        return missing(false).isEmpty();
    }

    /**
     * The training split, normalised with the dataset's own statistics (see {@link
     * Dataset#withNormalization} to use a model's). For CIFAR-10 it concatenates whichever of {@code
     * data_batch_1.bin} ... {@code data_batch_5.bin} are present, in order.
     */
    public Dataset train() {
        return read(true);
    }

    /** The test split ({@code t10k-*} or {@code test_batch.bin}), normalised with the dataset's statistics. */
    public Dataset test() {
        return read(false);
    }

    private Dataset read(boolean train) {
        KnownDataset kind = KnownDataset.of(name);
        List<String> missing = missing(train);
        if (!missing.isEmpty()) {
            throw new UserError(name + " " + (train ? "training" : "test") + " split not found in " + directory
                    + ": missing " + String.join(", ", missing) + "; " + kind.howToGet(directory.getParent()));
        }
        String split = train ? "train" : "test";
        Dataset d;
        if (kind == KnownDataset.CIFAR10) {
            d = Cifar10Binary.read(cifarFiles(train), kind.normalization());
        } else {
            Path images = find(kind.idxImages(train));
            Path labels = find(kind.idxLabels(train));
            d = IdxFiles.read(images, labels, kind.classNames(), kind.normalization());
        }
        return d.withName(name + " " + split);
    }

    List<String> missing(boolean train) {
        KnownDataset kind = KnownDataset.of(name);
        List<String> out = new ArrayList<>();
        if (kind == KnownDataset.CIFAR10) {
            if (cifarFiles(train).isEmpty()) {
                out.add(train ? "data_batch_1.bin ... data_batch_5.bin" : "test_batch.bin");
            }
        } else {
            for (String f : List.of(kind.idxImages(train), kind.idxLabels(train))) {
                if (find(f) == null) {
                    out.add(f + "[.gz]");
                }
            }
        }
        return out;
    }

    private List<Path> cifarFiles(boolean train) {
        List<Path> out = new ArrayList<>();
        List<String> names = train
                ? List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                        "data_batch_5.bin")
                : List.of("test_batch.bin");
        for (String n : names) {
            Path p = find(n);
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    /** {@code directory/file}, or {@code directory/file.gz}, or null. */
    private Path find(String file) {
        for (String n : new String[] {file, file + ".gz"}) {
            Path p = directory.resolve(n);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
