package org.prune4j.internal.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.function.UnaryOperator;
import org.prune4j.internal.data.Batch;
import org.prune4j.internal.data.DataLoader;
import org.prune4j.internal.data.Dataset;
import org.prune4j.internal.model.vision.VisionModel;

/**
 * Top-1 accuracy of an image classifier on a dataset: batched, in evaluation mode (the model's mode is
 * restored afterwards), outside any gradient recording, each batch in its own scope.
 */
public final class ImageClassificationEval {
    private ImageClassificationEval() {}

    /**
     * @param correct images whose highest logit is their label
     * @param images images evaluated
     * @param seconds wall-clock time of the evaluation
     * @param predictions predicted class of every image, in dataset order
     */
    public record Result(long correct, int images, double seconds, int[] predictions) {
        public Result {
            predictions = predictions.clone();
        }

        @Override
        public int[] predictions() {
            return predictions.clone();
        }

        /** {@code correct / images} (0 for an empty dataset). */
        public double accuracy() {
            return images == 0 ? 0 : correct / (double) images;
        }
    }

    /** Evaluates {@code model} on {@code data} (normalised as the model expects) in batches of {@code batchSize}. */
    public static Result evaluate(VisionModel model, Dataset data, int batchSize) {
        return evaluate(model, data, batchSize, model::forward);
    }

    /**
     * Evaluates {@code model} on {@code data} with {@code forward} computing the logits of a batch (for
     * example a forward pass with token reduction).
     */
    public static Result evaluate(VisionModel model, Dataset data, int batchSize, UnaryOperator<NDArray> forward) {
        boolean wasTraining = model.isTraining();
        model.train(false);
        long start = System.nanoTime();
        long correct = 0;
        int[] predictions = new int[data.size()];
        DataLoader loader = DataLoader.evaluation(data, batchSize);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int b = 0; b < loader.batchesPerEpoch(); b++) {
                try (NDManager scope = manager.newSubManager()) {
                    Batch batch = loader.batch(0, b, scope);
                    NDArray logits = forward.apply(batch.images());
                    long[] pred = logits.argMax(1).toType(DataType.INT64, false).toLongArray();
                    long[] labels = batch.labels().toLongArray();
                    int[] idx = batch.indices();
                    for (int i = 0; i < pred.length; i++) {
                        predictions[idx[i]] = (int) pred[i];
                        if (pred[i] == labels[i]) {
                            correct++;
                        }
                    }
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return new Result(correct, data.size(), (System.nanoTime() - start) / 1e9, predictions);
    }
}
