package org.prune4j.internal.io.pytorch;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** How unpickled values are named in messages and how integers are represented. */
final class PickleValues {
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private PickleValues() {}

    /** A {@code Long} when the integer fits in 64 bits, else the {@code BigInteger}. */
    static Object narrow(BigInteger v) {
        return v.compareTo(LONG_MIN) >= 0 && v.compareTo(LONG_MAX) <= 0 ? (Object) v.longValue() : v;
    }

    /** The Python name of a value's type, with an article ("a list", "None"), for messages. */
    static String typeName(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof String) {
            return "a str";
        }
        if (o instanceof Long || o instanceof BigInteger) {
            return "an int";
        }
        if (o instanceof Double) {
            return "a float";
        }
        if (o instanceof Boolean) {
            return "a bool";
        }
        if (o instanceof byte[]) {
            return "a bytes object";
        }
        if (o instanceof List<?>) {
            return "a list";
        }
        if (o instanceof Object[]) {
            return "a tuple";
        }
        if (o instanceof Map<?, ?>) {
            return "a dict";
        }
        if (o instanceof TensorRef) {
            return "a tensor";
        }
        if (o instanceof StorageRef) {
            return "a storage";
        }
        return "a Python object";
    }
}
