package org.prune4j.internal.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;

/** Regression tests for hostile IDX headers found by fuzzing (issue 14). */
class IdxHostileHeaderTest {
    @TempDir
    Path dir;

    private Path images(int count, int rows, int cols, int pixelBytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16 + pixelBytes).putInt(IdxFiles.IMAGES_MAGIC).putInt(count).putInt(rows)
                .putInt(cols);
        return Files.write(Files.createTempFile(dir, "img", ".idx3"), b.array());
    }

    private static String fails(Path f) {
        return assertThrows(UserError.class, () -> IdxFiles.readImages(f)).getMessage();
    }

    @Test
    void anOverflowingHeaderProductIsTruncationNotAnInternalError() throws IOException {
        // 2^31-1 × 46341 × 46341 overflows 64-bit arithmetic only if computed naively; here it is clamped
        String m = fails(images(Integer.MAX_VALUE, 4096, 4096, 0));
        assertTrue(m.contains("truncated: header says 2147483647 images of 4096x4096 but the file ends after 0"), m);
        String huge = fails(images(1, 46341, 46341, 0));
        assertTrue(huge.contains("bad IDX header") && huge.contains("images above 16777216 pixels"), huge);
    }

    @Test
    void zeroImagesOrDimensionsThatDisagreeWithThePixelsAreRefused() throws IOException {
        assertTrue(fails(images(0, 28, 28, 0)).contains("bad IDX header: 0 images"));
        String m = fails(images(2, 2, 2, 12));
        assertTrue(m.contains("header says 2 images of 2x2 (8 bytes) but 12 bytes of pixels follow it"), m);
    }

    @Test
    void aGzipBombStopsAtTheCap() throws IOException {
        long cap = 8 << 20;
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(raw)) {
            byte[] zeros = new byte[1 << 20];
            for (long written = 0; written <= cap; written += zeros.length) {
                gz.write(zeros);
            }
        }
        Path f = Files.write(dir.resolve("bomb-images-idx3-ubyte.gz"), raw.toByteArray());
        String m = assertThrows(UserError.class, () -> DataFiles.readMaybeGzipped(f, cap)).getMessage();
        assertTrue(m.contains("decompresses to more than 8 MiB"), m);
    }
}
