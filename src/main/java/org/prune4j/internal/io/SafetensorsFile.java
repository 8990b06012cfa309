package org.prune4j.internal.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.prune4j.UserError;

/**
 * A safetensors file opened for lazy reading.
 *
 * <p>Opening reads and validates only the JSON header; a tensor's bytes are memory-mapped when
 * {@link #get(String)} asks for it. Every structural problem (header length past the end of the file,
 * unknown dtype, a byte range that does not match the shape, overlapping or out-of-range offsets) is
 * reported as a {@link UserError} naming the file, before anything large is allocated.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Largest header we accept; real headers are a few hundred KiB at most. */
    private static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where one tensor lives in the file. */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        public Entry {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long numel() {
            return TensorData.numel(shape);
        }
    }

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    /** Buffers mapped by {@link #get}, unmapped on {@link #close} (only for files opened with {@link #openUnmappingOnClose}). */
    private final java.util.List<ByteBuffer> mapped;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, Entry> entries,
            Map<String, String> metadata) {
        this(path, channel, dataStart, entries, metadata, null);
    }

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, Entry> entries,
            Map<String, String> metadata, java.util.List<ByteBuffer> mapped) {
        this.mapped = mapped;
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens and validates {@code path}. */
    public static SafetensorsFile open(Path path) {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new UserError(path + ": no such file");
        } catch (IOException e) {
            throw new UserError(path + ": cannot open: " + e.getMessage());
        }
        try {
            return parse(path, ch);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static SafetensorsFile parse(Path path, FileChannel ch) {
        try {
            long size = ch.size();
            if (size < 8) {
                throw bad(path, "file is " + size + " bytes, too short for a safetensors header");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
                throw bad(path, "header length " + Long.toUnsignedString(headerLen) + " does not fit a file of "
                        + size + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8);
            JsonNode root;
            try {
                root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8).trim());
            } catch (IOException e) {
                throw bad(path, "header is not valid JSON");
            }
            if (root == null || !root.isObject()) {
                throw bad(path, "header is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataSize = size - dataStart;
            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("__metadata__")) {
                    f.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(),
                            m.getValue().isTextual() ? m.getValue().asText() : m.getValue().toString()));
                    continue;
                }
                entries.put(f.getKey(), parseEntry(path, f.getKey(), f.getValue(), dataSize));
            }
            checkNoOverlap(path, entries.values());
            return new SafetensorsFile(path, ch, dataStart, Collections.unmodifiableMap(entries),
                    Collections.unmodifiableMap(metadata));
        } catch (IOException e) {
            throw new UserError(path + ": cannot read: " + e.getMessage());
        }
    }

    private static Entry parseEntry(Path path, String name, JsonNode n, long dataSize) {
        JsonNode dt = n.get("dtype");
        JsonNode sh = n.get("shape");
        JsonNode off = n.get("data_offsets");
        if (dt == null || sh == null || off == null || !sh.isArray() || !off.isArray() || off.size() != 2) {
            throw bad(path, "tensor '" + name + "' lacks dtype, shape or data_offsets");
        }
        DType dtype = DType.fromSafetensorsName(dt.asText());
        if (dtype == null) {
            throw bad(path, "tensor '" + name + "' has unknown dtype " + dt.asText());
        }
        long[] shape = new long[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!sh.get(i).canConvertToLong() || sh.get(i).asLong() < 0) {
                throw bad(path, "tensor '" + name + "' has an invalid shape " + sh);
            }
            shape[i] = sh.get(i).asLong();
        }
        long begin = off.get(0).asLong(-1);
        long end = off.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataSize) {
            throw bad(path, "tensor '" + name + "' has offsets [" + off.get(0) + ", " + off.get(1)
                    + "] outside the data section of " + dataSize + " bytes");
        }
        long expected;
        try {
            expected = Math.multiplyExact(TensorData.numel(shape), (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw bad(path, "tensor '" + name + "' has an impossibly large shape " + sh);
        }
        if (end - begin != expected) {
            throw bad(path, "tensor '" + name + "' of shape " + sh + " " + dtype + " needs " + expected
                    + " bytes but its byte range holds " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static void checkNoOverlap(Path path, java.util.Collection<Entry> all) {
        List<Entry> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        for (int i = 1; i < sorted.size(); i++) {
            Entry a = sorted.get(i - 1);
            Entry b = sorted.get(i);
            if (b.begin() < a.end()) {
                throw bad(path, "tensors '" + a.name() + "' and '" + b.name() + "' overlap");
            }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    private static UserError bad(Path path, String what) {
        return new UserError(path + ": not a valid safetensors file: " + what);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** Tensor names in header order. */
    public Set<String> names() {
        return entries.keySet();
    }

    /** True when the file holds a tensor called {@code name}. */
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** Header entry of {@code name}; a {@link UserError} when absent. */
    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new UserError(path + ": no tensor named '" + name + "'");
        }
        return e;
    }

    /**
     * Opens {@code path} so that {@link #close} also unmaps every tensor it mapped, freeing the file's
     * disk space at once when it is deleted (a scratch file). The tensors of such a file must not be
     * used after {@code close}: their memory is gone.
     */
    public static SafetensorsFile openUnmappingOnClose(Path path) {
        SafetensorsFile f = open(path);
        return new SafetensorsFile(f.path, f.channel, f.dataStart, f.entries, f.metadata, new java.util.ArrayList<>());
    }

    /** All header entries, in header order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    /** The {@code __metadata__} map (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Maps the bytes of tensor {@code name} (no copy). */
    public TensorData get(String name) {
        Entry e = entry(name);
        long len = e.end() - e.begin();
        if (len > Integer.MAX_VALUE) {
            throw new UserError(path + ": tensor '" + name + "' is larger than 2 GiB; not supported yet");
        }
        try {
            ByteBuffer b = len == 0 ? ByteBuffer.allocate(0)
                    : channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), len);
            if (mapped != null && len > 0) {
                synchronized (mapped) {
                    mapped.add(b);
                }
            }
            return new TensorData(e.dtype(), e.shape(), b.order(ByteOrder.LITTLE_ENDIAN));
        } catch (IOException ex) {
            throw new UserError(path + ": cannot map tensor '" + name + "': " + ex.getMessage());
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
        if (mapped != null) {
            synchronized (mapped) {
                mapped.forEach(MappedBuffers::unmap);
                mapped.clear();
            }
        }
    }
}
