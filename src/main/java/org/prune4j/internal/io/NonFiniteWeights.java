package org.prune4j.internal.io;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.prune4j.UserError;

/**
 * Finds weights that are NaN or infinite. A checkpoint holding them evaluates to "perplexity NaN" and
 * prunes by meaningless scores, so loading warns (naming the tensors) and pruning refuses.
 */
public final class NonFiniteWeights {
    private static final int NAMED = 3;

    private NonFiniteWeights() {}

    /** A tensor with {@code count} non-finite values. */
    public record Finding(String tensor, long count) {}

    /** The floating-point tensors of {@code tensors} that hold NaN or ±Inf, in order. */
    public static List<Finding> scan(Map<String, TensorData> tensors) {
        List<Finding> out = new ArrayList<>();
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            long n = count(e.getValue());
            if (n > 0) {
                out.add(new Finding(e.getKey(), n));
            }
        }
        return out;
    }

    /** Prints one warning line to {@code err} when {@code tensors} hold non-finite values. */
    public static void warn(Map<String, TensorData> tensors, String source, PrintStream err) {
        List<Finding> found = scan(tensors);
        if (!found.isEmpty()) {
            err.println("prune4j: warning: " + describe(source, found) + "; results computed from them will be NaN");
        }
    }

    /** Throws a {@link UserError} when {@code tensors} hold non-finite values. */
    public static void requireFinite(Map<String, TensorData> tensors, String source) {
        List<Finding> found = scan(tensors);
        if (!found.isEmpty()) {
            throw new UserError(describe(source, found) + "; pruning scores computed from them are meaningless"
                    + " (repair or re-export the checkpoint)");
        }
    }

    private static String describe(String source, List<Finding> found) {
        StringBuilder s = new StringBuilder(source).append(": ");
        for (int i = 0; i < Math.min(NAMED, found.size()); i++) {
            Finding f = found.get(i);
            s.append(i == 0 ? "" : ", ").append("tensor ").append(f.tensor()).append(" holds ").append(f.count())
                    .append(" non-finite value").append(f.count() == 1 ? "" : "s");
        }
        if (found.size() > NAMED) {
            s.append(" (and ").append(found.size() - NAMED).append(" more tensors)");
        }
        return s.append(" (NaN or Inf)").toString();
    }

    /** The number of NaN or ±Inf values of a tensor (0 for integer tensors). */
    public static long count(TensorData t) {
        ByteBuffer b = t.bytes().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long n = 0;
        switch (t.dtype()) {
            case F32 -> {
                for (int i = b.position(); i + 4 <= b.limit(); i += 4) {
                    n += (b.getInt(i) & 0x7f80_0000) == 0x7f80_0000 ? 1 : 0;
                }
            }
            case F64 -> {
                for (int i = b.position(); i + 8 <= b.limit(); i += 8) {
                    n += (b.getLong(i) & 0x7ff0_0000_0000_0000L) == 0x7ff0_0000_0000_0000L ? 1 : 0;
                }
            }
            case BF16 -> {
                for (int i = b.position(); i + 2 <= b.limit(); i += 2) {
                    n += (b.getShort(i) & 0x7f80) == 0x7f80 ? 1 : 0;
                }
            }
            case F16 -> {
                for (int i = b.position(); i + 2 <= b.limit(); i += 2) {
                    n += (b.getShort(i) & 0x7c00) == 0x7c00 ? 1 : 0;
                }
            }
            default -> { }
        }
        return n;
    }
}
