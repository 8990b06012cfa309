package org.prune4j.internal.data;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.prune4j.UserError;

/** Reads a data file whole, gunzipping it when it starts with the gzip magic bytes. */
final class DataFiles {
    private DataFiles() {}

    static byte[] readMaybeGzipped(Path file) {
        return readMaybeGzipped(file, Math.min(Integer.MAX_VALUE - 16L, Runtime.getRuntime().maxMemory() / 4));
    }

    /** As {@link #readMaybeGzipped(Path)}, decompressing at most {@code cap} bytes (a gzip bomb is an error). */
    static byte[] readMaybeGzipped(Path file, long cap) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            throw new UserError(file + ": too large to load into memory", e);
        }
        if (raw.length < 2 || (raw[0] & 0xff) != 0x1f || (raw[1] & 0xff) != 0x8b) {
            return raw;
        }
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
            byte[] out = in.readNBytes((int) cap);
            if (in.read() != -1) {
                throw new UserError(file + ": decompresses to more than " + (cap >> 20) + " MiB (a quarter of the Java"
                        + " heap, or the size a data file may have)");
            }
            return out;
        } catch (EOFException e) {
            throw new UserError(file + ": truncated gzip data");
        } catch (ZipException e) {
            throw new UserError(file + ": corrupt gzip data: " + String.valueOf(e.getMessage()).replaceAll("\\p{Cntrl}", "?"), e);
        } catch (IOException e) {
            throw new UserError(file + ": cannot decompress: " + e.getMessage(), e);
        }
    }
}
