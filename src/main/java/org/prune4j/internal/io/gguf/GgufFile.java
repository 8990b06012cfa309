package org.prune4j.internal.io.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.UserError;

/**
 * A parsed GGUF file (versions 2 and 3): its metadata and tensor records. Every count, length, dimension
 * and offset is checked against the file size with overflow-checked arithmetic before anything is
 * allocated or mapped, so a truncated or corrupt file is a one-line {@link UserError} naming the file.
 *
 * @param path the file
 * @param metadata key/value metadata in file order
 * @param tensors tensor records in file order
 * @param dataStart absolute offset of the tensor data section
 */
record GgufFile(Path path, GgufMetadata metadata, Map<String, TensorRecord> tensors, long dataStart) {
    /** Bounds that keep a corrupt header from asking for absurd allocations. */
    private static final long MAX_TENSORS = 1 << 20;
    private static final long MAX_METADATA = 1 << 20;
    private static final long MAX_ARRAY = 1L << 28;
    private static final int MAX_DIMS = 4;

    /**
     * One tensor: GGUF name, storage type, ggml dimensions (innermost first), absolute file offset and
     * byte size.
     */
    record TensorRecord(String name, GgmlType type, long[] dims, long offset, long byteSize) {
        TensorRecord {
            dims = dims.clone();
        }

        @Override
        public long[] dims() {
            return dims.clone();
        }

        /** Dimensions outermost first (PyTorch order). */
        long[] shape() {
            long[] s = new long[dims.length];
            for (int i = 0; i < dims.length; i++) {
                s[i] = dims[dims.length - 1 - i];
            }
            return s;
        }

        long numel() {
            long n = 1;
            for (long d : dims) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    GgufFile {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** Parses the header of {@code path}. */
    static GgufFile open(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer head = ch.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(size, Integer.MAX_VALUE)).order(ByteOrder.LITTLE_ENDIAN);
            try {
                return new Parser(path, head, size).parse();
            } catch (ArithmeticException e) {
                throw new UserError(path + ": corrupt GGUF: a size in the header overflows");
            }
        } catch (NoSuchFileException e) {
            throw new UserError(path + ": no such file");
        } catch (AccessDeniedException e) {
            throw new UserError(path + ": permission denied");
        } catch (IOException e) {
            throw new UserError(path + ": cannot read: " + e.getMessage());
        }
    }

    /** Maps the bytes of one tensor. */
    ByteBuffer map(TensorRecord t) {
        if (t.byteSize() > Integer.MAX_VALUE) {
            throw new UserError(path + ": tensor " + t.name() + " is larger than 2 GiB, not supported yet");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, t.offset(), t.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UserError(path + ": cannot read tensor " + t.name() + ": " + e.getMessage());
        }
    }

    /** A metadata value, or {@code null}. */
    Object value(String key) {
        GgufMetadata.Entry e = metadata.get(key);
        return e == null ? null : e.value();
    }

    /** Sequential, bounds-checked reader of the header. */
    private static final class Parser {
        private final Path path;
        private final ByteBuffer buf;
        private final long fileSize;
        private long pos;

        Parser(Path path, ByteBuffer buf, long fileSize) {
            this.path = path;
            this.buf = buf;
            this.fileSize = fileSize;
        }

        GgufFile parse() {
            need(4);
            if (buf.getInt(0) != GgufFileWriter.MAGIC) {
                throw corrupt("not a GGUF file (no GGUF magic)");
            }
            pos = 4;
            long version = u32();
            if (version != 2 && version != 3) {
                throw corrupt("GGUF version " + version + " is not supported (2 or 3)");
            }
            long tensorCount = u64();
            long kvCount = u64();
            if (tensorCount < 0 || tensorCount > MAX_TENSORS) {
                throw corrupt("implausible tensor count " + Long.toUnsignedString(tensorCount));
            }
            if (kvCount < 0 || kvCount > MAX_METADATA) {
                throw corrupt("implausible metadata count " + Long.toUnsignedString(kvCount));
            }
            GgufMetadata md = new GgufMetadata();
            for (long i = 0; i < kvCount; i++) {
                String key = string("metadata key");
                long typeId = u32();
                GgufValueType type = GgufValueType.ofId(typeId);
                if (type == null) {
                    throw corrupt("metadata " + key + " has unknown type " + typeId);
                }
                md.put(key, type, value(key, type));
            }
            long alignment = 32;
            Object a = md.get("general.alignment") == null ? null : md.get("general.alignment").value();
            if (a != null) {
                if (!(a instanceof Number n) || n.longValue() <= 0 || Long.bitCount(n.longValue()) != 1 || n.longValue() > 1 << 20) {
                    throw corrupt("general.alignment " + a + " is not a power of two");
                }
                alignment = ((Number) a).longValue();
            }
            List<long[]> rawOffsets = new ArrayList<>();
            List<Object[]> raw = new ArrayList<>();
            for (long i = 0; i < tensorCount; i++) {
                String name = string("tensor name");
                long nDims = u32();
                if (nDims < 1 || nDims > MAX_DIMS) {
                    throw corrupt("tensor " + name + " has " + nDims + " dimensions (1 to " + MAX_DIMS + ")");
                }
                long[] dims = new long[(int) nDims];
                for (int d = 0; d < nDims; d++) {
                    dims[d] = u64();
                    if (dims[d] <= 0 || dims[d] > 1L << 40) {
                        throw corrupt("tensor " + name + " has dimension " + Long.toUnsignedString(dims[d]));
                    }
                }
                long typeId = u32();
                GgmlType type = GgmlType.ofId(typeId);
                if (type == null) {
                    throw new UserError(path + ": tensor " + name + " is stored as ggml type " + typeId
                            + ", not supported yet (F32, F16, BF16 and Q8_0 are)");
                }
                long offset = u64();
                raw.add(new Object[] {name, type, dims});
                rawOffsets.add(new long[] {offset});
            }
            long dataStart = alignUp(pos, alignment);
            Map<String, TensorRecord> tensors = new LinkedHashMap<>();
            for (int i = 0; i < raw.size(); i++) {
                String name = (String) raw.get(i)[0];
                GgmlType type = (GgmlType) raw.get(i)[1];
                long[] dims = (long[]) raw.get(i)[2];
                long offset = rawOffsets.get(i)[0];
                long numel;
                long bytes;
                try {
                    numel = 1;
                    for (long d : dims) {
                        numel = Math.multiplyExact(numel, d);
                    }
                    if (dims[0] % type.blockSize() != 0) {
                        throw corrupt("tensor " + name + " rows of " + dims[0] + " are not whole " + type + " blocks of " + type.blockSize());
                    }
                    bytes = type.bytesFor(numel);
                    if (offset < 0 || offset % alignment != 0) {
                        throw corrupt("tensor " + name + " offset " + Long.toUnsignedString(offset) + " is not aligned to " + alignment);
                    }
                    long end = Math.addExact(Math.addExact(dataStart, offset), bytes);
                    if (end > fileSize) {
                        throw corrupt("truncated: tensor " + name + " ends at byte " + end + ", the file has " + fileSize);
                    }
                } catch (ArithmeticException e) {
                    throw corrupt("tensor " + name + " size or offset overflows");
                }
                if (tensors.put(name, new TensorRecord(name, type, dims, dataStart + offset, bytes)) != null) {
                    throw corrupt("tensor " + name + " appears twice");
                }
            }
            return new GgufFile(path, md, tensors, dataStart);
        }

