package org.prune4j.io.pytorch;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.prune4j.UserError;
import org.prune4j.io.DType;
import org.prune4j.io.TensorData;

/**
 * Reads checkpoints written by {@code torch.save}, without Python and without running any code from them
 * (see {@link SafeUnpickler} for the allow-list).
 *
 * <p>Two formats:
 * <ul>
 *   <li><b>zip</b> (PyTorch ≥ 1.6): a zip archive with {@code <name>/data.pkl} (the pickled object; tensors
 *       reference storages by persistent id) and one entry {@code <name>/data/<key>} of raw little-endian
 *       bytes per storage;</li>
 *   <li><b>legacy</b> (PyTorch ≤ 1.5): a sequence of pickles — magic number, protocol version 1001, system
 *       info, the object, the list of storage keys — followed, per key, by an int64 element count and the
 *       storage's raw bytes.</li>
 * </ul>
 * Tensors on any device (e.g. saved from {@code cuda:0}) are read to the host. Non-contiguous tensors and
 * views are copied out into row-major order.
 */
public final class PyTorchCheckpoint {
    private static final byte[] LEGACY_MAGIC_PICKLE = {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc,
            (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};
    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final int LEGACY_PROTOCOL = 1001;

    private PyTorchCheckpoint() {}

    /**
     * The state dict of a checkpoint: tensors by name, in file order. The state dict is the top-level
     * object when it maps names to tensors, otherwise the first of its entries {@code state_dict}, {@code
     * model_state_dict}, {@code model}, {@code net} that does. A {@code module.} prefix on every name (a
     * model saved from {@code DataParallel}) is removed. Non-tensor entries are left out.
     */
    public static Map<String, TensorData> readStateDict(Path file) {
        Object root = read(file);
        Map<String, TensorData> sd = findStateDict(root);
        if (sd == null) {
            String what = root instanceof Map<?, ?> m ? "a dict with keys " + m.keySet()
                    : root == null ? "None" : "a " + root.getClass().getSimpleName();
            throw new UserError("checkpoint " + file + " holds no state dict of tensors (top level is " + what + ")");
        }
        return StateDicts.stripPrefix(sd, "module.");
    }

    /**
     * The whole unpickled object: dicts as insertion-ordered {@code Map}s, lists as {@code List}s, tuples
     * as {@code Object[]}, strings, numbers, booleans, {@code null}, and tensors as {@link TensorData}.
     */
    public static Object read(Path file) {
        byte[] head = new byte[LEGACY_MAGIC_PICKLE.length];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (NoSuchFileException e) {
            throw new UserError("checkpoint " + file + ": no such file");
        } catch (IOException e) {
            throw new UserError("checkpoint " + file + ": cannot read: " + e.getMessage(), e);
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return readZip(file);
        }
        if (n == head.length && Arrays.equals(head, LEGACY_MAGIC_PICKLE)) {
            return readLegacy(file);
        }
        if (n > 262 && isTar(file)) {
            throw new UserError("checkpoint " + file + ": the tar-based format of PyTorch < 0.4 is not supported yet");
        }
        throw new UserError("checkpoint " + file + " is not a PyTorch checkpoint (neither a zip archive nor the"
                + " legacy pickle format)");
    }

    private static Object readZip(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String prefix = null;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                String name = e.nextElement().getName();
                if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                    prefix = name.substring(0, name.length() - "data.pkl".length());
                    break;
                }
            }
            if (prefix == null) {
                throw new UserError("checkpoint " + file + " is a zip archive without <name>/data.pkl: not a"
                        + " torch.save checkpoint");
            }
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            if (order != null) {
                String bo = new String(readEntry(zip, order, file), StandardCharsets.US_ASCII).strip();
                if (!bo.equals("little")) {
                    throw new UserError("checkpoint " + file + ": byte order " + bo + " is not supported yet");
                }
            }
            Object root = unpickle(file, new ByteArrayInputStream(readEntry(zip, zip.getEntry(prefix + "data.pkl"), file)));
            final String dataPrefix = prefix + "data/";
            Map<String, ByteBuffer> cache = new HashMap<>();
            return materialize(root, ref -> cache.computeIfAbsent(ref.key(), k -> {
                ZipEntry entry = zip.getEntry(dataPrefix + k);
                if (entry == null) {
                    throw new UserError("checkpoint " + file + " lacks storage " + dataPrefix + k);
                }
                return ByteBuffer.wrap(readEntry(zip, entry, file)).order(ByteOrder.LITTLE_ENDIAN);
            }), file);
        } catch (ZipException e) {
            throw new UserError("checkpoint " + file + ": corrupt zip archive: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UserError("checkpoint " + file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static byte[] readEntry(ZipFile zip, ZipEntry entry, Path file) {
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UserError("checkpoint " + file + ": cannot read " + entry.getName() + ": " + e.getMessage(), e);
        }
    }

    private static Object readLegacy(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException | OutOfMemoryError e) {
            throw new UserError("checkpoint " + file + ": cannot read: " + e.getMessage(), e);
        }
        ByteArrayInputStream in = new ByteArrayInputStream(all);
        Object magic = unpickle(file, in);
        if (!(magic instanceof BigInteger m) || !m.equals(LEGACY_MAGIC)) {
            throw new UserError("checkpoint " + file + ": bad magic number in the legacy format");
        }
        Object protocol = unpickle(file, in);
        if (!(protocol instanceof Number p) || p.intValue() != LEGACY_PROTOCOL) {
            throw new UserError("checkpoint " + file + ": legacy protocol version " + protocol + " is not supported");
        }
        Object sysInfo = unpickle(file, in);
        if (sysInfo instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
            throw new UserError("checkpoint " + file + ": big-endian checkpoints are not supported yet");
        }
        Object root = unpickle(file, in);
        Object keys = unpickle(file, in);
        if (!(keys instanceof List<?> keyList)) {
            throw new UserError("checkpoint " + file + ": the storage key list is missing");
        }
        List<TensorRef> refs = new ArrayList<>();
        collectRefs(root, refs);
        Map<String, DType> types = new HashMap<>();
        for (TensorRef r : refs) {
            types.put(r.storage().key(), r.storage().dtype());
        }
        Map<String, ByteBuffer> storages = new HashMap<>();
        int pos = all.length - in.available();
        for (Object k : keyList) {
            String key = String.valueOf(k);
            if (pos + 8 > all.length) {
                throw new UserError("checkpoint " + file + " is truncated: storage " + key + " is missing");
            }
            long numel = ByteBuffer.wrap(all, pos, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            pos += 8;
            DType t = types.get(key);
            if (t == null) {
                throw new UserError("checkpoint " + file + ": storage " + key + " is listed but no tensor uses it");
            }
            long bytes = numel * t.byteSize();
            if (numel < 0 || pos + bytes > all.length) {
                throw new UserError("checkpoint " + file + " is truncated: storage " + key + " needs " + bytes
                        + " bytes, " + (all.length - pos) + " are left");
            }
            storages.put(key, ByteBuffer.wrap(all, pos, (int) bytes).slice().order(ByteOrder.LITTLE_ENDIAN));
            pos += (int) bytes;
        }
        return materialize(root, ref -> {
            ByteBuffer b = storages.get(ref.key());
            if (b == null) {
                throw new UserError("checkpoint " + file + " lacks the data of storage " + ref.key());
            }
            return b;
        }, file);
    }

    private static Object unpickle(Path file, InputStream in) {
        SafeUnpickler u = new SafeUnpickler(file);
        try {
            return u.load(in);
        } catch (UserError e) {
            throw e;
        } catch (EOFException e) {
            throw new UserError("checkpoint " + file + " is truncated (the pickle ends early)", e);
        } catch (IOException | RuntimeException e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
            if (msg.contains("premature end") || msg.contains("expected more bytes")) {
                throw new UserError("checkpoint " + file + " is truncated (the pickle ends early)", e);
            }
            throw new UserError("checkpoint " + file + ": malformed pickle: " + msg, e);
        }
    }

    private static void collectRefs(Object o, List<TensorRef> out) {
        if (o instanceof TensorRef t) {
            out.add(t);
        } else if (o instanceof Map<?, ?> m) {
            m.values().forEach(v -> collectRefs(v, out));
        } else if (o instanceof List<?> l) {
            l.forEach(v -> collectRefs(v, out));
        } else if (o instanceof Object[] a) {
            for (Object v : a) {
                collectRefs(v, out);
            }
        }
    }

    /** Replaces every {@link TensorRef} in the object graph by its {@link TensorData}. */
    private static Object materialize(Object o, Function<StorageRef, ByteBuffer> storage, Path file) {
        if (o instanceof TensorRef t) {
            return tensor(t, storage.apply(t.storage()), file);
        }
        if (o instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, materialize(v, storage, file)));
            return out;
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(v -> out.add(materialize(v, storage, file)));
            return out;
        }
        if (o instanceof Object[] a) {
            Object[] out = new Object[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = materialize(a[i], storage, file);
            }
            return out;
        }
        return o;
    }

    private static TensorData tensor(TensorRef t, ByteBuffer storage, Path file) {
        DType dtype = t.storage().dtype();
        int es = dtype.byteSize();
        long storageElems = storage.remaining() / es;
        long base = t.storage().viewOffset() + t.offset();
        long[] size = t.size();
        long[] stride = t.stride();
        long numel = TensorData.numel(size);
        long maxOffset = base;
        for (int i = 0; i < size.length; i++) {
            if (size[i] < 0 || stride[i] < 0) {
                throw new UserError("checkpoint " + file + ": tensor with negative size or stride");
            }
            if (size[i] > 0) {
                maxOffset += (size[i] - 1) * stride[i];
            }
        }
        if (numel > 0 && (base < 0 || maxOffset >= storageElems)) {
            throw new UserError("checkpoint " + file + ": a tensor of shape " + Arrays.toString(size)
                    + " reaches element " + maxOffset + " of storage " + t.storage().key() + ", which has "
                    + storageElems);
        }
        if (numel * es > Integer.MAX_VALUE) {
            throw new UserError("checkpoint " + file + ": tensors above 2 GB are not supported yet");
        }
        byte[] out = new byte[(int) (numel * es)];
        if (isContiguous(size, stride)) {
            storage.duplicate().position((int) (base * es)).get(out, 0, out.length);
        } else {
            long[] idx = new long[size.length];
            ByteBuffer src = storage.duplicate();
            for (long k = 0; k < numel; k++) {
                long off = base;
                for (int d = 0; d < size.length; d++) {
                    off += idx[d] * stride[d];
                }
                src.position((int) (off * es)).get(out, (int) (k * es), es);
                for (int d = size.length - 1; d >= 0; d--) {
                    if (++idx[d] < size[d]) {
                        break;
                    }
                    idx[d] = 0;
                }
            }
        }
        return new TensorData(dtype, size, ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN));
    }

    private static boolean isContiguous(long[] size, long[] stride) {
        long expected = 1;
        for (int d = size.length - 1; d >= 0; d--) {
            if (size[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= size[d];
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, TensorData> findStateDict(Object root) {
        Map<String, TensorData> direct = tensorsOf(root);
        if (direct != null) {
            return direct;
        }
        if (root instanceof Map<?, ?> m) {
            for (String key : List.of("state_dict", "model_state_dict", "model", "net")) {
                Map<String, TensorData> inner = tensorsOf(m.get(key));
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }

    /** The tensor entries of a map with string keys holding at least one tensor, else null. */
    private static Map<String, TensorData> tensorsOf(Object o) {
        if (!(o instanceof Map<?, ?> m)) {
            return null;
        }
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (e.getKey() instanceof String k && e.getValue() instanceof TensorData t) {
                out.put(k, t);
            }
        }
        return out.isEmpty() ? null : out;
    }

    private static boolean isTar(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] h = in.readNBytes(263);
            return h.length == 263 && new String(h, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        } catch (IOException e) {
            return false;
        }
    }
}
