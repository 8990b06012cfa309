package org.prune4j.internal.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Cuts a {@link Dataset} into mini-batches of NDArrays, deterministically.
 *
 * <p>The order of epoch {@code e} is a permutation drawn from {@code (seed, e)} alone (or the dataset order
 * when not shuffling), and the augmentation of an image in epoch {@code e} from {@code (seed, e, image)}
 * alone, so a run is reproducible, any batch can be rebuilt on its own ({@link #batch}), and resuming at
 * an epoch needs no replay.
 */
public final class DataLoader {
    private final Dataset data;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final Augmentation augmentation;
    private final long seed;
    private int cachedEpoch = -1;
    private int[] cachedOrder;

    /**
     * @param data the images
     * @param batchSize images per batch (the last batch may be smaller unless {@code dropLast})
     * @param shuffle draw a new order every epoch
     * @param dropLast leave out the final incomplete batch
     * @param augmentation applied to every image (use {@link Augmentation#NONE} for evaluation)
     * @param seed seed of the shuffling and of the augmentation
     */
    public DataLoader(Dataset data, int batchSize, boolean shuffle, boolean dropLast, Augmentation augmentation,
            long seed) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        this.data = Objects.requireNonNull(data);
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.augmentation = Objects.requireNonNull(augmentation);
        this.seed = seed;
    }

    /** A loader for training: shuffled, incomplete last batch dropped, with {@code augmentation}. */
    public static DataLoader training(Dataset data, int batchSize, Augmentation augmentation, long seed) {
        return new DataLoader(data, batchSize, true, true, augmentation, seed);
    }

    /** A loader for evaluation: dataset order, every image once, no augmentation. */
    public static DataLoader evaluation(Dataset data, int batchSize) {
        return new DataLoader(data, batchSize, false, false, Augmentation.NONE, 0);
    }

    public Dataset dataset() {
        return data;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Number of batches in one epoch. */
    public int batchesPerEpoch() {
        int n = data.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The dataset positions in the order epoch {@code epoch} visits them (a fresh copy). */
    public int[] order(int epoch) {
        return orderOf(epoch).clone();
    }

    private synchronized int[] orderOf(int epoch) {
        if (epoch != cachedEpoch) {
            int n = data.size();
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            if (shuffle) {
                SplittableRandom rng = new SplittableRandom(mix(seed, epoch, -1));
                for (int i = n - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
            }
            cachedOrder = order;
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }

    /** Batch {@code index} of epoch {@code epoch}, created in {@code manager}. */
    public Batch batch(int epoch, int index, NDManager manager) {
        Objects.checkIndex(index, batchesPerEpoch());
        int[] order = orderOf(epoch);
        int from = index * batchSize;
        int b = Math.min(batchSize, order.length - from);
        int[] positions = new int[b];
        System.arraycopy(order, from, positions, 0, b);
        int size = data.imageSize();
        float[] images = new float[b * size];
        long[] labels = new long[b];
        byte[] raw = new byte[size];
        byte[] augmented = new byte[size];
        for (int i = 0; i < b; i++) {
            int p = positions[i];
            labels[i] = data.label(p);
            if (augmentation.isIdentity()) {
                data.image(p, images, i * size);
            } else {
                data.pixels(p, raw, 0);
                SplittableRandom rng = new SplittableRandom(mix(seed, epoch, p));
                augmentation.apply(raw, 0, data.channels(), data.height(), data.width(), rng, augmented, 0);
                data.normalize(augmented, images, i * size);
            }
        }
        NDArray x = manager.create(images, new Shape(b, data.channels(), data.height(), data.width()));
        NDArray y = manager.create(labels, new Shape(b));
        return new Batch(x, y, positions);
    }

    /**
     * The batches of epoch {@code epoch}, each created in {@code manager} when the iterator reaches it;
     * close each batch (or a sub-manager) when done with it.
     */
    public Iterable<Batch> epoch(int epoch, NDManager manager) {
        return () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < batchesPerEpoch();
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return batch(epoch, next++, manager);
            }
        };
    }

    /** SplitMix64-style mixing of the seed with an epoch and an image position. */
    static long mix(long seed, long epoch, long position) {
        long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1) + 0xBF58476D1CE4E5B9L * (position + 2);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
