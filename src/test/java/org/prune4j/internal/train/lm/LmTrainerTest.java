package org.prune4j.internal.train.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.model.llama.ReferenceFixture;
import org.prune4j.internal.nn.Parameter;

/** The language-model training loop: schedule, accumulation, early stopping, and resuming an interrupted run. */
class LmTrainerTest {
    @TempDir
    Path dir;

    private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    static int[][] windows() {
        int[] calib = ReferenceFixture.tensor("calib_ids").toInts();
        int[] first = Arrays.copyOf(calib, 48 * 64);
        return TokenWindowSet.windows(first, 64, "calib");
    }

    static LmTrainingSettings settings(long steps, Path checkpoint) {
        return new LmTrainingSettings(steps, 0, 4, 2, 2e-3, 3, 0.1, 0.01, 1.0, 5, 4, 0, checkpoint);
    }

    /** Trains the norms of stories260K and returns their final values. */
    static float[] train(LmTrainingSettings s, LmTrainer.Result[] result, Long crashAt) {
        LlamaCheckpoint ckpt = ModelLocator.loadLlama("stories260K", null);
        try (NDManager weights = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(ckpt, weights);
            Map<String, Parameter> trainable = new LinkedHashMap<>();
            model.namedParameters().forEach((k, p) -> {
                if (k.endsWith("norm.weight") || k.endsWith("q_proj.weight")) {
                    trainable.put(k, p);
                }
            });
            TokenWindowSet data = TokenWindowSet.split(windows(), 0.1, 5);
            LmTrainer.Objective ce = (ids, scope) -> NextTokenLoss.mean(model.logits(scope, ids), ids);
            result[0] = new LmTrainer(s, QUIET).train(trainable, data, ce, ce, weights, step -> {
                if (crashAt != null && step == crashAt) {
                    throw new IllegalStateException("simulated interruption at step " + step);
                }
            });
            float[] all = new float[0];
            for (Parameter p : trainable.values()) {
                float[] v = p.value().toFloatArray();
                float[] n = Arrays.copyOf(all, all.length + v.length);
                System.arraycopy(v, 0, n, all.length, v.length);
                all = n;
            }
            return all;
        }
    }

    @Test
    void anInterruptedRunResumesToTheSameParameters() {
        LmTrainer.Result[] full = new LmTrainer.Result[1];
        float[] uninterrupted = train(settings(12, null), full, null);
        Path ckpt = dir.resolve("state.safetensors");
        assertThrows(IllegalStateException.class, () -> train(settings(12, ckpt), new LmTrainer.Result[1], 8L));
        LmTrainer.Result[] resumed = new LmTrainer.Result[1];
        float[] after = train(settings(12, ckpt), resumed, null);
        assertEquals(8, resumed[0].resumedFromStep());
        assertEquals(12, resumed[0].steps());
        assertArrayEquals(uninterrupted, after);
        assertEquals(full[0].history().size(), resumed[0].history().size());
        assertTrue(full[0].history().get(2).validationLoss() < full[0].history().get(0).validationLoss() + 1e-9
                || full[0].history().get(2).trainLoss() < full[0].history().get(0).trainLoss(), "training lowers the loss");
    }

    @Test
    void warmupThenCosine() {
        LmTrainingSettings s = new LmTrainingSettings(100, 0, 1, 1, 1.0, 10, 0.1, 0, 0, 0, 0, 0, null);
        assertEquals(1.0 / 11, s.learningRateAt(0, 100), 1e-12);
        assertEquals(10.0 / 11, s.learningRateAt(9, 100), 1e-12);
        assertEquals(1.0, s.learningRateAt(10, 100), 1e-12);
        assertEquals(0.1, s.learningRateAt(99, 100), 1e-12);
        assertEquals(0.55, s.learningRateAt(10 + 89 / 2, 100), 0.02);
    }

    @Test
    void validationSplitIsDisjointAndSeeded() {
        TokenWindowSet a = TokenWindowSet.split(windows(), 0.25, 3);
        TokenWindowSet b = TokenWindowSet.split(windows(), 0.25, 3);
        assertEquals(12, a.validationWindows());
        assertEquals(36, a.trainWindows());
        assertArrayEquals(a.validation(), b.validation());
        for (int[] v : a.validation()) {
            for (int e = 0; e < 3; e++) {
                for (int i = 0; i < a.batchesPerEpoch(4); i++) {
                    for (int[] t : a.batch(e, i, 4)) {
                        assertTrue(t != v, "a validation window is never trained on");
                    }
                }
            }
        }
    }
}
