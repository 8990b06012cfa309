package org.prune4j.internal.prune.method;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.prune4j.UserError;

/**
 * The pruning methods prune4j knows, by name. A new method is one class implementing
 * {@link PruningMethod} and one line in {@link #REGISTRY}.
 */
public final class PruningMethods {
    private static final Map<String, Function<MethodOptions, PruningMethod>> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put(MagnitudeMethod.NAME, MagnitudeMethod::of);
        REGISTRY.put(WandaMethod.NAME, WandaMethod::of);
        REGISTRY.put(SparseGptMethod.NAME, SparseGptMethod::of);
        REGISTRY.put(DsnotMethod.NAME, DsnotMethod::of);
    }

    private PruningMethods() {}

    /** The registered names, in registration order. */
    public static Set<String> names() {
        return java.util.Collections.unmodifiableSet(REGISTRY.keySet());
    }

    /** The method {@code name} (case-insensitive) with its defaults. */
    public static PruningMethod byName(String name) {
        return create(name, MethodOptions.none(name));
    }

    /**
     * The method {@code name} configured with {@code options}.
     *
     * @throws UserError for an unknown name or a setting the method does not take
     */
    public static PruningMethod create(String name, MethodOptions options) {
        Function<MethodOptions, PruningMethod> factory = REGISTRY.get(name.toLowerCase(Locale.ROOT));
        if (factory == null) {
            throw new UserError("--method " + name + ": unknown method (" + String.join(", ", REGISTRY.keySet()) + ")");
        }
        return factory.apply(options);
    }
}