        private Object value(String key, GgufValueType type) {
            return switch (type) {
                case UINT8 -> u8() & 0xff;
                case INT8 -> (int) u8();
                case UINT16 -> (int) (u16() & 0xffff);
                case INT16 -> (int) (short) u16();
                case UINT32 -> {
                    long v = u32();
                    yield v <= Integer.MAX_VALUE ? (Object) (int) v : (Object) v;
                }
                case INT32 -> (int) u32();
                case FLOAT32 -> Float.intBitsToFloat((int) u32());
                case BOOL -> u8() != 0;
                case STRING -> string("metadata " + key);
                case UINT64, INT64 -> u64();
                case FLOAT64 -> Double.longBitsToDouble(u64());
                case ARRAY -> array(key);
            };
        }

        private GgufMetadata.GgufArray array(String key) {
            long elemId = u32();
            GgufValueType elem = GgufValueType.ofId(elemId);
            if (elem == null || elem == GgufValueType.ARRAY) {
                throw corrupt("metadata " + key + ": arrays of type " + elemId + " are not supported");
            }
            long n = u64();
            if (n < 0 || n > MAX_ARRAY) {
                throw corrupt("metadata " + key + ": implausible array length " + Long.toUnsignedString(n));
            }
            if (elem.size > 0) {
                need(Math.multiplyExact(n, (long) elem.size));
            } else {
                need(Math.multiplyExact(n, 8L)); // every string has at least its 8-byte length
            }
            int len = (int) n;
            return switch (elem) {
                case FLOAT32 -> {
                    float[] f = new float[len];
                    for (int i = 0; i < len; i++) {
                        f[i] = Float.intBitsToFloat((int) u32());
                    }
                    yield new GgufMetadata.GgufArray(elem, f, len);
                }
                case INT32, UINT32 -> {
                    int[] v = new int[len];
                    for (int i = 0; i < len; i++) {
                        v[i] = (int) u32();
                    }
                    yield new GgufMetadata.GgufArray(elem, v, len);
                }
                case STRING -> {
                    Object[] s = new Object[len];
                    for (int i = 0; i < len; i++) {
                        s[i] = string("metadata " + key);
                    }
                    yield new GgufMetadata.GgufArray(elem, s, len);
                }
                default -> {
                    // raw little-endian values (FLOAT64 as its bit pattern)
                    long[] v = new long[len];
                    for (int i = 0; i < len; i++) {
                        v[i] = switch (elem.size) {
                            case 1 -> u8();
                            case 2 -> u16();
                            case 4 -> u32();
                            default -> u64();
                        };
                    }
                    yield new GgufMetadata.GgufArray(elem, v, len);
                }
            };
        }

        private String string(String what) {
            long n = u64();
            if (n < 0 || n > 1 << 24) {
                throw corrupt(what + ": implausible string length " + Long.toUnsignedString(n));
            }
            need(n);
            byte[] b = new byte[(int) n];
            buf.get((int) pos, b);
            pos += n;
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                return new String(b, StandardCharsets.ISO_8859_1);
            }
        }

        private long u8() {
            need(1);
            return buf.get((int) pos++);
        }

        private long u16() {
            need(2);
            long v = buf.getShort((int) pos);
            pos += 2;
            return v;
        }

        private long u32() {
            need(4);
            long v = buf.getInt((int) pos) & 0xFFFFFFFFL;
            pos += 4;
            return v;
        }

        private long u64() {
            need(8);
            long v = buf.getLong((int) pos);
            pos += 8;
            return v;
        }

        private void need(long n) {
            if (n < 0 || pos + n > buf.limit()) {
                throw corrupt("truncated: the header needs more than the file's " + fileSize + " bytes");
            }
        }

        private UserError corrupt(String message) {
            return new UserError(path + ": corrupt GGUF: " + message);
        }

        private static long alignUp(long n, long alignment) {
            return (n + alignment - 1) / alignment * alignment;
        }
    }
}
