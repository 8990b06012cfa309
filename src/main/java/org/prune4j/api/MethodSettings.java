package org.prune4j.api;

import org.prune4j.UserError;
import org.prune4j.prune.SparsityPattern;

/**
 * The pruning method and all its settings (recipe section {@code method}). Settings that belong to one
 * method only are {@code null} for the others; for their own method a missing value takes its default,
 * so a constructed value always shows every setting in effect.
 *
 * @param name {@code magnitude}, {@code wanda} or {@code sparsegpt} (recipe key {@code method.name})
 * @param sparsity a fraction in [0, 1) such as {@code 0.5}, or {@code N:M} such as {@code 2:4} (recipe
 *     key {@code method.sparsity}; write N:M in quotes in YAML)
 * @param blocksize SparseGPT's column block width (default 128; sparsegpt only)
 * @param percdamp SparseGPT's dampening as a fraction of the mean Hessian diagonal (default 0.01;
 *     sparsegpt only)
 */
public record MethodSettings(String name, String sparsity, Integer blocksize, Double percdamp) {
    /** Checks the method name and sparsity, fills in the method's defaults, rejects other methods' settings. */
    public MethodSettings {
        name = JobSettings.methodName(name);
        if (sparsity == null || sparsity.isBlank()) {
            throw new UserError("method.sparsity: missing; a fraction like 0.5 or N:M like 2:4");
        }
        sparsity = SparsityPattern.parse("method.sparsity", sparsity).toString();
        blocksize = JobSettings.methodSetting(name, "blocksize", blocksize);
        percdamp = JobSettings.methodSetting(name, "percdamp", percdamp);
        if (blocksize != null && blocksize <= 0) {
            throw new UserError("method.blocksize: must be positive (got " + blocksize + ")");
        }
        if (percdamp != null && !(percdamp > 0)) {
            throw new UserError("method.percdamp: must be positive (got " + percdamp + ")");
        }
    }

    /** {@code name} at {@code sparsity} with the method's default settings. */
    public static MethodSettings of(String name, String sparsity) {
        return new MethodSettings(name, sparsity, null, null);
    }
}
