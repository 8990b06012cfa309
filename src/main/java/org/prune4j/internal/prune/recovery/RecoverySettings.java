package org.prune4j.internal.prune.recovery;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.train.lm.LmTrainingSettings;

/**
 * What {@code prune4j recover} does.
 *
 * @param method the method ({@link RecoveryMethod#DISTILL} trains {@code student} with the distillation loss)
 * @param student what distillation trains (not {@code distill})
 * @param targets the Linears that get adapters, by short name ({@code q,k,v,o,gate,up,down})
 * @param rank adapter rank
 * @param alpha adapter scale numerator ({@code s = α/r})
 * @param dropout dropout on the adapters' input
 * @param temperature distillation temperature
 * @param hiddenMseWeight weight of the per-block hidden-state MSE added to the distillation loss (0: none)
 * @param keepAdapters write the adapters beside the unmerged model instead of merging
 * @param seqLen training window length
 * @param validationFraction share of the windows held out for validation
 * @param training optimiser, schedule, steps, checkpoint
 */
public record RecoverySettings(RecoveryMethod method, RecoveryMethod student, List<String> targets, int rank, float alpha,
        float dropout, double temperature, double hiddenMseWeight, boolean keepAdapters, int seqLen,
        double validationFraction, LmTrainingSettings training) {
    /** Short target names and the Linears they mean inside a block. */
    public static final Map<String, String> TARGETS = Map.of("q", "self_attn.q_proj", "k", "self_attn.k_proj", "v",
            "self_attn.v_proj", "o", "self_attn.o_proj", "gate", "mlp.gate_proj", "up", "mlp.up_proj", "down",
            "mlp.down_proj");

    public RecoverySettings {
        targets = List.copyOf(targets);
        if (targets.isEmpty()) {
            throw new UserError("--targets: name at least one of q,k,v,o,gate,up,down");
        }
        for (String t : targets) {
            if (!TARGETS.containsKey(t)) {
                throw new UserError("--targets " + t + ": unknown target (q, k, v, o, gate, up, down)");
            }
        }
        if (student == RecoveryMethod.DISTILL) {
            throw new UserError("--student distill: the student trains lora, masked-lora, scale-lora, norms-biases or full");
        }
        if (rank < 1) {
            throw new UserError("--rank must be >= 1 (got " + rank + ")");
        }
        if (!(alpha > 0) || !(dropout >= 0 && dropout < 1)) {
            throw new UserError("--alpha must be > 0 and --dropout in [0, 1) (got " + alpha + ", " + dropout + ")");
        }
        if (!(temperature > 0) || !(hiddenMseWeight >= 0)) {
            throw new UserError("--temperature must be > 0 and --hidden-mse >= 0");
        }
        RecoveryMethod trained = method == RecoveryMethod.DISTILL ? student : method;
        if (keepAdapters && !trained.usesAdapters()) {
            throw new UserError("--keep-adapters: " + trained.cliName() + " trains no adapters");
        }
    }

    /** What is trained: the method, or the student for distillation. */
    public RecoveryMethod trained() {
        return method == RecoveryMethod.DISTILL ? student : method;
    }

    String describe() {
        return String.format(Locale.ROOT, "%s%s", method.cliName(),
                method == RecoveryMethod.DISTILL ? " (student " + student.cliName() + ")" : "");
    }
}
