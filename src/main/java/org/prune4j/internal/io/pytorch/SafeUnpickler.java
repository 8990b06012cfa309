package org.prune4j.internal.io.pytorch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.prune4j.UserError;
import org.prune4j.internal.io.DType;

/**
 * The policy under which PyTorch checkpoints are unpickled: only tensors and plain containers are rebuilt.
 *
 * <p>Every reference to a Python global ({@code GLOBAL}, {@code STACK_GLOBAL}, {@code INST}) is checked
 * against an allow-list: {@code collections.OrderedDict}, the tensor-rebuilding functions of {@code
 * torch._utils}, the typed storage classes ({@code torch.FloatStorage} ...) and {@code torch.device}. Any
 * other global is a {@link UserError} before anything is constructed, so a checkpoint can never run code.
 * Dicts keep their insertion order. Tensors come out as {@link TensorRef}s and storages as {@link
 * StorageRef}s; the caller reads the bytes.
 */
final class SafeUnpickler implements PickleGlobals {
    private static final Map<String, DType> STORAGE_TYPES = Map.ofEntries(
            Map.entry("FloatStorage", DType.F32), Map.entry("DoubleStorage", DType.F64),
            Map.entry("HalfStorage", DType.F16), Map.entry("BFloat16Storage", DType.BF16),
            Map.entry("LongStorage", DType.I64), Map.entry("IntStorage", DType.I32),
            Map.entry("ShortStorage", DType.I16), Map.entry("CharStorage", DType.I8),
            Map.entry("ByteStorage", DType.U8), Map.entry("BoolStorage", DType.BOOL));

    private final Path file;

    SafeUnpickler(Path file) {
        this.file = file;
    }

    /** The allow-listed globals, as {@code module.name}. */
    static List<String> allowList() {
        List<String> out = new ArrayList<>(List.of("collections.OrderedDict", "torch._utils._rebuild_tensor",
                "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter", "torch.device"));
        STORAGE_TYPES.keySet().stream().sorted().forEach(s -> out.add("torch." + s));
        return out;
    }

    /** One pickle read from {@code data[start, end)} under this policy. */
    PickleMachine machine(byte[] data, int start, int end) {
        return new PickleMachine(data, start, end, this);
    }

    @Override
    public Object global(String module, String name) {
        String qualified = module + "." + name;
        return switch (qualified) {
            case "collections.OrderedDict" -> (Callable) args -> new LinkedHashMap<>();
            case "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2" -> (Callable) this::rebuildTensor;
            case "torch._utils._rebuild_parameter" -> (Callable) args -> {
                if (args.length < 1 || !(args[0] instanceof TensorRef t)) {
                    throw new PickleFormatException("_rebuild_parameter without a tensor");
                }
                return t;
            };
            case "torch.device" -> (Callable) args -> args.length == 0 ? "cpu" : String.valueOf(args[0]);
            default -> {
                if (module.equals("torch") && STORAGE_TYPES.containsKey(name)) {
                    yield new StorageType(STORAGE_TYPES.get(name));
                }
                throw refuse(module, name);
            }
        };
    }

    @Override
    public RuntimeException refuse(String module, String name) {
        return new UserError("checkpoint " + file + " refers to Python global " + module + "." + name
                + ", which is not allow-listed (prune4j only rebuilds tensors and containers, it never runs code"
                + " from a checkpoint)");
    }

    @Override
    public Object call(Object callable, Object[] args) {
        if (callable instanceof StorageType) {
            throw new PickleFormatException("a storage type is called");
        }
        if (!(callable instanceof Callable c)) {
            throw new PickleFormatException("a call of " + PickleValues.typeName(callable));
        }
        return c.apply(args);
    }

    @Override
    public void build(Object target, Object state) {
        // the object's __dict__ state, e.g. an OrderedDict's _metadata: not needed
        if (!(target instanceof Map<?, ?>) && !(target instanceof TensorRef)) {
            throw new PickleFormatException("BUILD on " + PickleValues.typeName(target));
        }
    }

    @Override
    public Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0])) {
            throw new PickleFormatException("unexpected persistent id (" + PickleValues.typeName(pid) + ")");
        }
        if (!(t[1] instanceof StorageType type)) {
            throw new PickleFormatException("persistent id without a storage type");
        }
        if (!(t[2] instanceof String) && !(t[2] instanceof Long)) {
            throw new PickleFormatException("persistent id whose storage key is " + PickleValues.typeName(t[2]));
        }
        String storageKey = String.valueOf(t[2]);
        long numel = count(t[4], "storage size");
        long viewOffset = 0;
        long viewSize = -1;
        if (t.length > 5 && t[5] != null) {
            if (!(t[5] instanceof Object[] view) || view.length != 3) {
                throw new PickleFormatException("unexpected storage view");
            }
            viewOffset = count(view[1], "view offset");
            viewSize = count(view[2], "view size");
        }
        return new StorageRef(storageKey, type.dtype(), numel, viewOffset, viewSize);
    }

    private Object rebuildTensor(Object[] args) {
        if (args.length < 4 || !(args[0] instanceof StorageRef storage)) {
            throw new PickleFormatException("tensor rebuilt without a storage");
        }
        long offset = count(args[1], "storage offset");
        long[] size = counts(args[2], "size");
        long[] stride = counts(args[3], "stride");
        if (size.length != stride.length) {
            throw new PickleFormatException("tensor with " + size.length + " sizes but " + stride.length + " strides");
        }
        if (size.length > 64) {
            throw new PickleFormatException("tensor with " + size.length + " dimensions");
        }
        return new TensorRef(storage, offset, size, stride);
    }

    /** A non-negative 64-bit integer. */
    private static long count(Object o, String what) {
        if (o instanceof Long n) {
            if (n < 0) {
                throw new PickleFormatException(what + " is negative (" + n + ")");
            }
            return n;
        }
        throw new PickleFormatException(what + " is " + PickleValues.typeName(o) + ", not a non-negative int");
    }

    private static long[] counts(Object o, String what) {
        if (!(o instanceof Object[] a)) {
            throw new PickleFormatException(what + " is " + PickleValues.typeName(o) + ", not a tuple");
        }
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = count(a[i], what);
        }
        return out;
    }

    /** An allow-listed callable global. */
    @FunctionalInterface
    interface Callable extends Function<Object[], Object> {}

    /** The value a storage-class global stands for inside a persistent id. */
    record StorageType(DType dtype) {}
}
