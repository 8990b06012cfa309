package org.prune4j.internal.prune.recovery;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.prune4j.internal.model.llama.DecoderBlock;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.nn.GraphScalar;
import org.prune4j.internal.nn.HookHandle;
import org.prune4j.internal.train.KnowledgeDistillation;

/**
 * Knowledge distillation from the dense teacher: {@code T² · mean over positions of KL(p_T ‖ p_S)} with
 * {@code p = softmax(logits / T)} (Hinton et al. 2015), plus optionally {@code λ ·} the mean over blocks of
 * the mean squared difference of the blocks' output hidden states.
 */
final class Distillation {
    private final LlamaModel student;
    private final LlamaModel teacher;
    private final double temperature;
    private final double hiddenWeight;

    Distillation(LlamaModel student, LlamaModel teacher, double temperature, double hiddenWeight) {
        this.student = student;
        this.teacher = teacher;
        this.temperature = temperature;
        this.hiddenWeight = hiddenWeight;
    }

    /** The loss of windows {@code ids [B, T]}, a differentiable scalar in {@code scope}. */
    NDArray loss(NDArray ids, NDManager scope) {
        List<NDArray> hs = new ArrayList<>();
        List<NDArray> ht = new ArrayList<>();
        List<HookHandle> hooks = new ArrayList<>();
        if (hiddenWeight > 0) {
            hooks.addAll(capture(student, hs, scope));
            hooks.addAll(capture(teacher, ht, scope));
        }
        try {
            NDArray s = student.logits(scope, ids);
            NDArray t = teacher.logits(scope, ids);
            NDArray loss = KnowledgeDistillation.klDivergence(s, t, (float) temperature);
            for (int i = 0; i < hs.size(); i++) {
                NDArray mse = hs.get(i).sub(ht.get(i)).square().mean();
                loss = loss.add(mse.mul(GraphScalar.of(mse, hiddenWeight / hs.size())));
            }
            return loss;
        } finally {
            hooks.forEach(HookHandle::close);
        }
    }

    private static List<HookHandle> capture(LlamaModel model, List<NDArray> into, NDManager scope) {
        List<HookHandle> out = new ArrayList<>();
        for (DecoderBlock b : model.blocks()) {
            out.add(b.addForwardHook((m, x, y) -> {
                NDArray c = y.duplicate();
                c.attach(scope);
                into.add(c);
            }));
        }
        return out;
    }
}
