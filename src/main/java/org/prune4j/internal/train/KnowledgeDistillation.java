package org.prune4j.internal.train;

import ai.djl.ndarray.NDArray;
import org.prune4j.internal.nn.GraphScalar;

/**
 * Knowledge distillation on logits (Hinton, Vinyals, Dean 2015): {@code T² · KL(softmax(t/T) ‖ softmax(s/T))},
 * the {@code T²} keeping the gradient's scale independent of the temperature.
 */
public final class KnowledgeDistillation {
    private KnowledgeDistillation() {}

    /**
     * {@code T² ·} the mean over all leading positions of {@code KL(softmax(teacher/T) ‖ softmax(student/T))}
     * over the last axis; a differentiable scalar in {@code student}'s manager.
     */
    public static NDArray klDivergence(NDArray student, NDArray teacher, double temperature) {
        NDArray ls = student.div(GraphScalar.of(student, temperature)).logSoftmax(-1);
        NDArray lt = teacher.div(GraphScalar.of(teacher, temperature)).logSoftmax(-1);
        NDArray kl = lt.exp().mul(lt.sub(ls)).sum(new int[] {-1}).mean();
        return kl.mul(GraphScalar.of(kl, temperature * temperature));
    }

    /**
     * The objective {@code α · T² · KL(p_teacher ‖ p_student) + (1 − α) · cross-entropy}; the teacher runs in
     * evaluation mode and is not trained.
     *
     * @param teacher the dense network (its parameters must not require gradients)
     * @param temperature softening temperature {@code T > 0}
     * @param alpha weight of the distillation term, in [0, 1]
     */
    public static TrainingObjective objective(Network teacher, double temperature, double alpha) {
        if (!(temperature > 0) || !(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("temperature " + temperature + " must be > 0, alpha " + alpha + " in [0, 1]");
        }
        return (student, batch) -> {
            teacher.setTraining(false);
            NDArray t = teacher.forward(batch.images());
            NDArray s = student.forward(batch.images());
            NDArray kd = klDivergence(s, t, temperature).mul(GraphScalar.of(s, alpha));
            NDArray ce = CrossEntropy.mean(s, batch.labels()).mul(GraphScalar.of(s, 1 - alpha));
            return kd.add(ce);
        };
    }
}
