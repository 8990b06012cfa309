package org.prune4j.internal.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.prune4j.UserError;

/**
 * Finds the standard image-classification datasets on disk.
 *
 * <p>Where it looks, for a data directory {@code D} (the {@code --data-dir} option; may be null):
 * <ul>
 *   <li>{@code fashion-mnist}: {@code D/fashion-mnist}, {@code D/FashionMNIST/raw}, {@code D/fashion_mnist},
 *       {@code D}, then {@code /usr/share/datasets/fashion-mnist} (Debian package {@code
 *       dataset-fashion-mnist}). Files {@code {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]}.</li>
 *   <li>{@code mnist}: {@code D/mnist}, {@code D/MNIST/raw}, {@code D}; same file names.</li>
 *   <li>{@code cifar10}: {@code D/cifar10}, {@code D/cifar-10-batches-bin}, {@code D/cifar-10}, {@code D}.
 *       Files {@code data_batch_1.bin} ... {@code data_batch_5.bin}, {@code test_batch.bin} (binary
 *       version).</li>
 * </ul>
 * The first directory holding a complete split of the dataset wins. When none does, the {@link UserError}
 * lists the places searched and says how to get the files.
 */
public final class Datasets {
    /** Where Debian's {@code dataset-fashion-mnist} package installs its files. */
    public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    /** The dataset names {@link #find} accepts. */
    public static final List<String> NAMES = Arrays.stream(KnownDataset.values()).map(KnownDataset::id).toList();

    private Datasets() {}

    /**
     * Finds dataset {@code name} ({@code "fashion-mnist"}, {@code "mnist"} or {@code "cifar10"}) under
     * {@code dataDir} (may be null) or in its system location. Unknown name or no files → {@link UserError}.
     */
    public static DatasetLocation find(String name, Path dataDir) {
        KnownDataset kind = KnownDataset.lookup(name);
        if (kind == null) {
            throw new UserError("unknown dataset " + name + "; known datasets: " + String.join(", ", NAMES));
        }
        List<Path> searched = candidates(kind, dataDir);
        for (Path dir : searched) {
            if (Files.isDirectory(dir)) {
                DatasetLocation loc = new DatasetLocation(kind.id(), dir);
                if (loc.hasTest() || loc.hasTrain()) {
                    return loc;
                }
            }
        }
        List<String> where = searched.stream().map(Path::toString).toList();
        throw new UserError("dataset " + kind.id() + " not found (looked in " + String.join(", ", where)
                + "); " + kind.howToGet(dataDir));
    }

    /** The directories {@link #find} searches for {@code name}, in order. */
    public static List<Path> candidates(String name, Path dataDir) {
        KnownDataset kind = KnownDataset.lookup(name);
        if (kind == null) {
            throw new UserError("unknown dataset " + name + "; known datasets: " + String.join(", ", NAMES));
        }
        return candidates(kind, dataDir);
    }

    private static List<Path> candidates(KnownDataset kind, Path dataDir) {
        List<Path> out = new ArrayList<>();
        if (dataDir != null) {
            for (String sub : kind.subdirectories()) {
                out.add(dataDir.resolve(sub));
            }
            out.add(dataDir);
        }
        if (kind == KnownDataset.FASHION_MNIST) {
            out.add(DEBIAN_FASHION_MNIST);
        }
        return out;
    }
}
