package org.prune4j.internal.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;

class DatasetsTest {
    @TempDir
    Path dir;

    @Test
    void findsTheFixturesUnderTheDataDirectory() {
        DatasetLocation fm = Datasets.find("fashion-mnist", DataFixtures.dataDir());
        assertEquals(DataFixtures.dataDir().resolve("fashion-mnist"), fm.directory());
        Dataset train = fm.train();
        assertEquals("fashion-mnist train", train.name());
        assertEquals(300, train.size());
        assertArrayEquals(new int[] {9, 0, 0, 3, 0, 2, 7, 2}, Arrays.copyOf(train.labels(), 8));
        assertEquals("Ankle boot", train.classNames().get(9));
        assertEquals(Normalization.FASHION_MNIST, train.normalization());
        assertArrayEquals(new int[] {9, 2, 1, 1, 6, 1, 4, 6}, Arrays.copyOf(fm.test().labels(), 8));

        DatasetLocation mnist = Datasets.find("MNIST", DataFixtures.dataDir());
        assertTrue(mnist.hasTest());
        assertFalse(mnist.hasTrain());
        UserError noTrain = assertThrows(UserError.class, mnist::train);
        assertTrue(noTrain.getMessage().contains("train-images-idx3-ubyte[.gz]"), noTrain.getMessage());

        DatasetLocation cifar = Datasets.find("cifar10", DataFixtures.dataDir());
        assertEquals(200, cifar.test().size());
        assertEquals(Normalization.CIFAR10, cifar.test().normalization());
    }

    @Test
    void missingDatasetSaysWhereItLookedAndHowToGetIt() {
        assumeFalse(Files.isDirectory(Datasets.DEBIAN_FASHION_MNIST), "dataset-fashion-mnist is installed here");
        UserError e = assertThrows(UserError.class, () -> Datasets.find("fashion-mnist", dir));
        assertTrue(e.getMessage().contains(dir.resolve("fashion-mnist").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("/usr/share/datasets/fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        UserError c = assertThrows(UserError.class, () -> Datasets.find("cifar10", dir));
        assertTrue(c.getMessage().contains("cifar-10-binary.tar.gz"), c.getMessage());
        assertFalse(c.getMessage().contains("\n"));
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        UserError e = assertThrows(UserError.class, () -> Datasets.find("imagenet", dir));
        assertEquals("unknown dataset imagenet; known datasets: fashion-mnist, mnist, cifar10", e.getMessage());
    }

    @Test
    void findsTorchvisionAndOfficialLayouts() throws Exception {
        Path raw = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
        Files.copy(DataFixtures.cifarTest(), raw.resolve("data_batch_1.bin"));
        DatasetLocation loc = Datasets.find("cifar-10", dir);
        assertEquals(raw, loc.directory());
        assertTrue(loc.hasTrain());
        assertFalse(loc.hasTest());
        assertEquals(200, loc.train().size());
        UserError e = assertThrows(UserError.class, loc::test);
        assertTrue(e.getMessage().contains("test_batch.bin"), e.getMessage());
    }
}
