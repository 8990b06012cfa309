package org.prune4j.internal.prune.structural;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.internal.data.Batch;
import org.prune4j.internal.data.DataLoader;
import org.prune4j.internal.data.Dataset;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.train.Autograd;
import org.prune4j.internal.train.CrossEntropy;

/** Parameter gradients of the mean cross-entropy, summed over calibration batches (for Taylor importance). */
final class TaylorGradients {
    private TaylorGradients() {}

    /** Gradients by parameter name over the first {@code images} images of {@code data} (evaluation mode). */
    public static Map<String, float[]> compute(VisionModel model, Dataset data, int images, int batchSize) {
        Map<String, Parameter> params = model.namedParameters();
        Map<String, float[]> sums = new LinkedHashMap<>();
        NDManager parent = params.values().iterator().next().value().getManager();
        DataLoader loader = DataLoader.evaluation(data, batchSize);
        int batches = Math.max(1, Math.min(loader.batchesPerEpoch(), (images + batchSize - 1) / batchSize));
        boolean training = model.isTraining();
        model.train(false);
        try {
            for (Parameter p : params.values()) {
                p.value().setRequiresGradient(true);
            }
            for (int b = 0; b < batches; b++) {
                try (NDManager scope = parent.newSubManager()) {
                    Batch batch = loader.batch(0, b, scope);
                    Autograd.backward(() -> CrossEntropy.mean(model.forward(batch.images()), batch.labels()));
                    for (Map.Entry<String, Parameter> e : params.entrySet()) {
                        NDArray g = Autograd.gradient(e.getValue().value(), scope);
                        Autograd.zeroGradient(e.getValue().value());
                        if (g == null) {
                            continue;
                        }
                        float[] v = g.toFloatArray();
                        float[] acc = sums.computeIfAbsent(e.getKey(), k -> new float[v.length]);
                        for (int i = 0; i < v.length; i++) {
                            acc[i] += v[i];
                        }
                    }
                }
            }
        } finally {
            for (Parameter p : params.values()) {
                p.value().setRequiresGradient(false);
            }
            model.train(training);
        }
        return sums;
    }
}
