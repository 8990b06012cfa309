package org.prune4j.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.prune4j.internal.data.Batch;
import org.prune4j.internal.data.DataLoader;
import org.prune4j.internal.nn.Parameter;

/** Measures accuracy and loss of a network on a set of examples, batch by batch in scoped memory. */
final class Evaluator {
    private Evaluator() {}

    /** Evaluates {@code network} in evaluation mode on one pass (epoch 0) of {@code data}. */
    public static Evaluation evaluate(Network network, DataLoader data) {
        NDManager parent = anyParameter(network).value().getManager();
        network.setTraining(false);
        long correct = 0;
        long n = 0;
        double lossSum = 0;
        for (int i = 0; i < data.batchesPerEpoch(); i++) {
            try (NDManager scope = parent.newSubManager()) {
                Batch b = data.batch(0, i, scope);
                NDArray logits = network.forward(b.images());
                lossSum += CrossEntropy.mean(logits, b.labels()).getFloat() * (double) b.size();
                NDArray labels = b.labels().toType(DataType.INT64, false);
                correct += logits.argMax(1).eq(labels).toType(DataType.INT64, false).sum().getLong();
                n += b.size();
            }
        }
        return new Evaluation(n, correct, n == 0 ? 0 : lossSum / n);
    }

    static Parameter anyParameter(Network network) {
        return network.module().namedParameters().values().stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException("network has no parameters"));
    }
}
