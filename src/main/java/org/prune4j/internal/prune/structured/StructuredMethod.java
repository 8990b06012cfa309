package org.prune4j.internal.prune.structured;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.prune4j.UserError;

/** The structured pruning methods: what {@code prune4j prune --method} accepts besides the unstructured ones. */
public enum StructuredMethod {
    /** Column L2 norm of {@code o_proj}/{@code down_proj}, no data (FLAP repository's {@code prune_magnitude_sp}). */
    MAGNITUDE_SP("magnitude-sp", false, true),
    /** Mean over output rows of |W|·‖x‖ on {@code o_proj}/{@code down_proj} inputs, layer by layer (FLAP's {@code prune_wanda_sp}). */
    WANDA_SP("wanda-sp", true, true),
    /** FLAP (An et al., AAAI'24): fluctuation metric, adaptive structure search and bias compensation. */
    FLAP("flap", true, true),
    /** LLM-Pruner's first-order Taylor importance (needs gradients through the model). */
    TAYLOR("taylor", true, true),
    /** ShortGPT's Block Influence: remove the layers whose output is most similar to their input. */
    BLOCK_INFLUENCE("block-influence", true, false),
    /** Gromov et al. / PruneMe: remove the contiguous block of layers with the smallest angular distance across it. */
    ANGULAR("angular", true, false);

    private final String cliName;
    private final boolean needsCalibration;
    private final boolean removesWidth;

    StructuredMethod(String cliName, boolean needsCalibration, boolean removesWidth) {
        this.cliName = cliName;
        this.needsCalibration = needsCalibration;
        this.removesWidth = removesWidth;
    }

    /** The name on the command line, e.g. {@code wanda-sp}. */
    public String cliName() {
        return cliName;
    }

    /** True when the method needs calibration sequences. */
    public boolean needsCalibration() {
        return needsCalibration;
    }

    /** True for methods that remove heads and neurons ({@code --ratio}); false for layer-removing ones. */
    public boolean removesWidth() {
        return removesWidth;
    }

    /** The method called {@code name}, or {@code null} when it is not a structured method. */
    public static StructuredMethod byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (StructuredMethod m : values()) {
            if (m.cliName.equals(n)) {
                return m;
            }
        }
        return null;
    }

    /** The method called {@code name}; a {@link UserError} listing the choices otherwise. */
    public static StructuredMethod parse(String name) {
        StructuredMethod m = byName(name);
        if (m == null) {
            throw new UserError("--method " + name + ": unknown structured method (choose " + names() + ")");
        }
        return m;
    }

    /** {@code "magnitude-sp, wanda-sp, ..."}. */
    public static String names() {
        return Arrays.stream(values()).map(StructuredMethod::cliName).collect(Collectors.joining(", "));
    }
}
