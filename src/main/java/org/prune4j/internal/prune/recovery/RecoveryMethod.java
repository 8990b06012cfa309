package org.prune4j.internal.prune.recovery;

import java.util.Locale;
import org.prune4j.UserError;

/** What {@code prune4j recover} trains. */
public enum RecoveryMethod {
    /** Low-rank adapters merged into the weights (fills pruned zeros in). */
    LORA("lora"),
    /** Adapters whose product is masked by the sparsity pattern (PERP MaskLoRA): zeros stay zero. */
    MASKED_LORA("masked-lora"),
    /** Multiplicative adapters {@code W ⊙ (1 + s·BA)} (PERP ScaleLoRA): zeros stay zero. */
    SCALE_LORA("scale-lora"),
    /** Only RMSNorm scales and biases. */
    NORMS_BIASES("norms-biases"),
    /** Every parameter, with the pruned weights masked (they stay zero). */
    FULL("full"),
    /** Distillation from the dense teacher, training what {@code --student} names (default masked-lora). */
    DISTILL("distill");

    private final String cliName;

    RecoveryMethod(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /** True when the method trains adapters. */
    public boolean usesAdapters() {
        return this == LORA || this == MASKED_LORA || this == SCALE_LORA;
    }

    /** True when a pruned weight stays exactly zero. */
    public boolean keepsSparsity() {
        return this != LORA;
    }

    public static RecoveryMethod parse(String option, String s) {
        for (RecoveryMethod m : values()) {
            if (m.cliName.equals(s.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new UserError(option + " " + s + ": unknown method (lora, masked-lora, scale-lora, norms-biases, full, distill)");
    }
}
