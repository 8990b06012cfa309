package org.prune4j.internal.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;

class IdxFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsGzippedMnistFixture() {
        IdxFiles.Images im = IdxFiles.readImages(DataFixtures.mnistTestImages());
        assertEquals(300, im.count());
        assertEquals(28, im.rows());
        assertEquals(28, im.cols());
        long sum = 0;
        for (int i = 0; i < 784; i++) {
            sum += im.pixels()[i] & 0xff;
        }
        assertEquals(18454, sum, "pixel sum of the first MNIST test image (a 7)");
        int[] labels = IdxFiles.readLabels(IdxFiles.labelsFor(DataFixtures.mnistTestImages()));
        assertArrayEquals(new int[] {7, 2, 1, 0, 4, 1, 4, 9}, Arrays.copyOf(labels, 8));
    }

    @Test
    void rawAndGzippedFilesGiveTheSameDataset() throws IOException {
        Path raw = dir.resolve("t10k-images-idx3-ubyte");
        Path rawLabels = dir.resolve("t10k-labels-idx1-ubyte");
        Files.write(raw, gunzip(DataFixtures.mnistTestImages()));
        Files.write(rawLabels, gunzip(IdxFiles.labelsFor(DataFixtures.mnistTestImages())));
        assertEquals(rawLabels, IdxFiles.labelsFor(raw));
        Dataset a = IdxFiles.read(raw, rawLabels, Dataset.numberedClasses(10), Normalization.MNIST);
        Dataset b = IdxFiles.read(DataFixtures.mnistTestImages(),
                IdxFiles.labelsFor(DataFixtures.mnistTestImages()), Dataset.numberedClasses(10), Normalization.MNIST);
        assertEquals(300, a.size());
        assertArrayEquals(a.labels(), b.labels());
        assertArrayEquals(a.image(299), b.image(299));
        assertEquals(1, a.channels());
        // normalisation: background pixel 0 maps to -mean/std
        assertEquals(-0.1307f / 0.3081f, a.image(0)[0], 1e-6);
    }

    @Test
    void wrongMagicNumberIsAUserErrorNamingTheFile() throws IOException {
        Path labelsAsImages = dir.resolve("x-images-idx3-ubyte");
        Files.write(labelsAsImages, gunzip(IdxFiles.labelsFor(DataFixtures.mnistTestImages())));
        UserError e = assertThrows(UserError.class, () -> IdxFiles.readImages(labelsAsImages));
        assertTrue(e.getMessage().contains(labelsAsImages.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("magic number 0x00000801, expected 0x00000803"), e.getMessage());
        UserError e2 = assertThrows(UserError.class, () -> IdxFiles.readLabels(DataFixtures.mnistTestImages()));
        assertTrue(e2.getMessage().contains("not an IDX label file"), e2.getMessage());
    }

    @Test
    void truncatedRecordsAreAUserError() throws IOException {
        byte[] full = gunzip(DataFixtures.mnistTestImages());
        Path cut = dir.resolve("cut-images-idx3-ubyte");
        Files.write(cut, Arrays.copyOf(full, 16 + 784 * 10 + 100));
        UserError e = assertThrows(UserError.class, () -> IdxFiles.readImages(cut));
        assertEquals(cut + ": truncated: header says 300 images of 28x28 but the file ends after 10 images",
                e.getMessage());
        Path cutLabels = dir.resolve("cut-labels-idx1-ubyte");
        Files.write(cutLabels, Arrays.copyOf(gunzip(IdxFiles.labelsFor(DataFixtures.mnistTestImages())), 8 + 5));
        UserError e2 = assertThrows(UserError.class, () -> IdxFiles.readLabels(cutLabels));
        assertTrue(e2.getMessage().startsWith(cutLabels + ": truncated"), e2.getMessage());
        Path cutGz = dir.resolve("cutgz-images-idx3-ubyte.gz");
        byte[] gz = Files.readAllBytes(DataFixtures.mnistTestImages());
        Files.write(cutGz, Arrays.copyOf(gz, gz.length / 2));
        UserError e3 = assertThrows(UserError.class, () -> IdxFiles.readImages(cutGz));
        assertTrue(e3.getMessage().startsWith(cutGz + ": truncated"), e3.getMessage());
        Path tiny = dir.resolve("tiny-images-idx3-ubyte");
        Files.write(tiny, new byte[] {0, 0, 8});
        assertThrows(UserError.class, () -> IdxFiles.readImages(tiny));
    }

    @Test
    void labelCountMustMatchAndLabelsFileMustExist() throws IOException {
        Path images = dir.resolve("a-images-idx3-ubyte");
        Files.write(images, gunzip(DataFixtures.mnistTestImages()));
        UserError missing = assertThrows(UserError.class, () -> IdxFiles.labelsFor(images));
        assertTrue(missing.getMessage().contains("a-labels-idx1-ubyte"), missing.getMessage());
        Path labels = dir.resolve("a-labels-idx1-ubyte");
        byte[] l = gunzip(IdxFiles.labelsFor(DataFixtures.mnistTestImages()));
        byte[] shorter = Arrays.copyOf(l, 8 + 100);
        shorter[6] = 0;
        shorter[7] = 100; // count 100
        Files.write(labels, shorter);
        UserError e = assertThrows(UserError.class,
                () -> IdxFiles.read(images, labels, Dataset.numberedClasses(10), Normalization.MNIST));
        assertTrue(e.getMessage().contains("100 labels for the 300 images"), e.getMessage());
    }

    private static byte[] gunzip(Path p) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return in.readAllBytes();
        }
    }
}
