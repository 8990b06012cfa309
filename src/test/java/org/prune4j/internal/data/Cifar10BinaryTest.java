package org.prune4j.internal.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;

class Cifar10BinaryTest {
    @TempDir
    Path dir;

    @Test
    void readsTheFixtureInRecordOrder() {
        Dataset d = Cifar10Binary.read(DataFixtures.cifarTest(), Normalization.UNIT);
        assertEquals(200, d.size());
        assertEquals(3, d.channels());
        assertEquals(32, d.height());
        assertEquals(32, d.width());
        assertArrayEquals(new int[] {3, 8, 8, 0, 6, 6, 1, 6, 3, 1}, Arrays.copyOf(d.labels(), 10));
        assertArrayEquals(new int[] {20, 14, 21, 19, 15, 18, 26, 18, 28, 21}, d.classCounts());
        assertEquals("cat", d.classNames().get(3));
        byte[] px = new byte[d.imageSize()];
        d.pixels(0, px, 0);
        // first pixel of the first test image is (158, 112, 49): R, G and B planes
        assertEquals(158, px[0] & 0xff);
        assertEquals(112, px[1024] & 0xff);
        assertEquals(49, px[2048] & 0xff);
        long sum = 0;
        for (byte b : px) {
            sum += b & 0xff;
        }
        assertEquals(332962, sum);
        float[] f = d.image(0);
        assertEquals(158 / 255f, f[0], 1e-6);
    }

    @Test
    void concatenatesFilesAndNormalisesPerChannel() throws IOException {
        byte[] all = Files.readAllBytes(DataFixtures.cifarTest());
        Path a = dir.resolve("a.bin");
        Path b = dir.resolve("b.bin");
        Files.write(a, Arrays.copyOfRange(all, 0, 50 * Cifar10Binary.RECORD_BYTES));
        Files.write(b, Arrays.copyOfRange(all, 50 * Cifar10Binary.RECORD_BYTES, 60 * Cifar10Binary.RECORD_BYTES));
        Dataset d = Cifar10Binary.read(List.of(a, b), Normalization.IMAGENET);
        assertEquals(60, d.size());
        Dataset ref = Cifar10Binary.read(DataFixtures.cifarTest(), Normalization.IMAGENET).range(0, 60);
        assertArrayEquals(ref.labels(), d.labels());
        assertArrayEquals(ref.image(55), d.image(55));
        float[] f = d.image(0);
        assertEquals((158 / 255f - 0.485f) / 0.229f, f[0], 1e-5);
        assertEquals((112 / 255f - 0.456f) / 0.224f, f[1024], 1e-5);
        assertEquals((49 / 255f - 0.406f) / 0.225f, f[2048], 1e-5);
    }

    @Test
    void truncatedFileIsAUserErrorNamingIt() throws IOException {
        byte[] all = Files.readAllBytes(DataFixtures.cifarTest());
        Path cut = dir.resolve("cut.bin");
        Files.write(cut, Arrays.copyOf(all, 3 * Cifar10Binary.RECORD_BYTES + 1000));
        UserError e = assertThrows(UserError.class, () -> Cifar10Binary.read(cut, Normalization.CIFAR10));
        assertTrue(e.getMessage().startsWith(cut + ": truncated:"), e.getMessage());
        assertTrue(e.getMessage().contains("3 complete"), e.getMessage());
    }

    @Test
    void labelAboveNineIsAUserError() throws IOException {
        byte[] rec = Arrays.copyOf(Files.readAllBytes(DataFixtures.cifarTest()), 2 * Cifar10Binary.RECORD_BYTES);
        rec[Cifar10Binary.RECORD_BYTES] = 42;
        Path p = dir.resolve("bad.bin");
        Files.write(p, rec);
        UserError e = assertThrows(UserError.class, () -> Cifar10Binary.read(p, Normalization.CIFAR10));
        assertTrue(e.getMessage().contains("record 1 has label 42"), e.getMessage());
    }
}
