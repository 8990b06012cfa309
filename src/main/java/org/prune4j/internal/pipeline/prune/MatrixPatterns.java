package org.prune4j.internal.pipeline.prune;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.internal.prune.SparsityPattern;

/**
 * The pattern each pruned matrix gets after allocation.
 *
 * @param target the requested pattern
 * @param allocated per-matrix sparsity by weight name, or empty when every matrix gets {@code target}
 */
public record MatrixPatterns(SparsityPattern target, Map<String, Double> allocated) {
    public MatrixPatterns {
        allocated = Collections.unmodifiableMap(new LinkedHashMap<>(allocated));
    }

    /** Every matrix at {@code target}. */
    public static MatrixPatterns uniform(SparsityPattern target) {
        return new MatrixPatterns(target, Map.of());
    }

    /** The pattern of the weight called {@code name}. */
    public SparsityPattern of(String name) {
        Double s = allocated.get(name);
        return allocated.isEmpty() ? target : new SparsityPattern.Unstructured(s);
    }
}
