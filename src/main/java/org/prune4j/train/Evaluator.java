package org.prune4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.prune4j.nn.Parameter;

/** Measures accuracy and loss of a network on a set of examples, batch by batch in scoped memory. */
public final class Evaluator {
    private Evaluator() {}

    /** Evaluates {@code network} on all of {@code data} in evaluation mode. */
    public static Evaluation evaluate(Network network, ExampleSource data, int batchSize) {
        NDManager parent = anyParameter(network).value().getManager();
        network.setTraining(false);
        long correct = 0;
        double lossSum = 0;
        int n = data.size();
        for (int start = 0; start < n; start += batchSize) {
            int len = Math.min(batchSize, n - start);
            int[] idx = new int[len];
            for (int i = 0; i < len; i++) {
                idx[i] = start + i;
            }
            try (NDManager scope = parent.newSubManager()) {
                Batch b = data.batch(scope, idx);
                NDArray logits = network.forward(b.inputs());
                lossSum += CrossEntropy.mean(logits, b.labels()).getFloat() * (double) len;
                NDArray labels = b.labels().toType(DataType.INT64, false);
                correct += logits.argMax(1).eq(labels).toType(DataType.INT64, false).sum().getLong();
            }
        }
        return new Evaluation(n, correct, n == 0 ? 0 : lossSum / n);
    }

    static Parameter anyParameter(Network network) {
        return network.module().namedParameters().values().stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException("network has no parameters"));
    }
}
