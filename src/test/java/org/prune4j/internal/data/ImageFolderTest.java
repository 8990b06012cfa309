package org.prune4j.internal.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;

class ImageFolderTest {
    @TempDir
    Path dir;

    @Test
    void pngFolderRoundTripsCifarPixelsExactly() throws IOException {
        Dataset cifar = Cifar10Binary.read(DataFixtures.cifarTest(), Normalization.UNIT);
        // class "b_ship" gets images 1 and 2 (label 8), class "a_cat" image 0 (label 3): sorted by folder name
        write(cifar, 0, dir.resolve("a_cat/0.png"), "png");
        write(cifar, 1, dir.resolve("b_ship/1.png"), "png");
        write(cifar, 2, dir.resolve("b_ship/2.png"), "png");
        Files.writeString(dir.resolve("b_ship/notes.txt"), "not an image");
        Dataset d = ImageFolder.read(dir, 3, Normalization.UNIT);
        assertEquals(List.of("a_cat", "b_ship"), d.classNames());
        assertArrayEquals(new int[] {0, 1, 1}, d.labels());
        for (int i = 0; i < 3; i++) {
            byte[] got = new byte[d.imageSize()];
            byte[] want = new byte[d.imageSize()];
            d.pixels(i, got, 0);
            cifar.pixels(i, want, 0);
            assertArrayEquals(want, got, "image " + i);
        }
    }

    @Test
    void jpegAndGreyscaleAreDecoded() throws IOException {
        Dataset cifar = Cifar10Binary.read(DataFixtures.cifarTest(), Normalization.UNIT);
        write(cifar, 0, dir.resolve("x/0.jpg"), "jpg");
        Dataset rgb = ImageFolder.read(dir, 3, Normalization.UNIT);
        byte[] got = new byte[rgb.imageSize()];
        byte[] want = new byte[rgb.imageSize()];
        rgb.pixels(0, got, 0);
        cifar.pixels(0, want, 0);
        double mae = 0;
        for (int k = 0; k < got.length; k++) {
            mae += Math.abs((got[k] & 0xff) - (want[k] & 0xff)) / (double) got.length;
        }
        assertTrue(mae < 12, "JPEG round trip mean abs error " + mae);
        Dataset grey = ImageFolder.read(dir, 1, Normalization.UNIT);
        assertEquals(1, grey.channels());
        byte[] g = new byte[grey.imageSize()];
        grey.pixels(0, g, 0);
        int expected = (int) Math.round(0.299 * (got[0] & 0xff) + 0.587 * (got[1024] & 0xff) + 0.114 * (got[2048] & 0xff));
        assertEquals(expected, g[0] & 0xff);
    }

    @Test
    void badFoldersAreUserErrors() throws IOException {
        Files.createDirectories(dir.resolve("empty/cls"));
        assertThrows(UserError.class, () -> ImageFolder.read(dir.resolve("empty"), 3, Normalization.UNIT));
        assertThrows(UserError.class, () -> ImageFolder.read(dir.resolve("nothing-here"), 3, Normalization.UNIT));
        Path mixed = dir.resolve("mixed");
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", mkdirs(mixed.resolve("a/1.png")).toFile());
        ImageIO.write(new BufferedImage(9, 8, BufferedImage.TYPE_INT_RGB), "png", mkdirs(mixed.resolve("b/2.png")).toFile());
        UserError e = assertThrows(UserError.class, () -> ImageFolder.read(mixed, 3, Normalization.UNIT));
        assertTrue(e.getMessage().contains("2.png: image is 9x8"), e.getMessage());
        Path broken = dir.resolve("broken");
        Files.write(mkdirs(broken.resolve("a/1.png")), new byte[] {1, 2, 3});
        UserError e2 = assertThrows(UserError.class, () -> ImageFolder.read(broken, 3, Normalization.UNIT));
        assertTrue(e2.getMessage().contains("1.png"), e2.getMessage());
    }

    private static Path mkdirs(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return file;
    }

    private static void write(Dataset d, int i, Path file, String format) throws IOException {
        byte[] px = new byte[d.imageSize()];
        d.pixels(i, px, 0);
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int k = y * 32 + x;
                img.setRGB(x, y, (px[k] & 0xff) << 16 | (px[1024 + k] & 0xff) << 8 | (px[2048 + k] & 0xff));
            }
        }
        ImageIO.write(img, format, mkdirs(file).toFile());
    }
}
