package org.prune4j.internal.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The datasets {@link Datasets#find} knows: file names, statistics, classes, and where to get them. */
enum KnownDataset {
    FASHION_MNIST("fashion-mnist", List.of("fashion-mnist", "FashionMNIST/raw", "fashion_mnist"),
            Normalization.FASHION_MNIST, List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
                    "Shirt", "Sneaker", "Bag", "Ankle boot")),
    MNIST("mnist", List.of("mnist", "MNIST/raw"), Normalization.MNIST, Dataset.numberedClasses(10)),
    CIFAR10("cifar10", List.of("cifar10", "cifar-10-batches-bin", "cifar-10"), Normalization.CIFAR10,
            Cifar10Binary.CLASS_NAMES);

    private final String id;
    private final List<String> subdirectories;
    private final Normalization normalization;
    private final List<String> classNames;

    KnownDataset(String id, List<String> subdirectories, Normalization normalization, List<String> classNames) {
        this.id = id;
        this.subdirectories = subdirectories;
        this.normalization = normalization;
        this.classNames = classNames;
    }

    String id() {
        return id;
    }

    /** Sub-directories of a data directory where the files may be, most usual first. */
    List<String> subdirectories() {
        return subdirectories;
    }

    Normalization normalization() {
        return normalization;
    }

    List<String> classNames() {
        return classNames;
    }

    String idxImages(boolean train) {
        return (train ? "train" : "t10k") + "-images-idx3-ubyte";
    }

    String idxLabels(boolean train) {
        return (train ? "train" : "t10k") + "-labels-idx1-ubyte";
    }

    /** One sentence telling the user how to get the files into {@code dataDir} (may be null). */
    String howToGet(Path dataDir) {
        String dir = dataDir == null ? "<data-dir>" : dataDir.toString();
        return switch (this) {
            case FASHION_MNIST -> "install the Debian/Ubuntu package dataset-fashion-mnist (apt-get install"
                    + " dataset-fashion-mnist, files in " + Datasets.DEBIAN_FASHION_MNIST + ") or download"
                    + " {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz from"
                    + " https://github.com/zalandoresearch/fashion-mnist/tree/master/data/fashion into " + dir
                    + "/fashion-mnist/";
            case MNIST -> "download {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz from"
                    + " https://ossci-datasets.s3.amazonaws.com/mnist/ (torchvision's mirror of"
                    + " http://yann.lecun.com/exdb/mnist/) into " + dir + "/mnist/";
            case CIFAR10 -> "download the binary version https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"
                    + " and extract it into " + dir + " (it creates cifar-10-batches-bin/ with data_batch_1.bin"
                    + " ... data_batch_5.bin and test_batch.bin)";
        };
    }

    /** The dataset called {@code name} (case-insensitive, {@code _} or {@code -} alike), or null. */
    static KnownDataset lookup(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace('_', '-');
        for (KnownDataset k : values()) {
            if (k.id.equals(n) || k.id.replace("-", "").equals(n.replace("-", ""))) {
                return k;
            }
        }
        return null;
    }

    static KnownDataset of(String name) {
        KnownDataset k = lookup(name);
        if (k == null) {
            throw new IllegalArgumentException("unknown dataset " + name);
        }
        return k;
    }
}
