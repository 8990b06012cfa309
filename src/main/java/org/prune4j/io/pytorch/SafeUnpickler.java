package org.prune4j.io.pytorch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;
import org.prune4j.UserError;
import org.prune4j.io.DType;

/**
 * A pickle reader that can only rebuild tensors and plain containers.
 *
 * <p>Every reference to a Python global ({@code GLOBAL}, {@code STACK_GLOBAL}, {@code INST}) is checked
 * against an allow-list: {@code collections.OrderedDict}, the tensor-rebuilding functions of {@code
 * torch._utils}, the typed storage classes ({@code torch.FloatStorage} ...) and {@code torch.device}. Any
 * other global is a {@link UserError} before anything is constructed, so a checkpoint can never run code
 * (and neither can Pyrolite's own default constructors, which are bypassed). Dicts keep their insertion
 * order. Tensors come out as {@link TensorRef}s and storages as {@link StorageRef}s; the caller reads the
 * bytes.
 */
final class SafeUnpickler extends Unpickler {
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

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(resolve(module, name));
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw malformed("STACK_GLOBAL without module and name strings");
                }
                stack.add(resolve(m, n));
            }
            case Opcodes.INST -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                throw notAllowed(module, name);
            }
            case Opcodes.OBJ -> throw malformed("the OBJ opcode (class instantiation) is not supported");
            case Opcodes.EMPTY_DICT -> stack.add(new LinkedHashMap<>());
            case Opcodes.DICT -> {
                List<Object> items = stack.pop_all_since_marker();
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = 0; i + 1 < items.size(); i += 2) {
                    map.put(items.get(i), items.get(i + 1));
                }
                stack.add(map);
            }
            case Opcodes.SETITEMS -> {
                List<Object> items = stack.pop_all_since_marker();
                Map<Object, Object> map = asMap(stack.peek(), "SETITEMS");
                for (int i = 0; i + 1 < items.size(); i += 2) {
                    map.put(items.get(i), items.get(i + 1));
                }
            }
            case Opcodes.SETITEM -> {
                Object value = stack.pop();
                Object k = stack.pop();
                asMap(stack.peek(), "SETITEM").put(k, value);
            }
            case Opcodes.BUILD -> {
                stack.pop(); // the object's __dict__ state, e.g. an OrderedDict's _metadata: not needed
                Object target = stack.peek();
                if (!(target instanceof Map<?, ?>) && !(target instanceof TensorRef)) {
                    throw malformed("BUILD on a " + describe(target));
                }
            }
            case Opcodes.REDUCE, Opcodes.NEWOBJ -> {
                Object args = stack.pop();
                Object callable = stack.pop();
                stack.add(call(callable, args));
            }
            case Opcodes.NEWOBJ_EX -> {
                stack.pop(); // kwargs
                Object args = stack.pop();
                Object callable = stack.pop();
                stack.add(call(callable, args));
            }
            default -> {
                return super.dispatch(key);
            }
        }
        return NO_RETURN_VALUE;
    }

    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0])) {
            throw malformed("unexpected persistent id " + describe(pid));
        }
        if (!(t[1] instanceof StorageType type)) {
            throw malformed("persistent id without a storage type: " + describe(t[1]));
        }
        String storageKey = String.valueOf(t[2]);
        long numel = asLong(t[4], "storage size");
        long viewOffset = 0;
        long viewSize = -1;
        if (t.length > 5 && t[5] != null) {
            if (!(t[5] instanceof Object[] view) || view.length != 3) {
                throw malformed("unexpected storage view " + describe(t[5]));
            }
            viewOffset = asLong(view[1], "view offset");
            viewSize = asLong(view[2], "view size");
        }
        return new StorageRef(storageKey, type.dtype(), numel, viewOffset, viewSize);
    }

    private Object resolve(String module, String name) {
        String qualified = module + "." + name;
        switch (qualified) {
            case "collections.OrderedDict":
                return (IObjectConstructor) args -> new LinkedHashMap<>();
            case "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2":
                return (IObjectConstructor) this::rebuildTensor;
            case "torch._utils._rebuild_parameter":
                return (IObjectConstructor) args -> {
                    if (args.length < 1 || !(args[0] instanceof TensorRef t)) {
                        throw malformed("_rebuild_parameter without a tensor");
                    }
                    return t;
                };
            case "torch.device":
                return (IObjectConstructor) args -> args.length == 0 ? "cpu" : String.valueOf(args[0]);
            default:
                if (module.equals("torch") && STORAGE_TYPES.containsKey(name)) {
                    return new StorageType(STORAGE_TYPES.get(name));
                }
                throw notAllowed(module, name);
        }
    }

    private Object rebuildTensor(Object[] args) {
        if (args.length < 4 || !(args[0] instanceof StorageRef storage)) {
            throw malformed("tensor rebuilt without a storage");
        }
        long offset = asLong(args[1], "storage offset");
        long[] size = longs(args[2], "size");
        long[] stride = longs(args[3], "stride");
        if (size.length != stride.length) {
            throw malformed("tensor with " + size.length + " sizes but " + stride.length + " strides");
        }
        return new TensorRef(storage, offset, size, stride);
    }

    private Object call(Object callable, Object args) {
        if (!(callable instanceof IObjectConstructor c)) {
            throw malformed("call of a " + describe(callable));
        }
        if (callable instanceof StorageType) {
            throw malformed("a storage type is called");
        }
        if (!(args instanceof Object[] a)) {
            throw malformed("call with arguments that are not a tuple: " + describe(args));
        }
        return c.construct(a);
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> asMap(Object o, String op) {
        if (!(o instanceof Map<?, ?>)) {
            throw malformed(op + " on a " + describe(o));
        }
        return (Map<Object, Object>) o;
    }

    private long asLong(Object o, String what) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        throw malformed(what + " is not a number: " + describe(o));
    }

    private long[] longs(Object o, String what) {
        if (!(o instanceof Object[] a)) {
            throw malformed(what + " is not a tuple: " + describe(o));
        }
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = asLong(a[i], what);
        }
        return out;
    }

    private UserError notAllowed(String module, String name) {
        return new UserError("checkpoint " + file + " refers to Python global " + module + "." + name
                + ", which is not allow-listed (prune4j only rebuilds tensors and containers, it never runs code"
                + " from a checkpoint)");
    }

    private UserError malformed(String what) {
        return new UserError("checkpoint " + file + " is not a PyTorch state dict we can read: " + what);
    }

    private static String describe(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
    }

    /** The value a storage-class global stands for inside a persistent id. */
    record StorageType(DType dtype) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            throw new PickleException("storage types cannot be called");
        }
    }
}
