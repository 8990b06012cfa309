package org.prune4j.internal.io.pytorch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.UserError;

/**
 * A copy of an unpickled object graph in which every leaf may be replaced ({@link #leaf}).
 *
 * <p>A pickle's memo lets one object appear many times: a 1 KB pickle can describe a chain of lists each
 * holding the previous one twice, 2^60 paths deep. The walk therefore copies each container once and
 * shares the copy wherever the original was shared; it refuses graphs nested deeper than {@link
 * #MAX_DEPTH}, graphs with more than {@link #MAX_OBJECTS} containers, and containers that contain
 * themselves (no state dict does).
 */
abstract class GraphWalk {
    static final int MAX_DEPTH = 1000;
    static final int MAX_OBJECTS = 10_000_000;

    private final Path file;
    private final Map<Object, Object> done = new IdentityHashMap<>();
    private final Map<Object, Boolean> inProgress = new IdentityHashMap<>();

    GraphWalk(Path file) {
        this.file = file;
    }

    /** The replacement of a non-container value. */
    abstract Object leaf(Object o);

    /** The copy of {@code root}. */
    Object walk(Object root) {
        return walk(root, 0);
    }

    private Object walk(Object o, int depth) {
        if (!(o instanceof Map<?, ?>) && !(o instanceof List<?>) && !(o instanceof Object[])) {
            if (o instanceof TensorRef && done.containsKey(o)) {
                return done.get(o);
            }
            Object r = leaf(o);
            if (o instanceof TensorRef) {
                done.put(o, r);
            }
            return r;
        }
        Object copy = done.get(o);
        if (copy != null) {
            return copy;
        }
        if (inProgress.containsKey(o)) {
            throw new UserError("checkpoint " + file + " is not a state dict we can read: a container contains itself");
        }
        if (depth >= MAX_DEPTH) {
            throw new UserError("checkpoint " + file + " is not a state dict we can read: containers are nested"
                    + " deeper than " + MAX_DEPTH + " levels");
        }
        if (done.size() >= MAX_OBJECTS) {
            throw new UserError("checkpoint " + file + " is not a state dict we can read: more than " + MAX_OBJECTS
                    + " containers");
        }
        inProgress.put(o, Boolean.TRUE);
        if (o instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(e.getKey(), walk(e.getValue(), depth + 1));
            }
            copy = out;
        } else if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object v : l) {
                out.add(walk(v, depth + 1));
            }
            copy = out;
        } else {
            Object[] a = (Object[]) o;
            Object[] out = new Object[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = walk(a[i], depth + 1);
            }
            copy = out;
        }
        inProgress.remove(o);
        done.put(o, copy);
        return copy;
    }
}
