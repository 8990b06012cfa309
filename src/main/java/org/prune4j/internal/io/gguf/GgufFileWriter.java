package org.prune4j.internal.io.gguf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the GGUF version-3 container: magic {@code GGUF}, version, tensor count, metadata count, the
 * metadata entries, the tensor records (name, dimensions, type, offset), padding to the alignment, then
 * every tensor's bytes, each starting at a multiple of the alignment. All integers little-endian.
 */
final class GgufFileWriter {
    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
    static final int VERSION = 3;
    static final int ALIGNMENT = 32;

    private GgufFileWriter() {}

    static void write(OutputStream os, GgufMetadata metadata, List<GgufTensorOut> tensors) throws IOException {
        Sink out = new Sink(os);
        out.u32(MAGIC);
        out.u32(VERSION);
        out.u64(tensors.size());
        out.u64(metadata.size());
        for (GgufMetadata.Entry e : metadata.entries()) {
            out.string(e.key());
            out.u32(e.type().id);
            value(out, e.type(), e.value());
        }
        long offset = 0;
        for (GgufTensorOut t : tensors) {
            out.string(t.name());
            out.u32(t.dims().length);
            for (long d : t.dims()) {
                out.u64(d);
            }
            out.u32(t.type().id());
            out.u64(offset);
            offset = align(offset + t.byteSize());
        }
        out.pad();
        for (GgufTensorOut t : tensors) {
            byte[] bytes = t.data().get();
            if (bytes.length != t.byteSize()) {
                throw new IllegalStateException(t.name() + ": encoded " + bytes.length + " bytes, expected " + t.byteSize());
            }
            out.bytes(bytes);
            out.pad();
        }
        out.flush();
    }

    static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static void value(Sink out, GgufValueType type, Object v) throws IOException {
        switch (type) {
            case UINT8, INT8, BOOL -> out.bytes(new byte[] {type == GgufValueType.BOOL ? (byte) ((Boolean) v ? 1 : 0) : ((Number) v).byteValue()});
            case UINT16, INT16 -> out.u16(((Number) v).intValue());
            case UINT32, INT32 -> out.u32(((Number) v).intValue());
            case UINT64, INT64 -> out.u64(((Number) v).longValue());
            case FLOAT32 -> out.u32(Float.floatToRawIntBits(((Number) v).floatValue()));
            case FLOAT64 -> out.u64(Double.doubleToRawLongBits(((Number) v).doubleValue()));
            case STRING -> out.string(v);
            case ARRAY -> {
                GgufMetadata.GgufArray a = (GgufMetadata.GgufArray) v;
                out.u32(a.elementType().id);
                out.u64(a.length());
                switch (a.elementType()) {
                    case INT32, UINT32 -> { for (int x : (int[]) a.elements()) out.u32(x); }
                    case FLOAT32 -> { for (float x : (float[]) a.elements()) out.u32(Float.floatToRawIntBits(x)); }
                    case STRING -> { for (Object s : (Object[]) a.elements()) out.string(s); }
                    default -> {
                        // the other element types are held as raw little-endian values in a long[]
                        for (long x : (long[]) a.elements()) {
                            switch (a.elementType().size) {
                                case 1 -> out.bytes(new byte[] {(byte) x});
                                case 2 -> out.u16((int) x);
                                case 4 -> out.u32((int) x);
                                default -> out.u64(x);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Little-endian output that counts bytes for padding. */
    private static final class Sink {
        private final OutputStream os;
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        private final byte[] buffer = new byte[1 << 16];
        private int buffered;
        private long written;

        Sink(OutputStream os) {
            this.os = os;
        }

        void u16(int v) throws IOException {
            scratch.clear();
            scratch.putShort((short) v);
            bytes(scratch.array(), 2);
        }

        void u32(int v) throws IOException {
            scratch.clear();
            scratch.putInt(v);
            bytes(scratch.array(), 4);
        }

        void u64(long v) throws IOException {
            scratch.clear();
            scratch.putLong(v);
            bytes(scratch.array(), 8);
        }

        void string(Object s) throws IOException {
            byte[] b = s instanceof byte[] raw ? raw : ((String) s).getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes(b);
        }

        void bytes(byte[] b) throws IOException {
            bytes(b, b.length);
        }

        void bytes(byte[] b, int n) throws IOException {
            if (n > buffer.length - buffered) {
                drain();
            }
            if (n > buffer.length) {
                os.write(b, 0, n);
            } else {
                System.arraycopy(b, 0, buffer, buffered, n);
                buffered += n;
            }
            written += n;
        }

        void pad() throws IOException {
            int n = (int) (align(written) - written);
            if (n > 0) {
                bytes(new byte[n]);
            }
        }

        private void drain() throws IOException {
            os.write(buffer, 0, buffered);
            buffered = 0;
        }

        void flush() throws IOException {
            drain();
            os.flush();
        }
    }
}
