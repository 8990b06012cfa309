package org.prune4j.internal.io.pytorch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds checkpoint files in memory, in the layouts {@code torch.save} writes (zip and legacy). */
public final class TorchFiles {
    private static final byte[] LEGACY_MAGIC = {0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a,
            (byte) 0xa8, 0x50, 0x19};

    private TorchFiles() {}

    /** A zip checkpoint with {@code prefix/data.pkl} and one {@code prefix/data/<key>} entry per storage. */
    public static byte[] zip(String prefix, byte[] pickle, Map<String, byte[]> storages) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, prefix + "/data.pkl", pickle);
            put(zip, prefix + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (Map.Entry<String, byte[]> s : storages.entrySet()) {
                put(zip, prefix + "/data/" + s.getKey(), s.getValue());
            }
            put(zip, prefix + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The legacy layout: magic, protocol, system info, {@code pickle}, the key list, then each storage. */
    public static byte[] legacy(byte[] pickle, Map<String, byte[]> storagesWithCounts) {
        ByteArrayOutputStream os = new ByteArrayOutputStream();
        os.writeBytes(new PickleWriter().proto(2).longValue(LEGACY_MAGIC).stop().bytes());
        os.writeBytes(new PickleWriter().proto(2).integer(1001).stop().bytes());
        os.writeBytes(new PickleWriter().proto(2).emptyDict().str("little_endian").op((char) 0x88).op('s').stop().bytes());
        os.writeBytes(pickle);
        PickleWriter keys = new PickleWriter().proto(2).emptyList().mark();
        storagesWithCounts.keySet().forEach(keys::str);
        os.writeBytes(keys.appends().stop().bytes());
        storagesWithCounts.values().forEach(os::writeBytes);
        return os.toByteArray();
    }

    /** A legacy storage record: int64 element count then the bytes. */
    public static byte[] legacyStorage(long count, byte[] data) {
        return ByteBuffer.allocate(8 + data.length).order(ByteOrder.LITTLE_ENDIAN).putLong(count).put(data).array();
    }

    /** A small valid zip checkpoint: an OrderedDict with a 3x4 weight (a transposed view) and a bias. */
    public static byte[] sampleZip() {
        return zip("model", samplePickle(), Map.of("0", floats(12)));
    }

    /** The legacy-format twin of {@link #sampleZip()}. */
    public static byte[] sampleLegacy() {
        return legacy(samplePickle(), Map.of("0", legacyStorage(12, floats(12))));
    }

    /** The pickle of {@link #sampleZip()}: an OrderedDict of two tensors over storage "0" of 12 floats. */
    public static byte[] samplePickle() {
        PickleWriter p = new PickleWriter().proto(2).global("collections", "OrderedDict").emptyTuple().reduce().mark();
        p.str("a.weight").tensorV2("FloatStorage", "0", 12, 0, new long[] {3, 4}, new long[] {1, 3});
        p.str("a.bias").tensorV2("FloatStorage", "0", 12, 8, new long[] {4}, new long[] {1});
        p.setitems();
        p.emptyDict().str("_metadata").global("collections", "OrderedDict").emptyTuple().reduce().op('s').build();
        return p.stop().bytes();
    }

    /** {@code n} little-endian floats 0, 0.5, 1, ... */
    public static byte[] floats(int n) {
        ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(i * 0.5f);
        }
        return b.array();
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }
}
