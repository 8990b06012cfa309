package org.prune4j.internal.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.train.Autograd;
import org.prune4j.internal.train.GradientUpdate;
import org.prune4j.internal.train.Optimizer;
import org.prune4j.internal.train.OptimizerSettings;
import org.prune4j.internal.train.lm.NextTokenLoss;

/** Many training steps of stories260K (forward, backward, Adam update) leave native memory where it was. */
class LlamaTrainingMemoryTest {

    @Test
    void trainingStepsDoNotGrowNativeMemory() {
        try (NDManager weights = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(ModelLocator.loadLlama("stories260K", null), weights);
            Map<String, Parameter> params = model.namedParameters();
            int[] calib = ReferenceFixture.tensor("calib_ids").toInts();
            params.values().forEach(p -> p.value().setRequiresGradient(true));
            List<Float> losses = new ArrayList<>();
            List<Long> rss = new ArrayList<>();
            List<Integer> arrays = new ArrayList<>();
            int warmup = 60;
            int steps = 360;
            int every = 20;
            try (Optimizer adam = OptimizerSettings.Adam.of(1e-3).create(weights)) {
                for (int step = 0; step < steps; step++) {
                    try (NDManager scope = weights.newSubManager()) {
                        int row = step % 128;
                        NDArray ids = scope.create(Arrays.copyOfRange(calib, row * 256, row * 256 + 64), new Shape(1, 64));
                        NDArray loss = Autograd.backward(() -> NextTokenLoss.mean(model.logits(scope, ids), ids));
                        losses.add(loss.getFloat());
                        List<GradientUpdate> updates = new ArrayList<>();
                        for (Map.Entry<String, Parameter> e : params.entrySet()) {
                            NDArray g = Autograd.gradient(e.getValue().value(), scope);
                            Autograd.zeroGradient(e.getValue().value());
                            updates.add(new GradientUpdate(e.getKey(), e.getValue(), g));
                        }
                        adam.step(updates, 1e-3, scope);
                    }
                    if (step >= warmup && step % every == 0) {
                        System.gc();
                        rss.add(residentBytes());
                        arrays.add(weights.getManagedArrays().size());
                    }
                }
            } finally {
                params.values().forEach(p -> p.value().setRequiresGradient(false));
            }
            assertEquals(1, arrays.stream().distinct().count(), "arrays in the weights manager: " + arrays);
            // the resident size fluctuates by ~20 MiB with the JVM heap: compare the smallest of the first and
            // last few samples. One step's gradients alone are 1 MiB and its graph several: a leak of either
            // would add hundreds of MiB over these 300 steps.
            long early = rss.subList(0, 4).stream().mapToLong(Long::longValue).min().orElseThrow();
            long late = rss.subList(rss.size() - 4, rss.size()).stream().mapToLong(Long::longValue).min().orElseThrow();
            System.out.printf("resident memory (MiB) every %d steps from step %d: %s%n", every, warmup,
                    rss.stream().map(b -> String.format("%.0f", b / 1048576.0)).toList());
            assertTrue(late - early < 40L << 20, "resident memory grew by " + (late - early) / 1048576.0 + " MiB");
            float firstAvg = (float) losses.subList(0, 20).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
            float lastAvg = (float) losses.subList(losses.size() - 20, losses.size()).stream()
                    .mapToDouble(Float::doubleValue).average().orElseThrow();
            assertTrue(losses.stream().allMatch(l -> Float.isFinite(l)), "non-finite loss");
            assertTrue(lastAvg < firstAvg, "training lowered the loss: " + firstAvg + " → " + lastAvg);
        }
    }

    private static long residentBytes() {
        try {
            String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
            return Long.parseLong(f[1]) * 4096L;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
