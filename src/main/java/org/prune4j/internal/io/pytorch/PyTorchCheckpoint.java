package org.prune4j.internal.io.pytorch;

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
import org.prune4j.internal.io.DType;
import org.prune4j.internal.io.TensorData;

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
    private static final long LEGACY_PROTOCOL = 1001;
    /** The largest {@code data.pkl} accepted: a state dict's pickle holds names and shapes, not weights. */
    private static final long MAX_PICKLE_BYTES = 64L << 20;
    /** The largest storage or tensor, in bytes: one Java array. */
    static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 16;

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
            throw new UserError("checkpoint " + file + ": cannot read: " + PickleText.printable(e.getMessage()), e);
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
                String bo = new String(readEntry(zip, order, 64, file), StandardCharsets.US_ASCII).strip();
                if (!bo.equals("little")) {
                    throw new UserError("checkpoint " + file + ": byte order " + PickleText.printable(bo)
                            + " is not supported yet");
                }
            }
            byte[] pickle = readEntry(zip, zip.getEntry(prefix + "data.pkl"), MAX_PICKLE_BYTES, file);
            SafeUnpickler policy = new SafeUnpickler(file);
            Object root = unpickle(file, policy.machine(pickle, 0, pickle.length));
            final String dataPrefix = prefix + "data/";
            Map<String, ByteBuffer> cache = new HashMap<>();
            HeapBudget budget = new HeapBudget(file);
            return materialize(root, ref -> cache.computeIfAbsent(ref.key(), k -> {
                ZipEntry entry = zip.getEntry(dataPrefix + k);
                if (entry == null) {
                    throw new UserError("checkpoint " + file + " lacks storage " + PickleText.printable(dataPrefix + k));
                }
                long need = storageBytes(ref, file);
                budget.take(need);
                byte[] bytes = readEntry(zip, entry, need, file);
                if (bytes.length != need) {
                    throw new UserError("checkpoint " + file + " is truncated: storage " + PickleText.printable(k)
                            + " needs " + need + " bytes, its entry holds " + bytes.length);
                }
                return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            }), budget, file);
        } catch (ZipException e) {
            throw new UserError("checkpoint " + file + ": corrupt zip archive: " + PickleText.printable(e.getMessage()), e);
        } catch (IOException e) {
            throw new UserError("checkpoint " + file + ": cannot read: " + PickleText.printable(e.getMessage()), e);
        }
    }

    /** The bytes of a storage, overflow-checked and within what one Java array holds. */
    private static long storageBytes(StorageRef ref, Path file) {
        long need;
        try {
            need = Math.multiplyExact(ref.numel(), (long) ref.dtype().byteSize());
        } catch (ArithmeticException e) {
            need = Long.MAX_VALUE;
        }
        if (need > MAX_ARRAY_BYTES) {
            throw new UserError("checkpoint " + file + ": storage " + PickleText.printable(ref.key()) + " declares "
                    + ref.numel() + " elements; storages above 2 GB are not supported yet");
        }
        return need;
    }

    /**
     * The bytes of a zip entry, at most {@code cap} of them: inflation stops at the cap (a zip bomb
     * cannot fill the heap) and an entry longer than the cap is an error.
     */
    private static byte[] readEntry(ZipFile zip, ZipEntry entry, long cap, Path file) {
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes((int) cap);
            if (in.read() != -1) {
                throw new UserError("checkpoint " + file + ": entry " + PickleText.printable(entry.getName())
                        + " is longer than the " + cap + " bytes it may hold");
            }
            return bytes;
        } catch (IOException e) {
            throw new UserError("checkpoint " + file + ": cannot read " + PickleText.printable(entry.getName()) + ": "
                    + PickleText.printable(e.getMessage()), e);
        }
    }

    private static Object readLegacy(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException | OutOfMemoryError e) {
            throw new UserError("checkpoint " + file + ": cannot read: " + PickleText.printable(e.getMessage()), e);
        }
        SafeUnpickler policy = new SafeUnpickler(file);
        int[] pos = {0};
        Function<String, Object> next = what -> {
            PickleMachine m = policy.machine(all, pos[0], all.length);
            Object o = unpickle(file, m);
            pos[0] = m.position();
            return o;
        };
        Object magic = next.apply("magic");
        if (!(magic instanceof BigInteger m) || !m.equals(LEGACY_MAGIC)) {
            throw new UserError("checkpoint " + file + ": bad magic number in the legacy format");
        }
        Object protocol = next.apply("protocol");
        if (!(protocol instanceof Long p) || p != LEGACY_PROTOCOL) {
            throw new UserError("checkpoint " + file + ": legacy protocol version "
                    + (protocol instanceof Long p ? p : PickleValues.typeName(protocol)) + " is not supported");
        }
        Object sysInfo = next.apply("system info");
        if (sysInfo instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
            throw new UserError("checkpoint " + file + ": big-endian checkpoints are not supported yet");
        }
        Object root = next.apply("object");
        Object keys = next.apply("storage keys");
        if (!(keys instanceof List<?> keyList)) {
            throw new UserError("checkpoint " + file + ": the storage key list is missing");
        }
        Map<String, DType> types = new HashMap<>();
        for (TensorRef r : collectRefs(root, file)) {
            types.put(r.storage().key(), r.storage().dtype());
        }
        Map<String, ByteBuffer> storages = new HashMap<>();
        int at = pos[0];
        for (Object k : keyList) {
            if (!(k instanceof String) && !(k instanceof Long)) {
                throw new UserError("checkpoint " + file + ": a storage key is " + PickleValues.typeName(k));
            }
            String key = String.valueOf(k);
            if (all.length - at < 8) {
                throw new UserError("checkpoint " + file + " is truncated: storage " + PickleText.printable(key)
                        + " is missing");
            }
            long numel = ByteBuffer.wrap(all, at, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            at += 8;
            DType t = types.get(key);
            if (t == null) {
                throw new UserError("checkpoint " + file + ": storage " + PickleText.printable(key)
                        + " is listed but no tensor uses it");
            }
            if (numel < 0) {
                throw new UserError("checkpoint " + file + ": storage " + PickleText.printable(key)
                        + " has a negative element count");
            }
            long left = all.length - at;
            long bytes = numel > left / t.byteSize() ? Long.MAX_VALUE : numel * t.byteSize();
            if (bytes > left) {
                throw new UserError("checkpoint " + file + " is truncated: storage " + PickleText.printable(key)
                        + " declares " + numel + " elements of " + t.byteSize() + " bytes, " + left + " bytes are left");
            }
            storages.put(key, ByteBuffer.wrap(all, at, (int) bytes).slice().order(ByteOrder.LITTLE_ENDIAN));
            at += (int) bytes;
        }
        return materialize(root, ref -> {
            ByteBuffer b = storages.get(ref.key());
            if (b == null) {
                throw new UserError("checkpoint " + file + " lacks the data of storage " + PickleText.printable(ref.key()));
            }
            return b;
        }, new HeapBudget(file), file);
    }

    private static Object unpickle(Path file, PickleMachine machine) {
        try {
            return machine.load();
        } catch (PickleFormatException e) {
            if (e.isTruncated()) {
                throw new UserError("checkpoint " + file + " is truncated (the pickle ends early)", e);
            }
            throw new UserError("checkpoint " + file + " is not a PyTorch state dict we can read: " + e.getMessage(), e);
        }
    }

    /** The tensors of an object graph, each shared object visited once. */
    private static List<TensorRef> collectRefs(Object root, Path file) {
        List<TensorRef> out = new ArrayList<>();
        new GraphWalk(file) {
            @Override
            Object leaf(Object o) {
                if (o instanceof TensorRef t) {
                    out.add(t);
                }
                return o;
            }
        }.walk(root);
        return out;
    }

    /** Replaces every {@link TensorRef} in the object graph by its {@link TensorData}. */
    private static Object materialize(Object o, Function<StorageRef, ByteBuffer> storage, HeapBudget budget, Path file) {
        return new GraphWalk(file) {
            @Override
            Object leaf(Object x) {
                return x instanceof TensorRef t ? tensor(t, storage.apply(t.storage()), budget, file) : x;
            }
        }.walk(o);
    }

    private static TensorData tensor(TensorRef t, ByteBuffer storage, HeapBudget budget, Path file) {
        DType dtype = t.storage().dtype();
        int es = dtype.byteSize();
        long storageElems = storage.remaining() / es;
        long[] size = t.size();
        long[] stride = t.stride();
        long numel;
        long maxOffset;
        try {
            numel = TensorData.numel(size);
            long base = Math.addExact(t.storage().viewOffset(), t.offset());
            maxOffset = base;
            for (int i = 0; i < size.length; i++) {
                if (size[i] > 0) {
                    maxOffset = Math.addExact(maxOffset, Math.multiplyExact(size[i] - 1, stride[i]));
                }
            }
        } catch (ArithmeticException e) {
            throw new UserError("checkpoint " + file + ": a tensor of shape " + Arrays.toString(size) + " with strides "
                    + Arrays.toString(stride) + " reaches beyond 2^63 elements");
        }
        long base = t.storage().viewOffset() + t.offset();
        if (numel > 0 && maxOffset >= storageElems) {
            throw new UserError("checkpoint " + file + ": a tensor of shape " + Arrays.toString(size)
                    + " reaches element " + maxOffset + " of storage " + PickleText.printable(t.storage().key())
                    + ", which has " + storageElems);
        }
        if (numel > storageElems) {
            throw new UserError("checkpoint " + file + ": a tensor of shape " + Arrays.toString(size) + " has more"
                    + " elements than its storage (" + storageElems + "): overlapping or expanded views are not"
                    + " supported yet");
        }
        if (numel * es > MAX_ARRAY_BYTES) {
            throw new UserError("checkpoint " + file + ": tensors above 2 GB are not supported yet");
        }
        budget.take(numel * es);
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
