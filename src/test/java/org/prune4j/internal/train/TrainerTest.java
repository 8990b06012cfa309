package org.prune4j.internal.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.prune4j.internal.data.DataLoader;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.nn.Parameter;

class TrainerTest {
    @TempDir
    Path dir;

    static final DataLoader TRAIN = SyntheticData.train(SyntheticData.clusters(512, 16, 4, 1, 50), 32, 7);
    static final DataLoader TEST = DataLoader.evaluation(SyntheticData.clusters(256, 16, 4, 2, 50), 128);

    static TrainingConfig config(OptimizerSettings opt, int epochs) {
        return new TrainingConfig(epochs, opt, new LearningRateSchedule.Constant(), null, "test");
    }

    /** Masks half of every weight matrix at random (seeded). */
    static void maskHalf(TinyMlp net, long seed) {
        Random rng = new Random(seed);
        for (Parameter p : Prunable.weights(net).values()) {
            float[] m = new float[(int) p.numel()];
            for (int i = 0; i < m.length; i++) {
                m[i] = rng.nextBoolean() ? 1 : 0;
            }
            try (NDArray mask = p.value().getManager().create(m, p.value().getShape())) {
                p.setMask(mask);
            }
        }
    }

    @Test
    void sgdLearnsSyntheticClusters() {
        try (NDManager m = NDManager.newBaseManager()) {
            TinyMlp net = new TinyMlp(m, 3, 16, 32, 4);
            double before = Evaluator.evaluate(net, TEST).accuracy();
            TrainingResult r = new Trainer(config(new OptimizerSettings.Sgd(0.1, 0.9, 1e-4, false), 3))
                    .train(net, TRAIN, TEST, TrainingListener.none());
            assertEquals(3, r.epochs().size());
            assertTrue(r.last().test().accuracy() > 0.9, "accuracy " + r.last().test().accuracy());
            assertTrue(r.last().test().accuracy() > before + 0.3);
            assertTrue(r.epochs().get(2).trainLoss() < r.epochs().get(0).trainLoss());
        }
    }

    @Test
    void maskedEntriesStayExactlyZeroWithEveryOptimizer() {
        List<OptimizerSettings> opts = List.of(new OptimizerSettings.Sgd(0.1, 0.9, 5e-4, true),
                new OptimizerSettings.Adam(1e-2, 0.9, 0.999, 1e-8, 1e-3, false),
                new OptimizerSettings.Adam(1e-2, 0.9, 0.999, 1e-8, 1e-2, true));
        for (OptimizerSettings opt : opts) {
            try (NDManager m = NDManager.newBaseManager()) {
                TinyMlp net = new TinyMlp(m, 3, 16, 32, 4);
                maskHalf(net, 11);
                // An extra mask set mid-training (as gradual pruning does) must also hold despite momentum.
                TrainingListener laterMask = new TrainingListener() {
                    @Override
                    public void beforeStep(long step, long total, Network n) {
                        if (step == 20) {
                            maskHalf(net, 12);
                        }
                    }
                };
                new Trainer(config(opt, 2)).train(net, TRAIN, TEST, laterMask);
                for (Parameter p : Prunable.weights(net).values()) {
                    float[] w = p.value().toFloatArray();
                    float[] mask = p.mask().toFloatArray();
                    int kept = 0;
                    for (int i = 0; i < w.length; i++) {
                        if (mask[i] == 0) {
                            assertEquals(0.0f, w[i], 0.0f, opt + ": masked entry " + i + " resurrected");
                            assertEquals(0, Float.floatToRawIntBits(w[i]) & 0x7fffffff);
                        } else if (w[i] != 0) {
                            kept++;
                        }
                    }
                    assertTrue(kept > 0);
                }
            }
        }
    }

    @Test
    void sameSeedGivesIdenticalWeights() {
        float[][] runs = new float[2][];
        for (int r = 0; r < 2; r++) {
            try (NDManager m = NDManager.newBaseManager()) {
                TinyMlp net = new TinyMlp(m, 3, 16, 8, 4);
                new Trainer(config(OptimizerSettings.Adam.of(1e-2), 1)).train(net, TRAIN, TEST, TrainingListener.none());
                runs[r] = net.layer(0).weight().value().toFloatArray();
            }
        }
        assertArrayEquals(runs[0], runs[1]);
    }

    @Test
    void longRunDoesNotGrowNativeMemory() {
        try (NDManager m = NDManager.newBaseManager()) {
            TinyMlp net = new TinyMlp(m, 3, 16, 32, 4);
            maskHalf(net, 1);
            int[] counts = new int[3];
            TrainingListener probe = new TrainingListener() {
                @Override
                public void afterEpoch(EpochResult r) {
                    counts[r.epoch() - 1] = countArrays(m);
                }
            };
            new Trainer(config(new OptimizerSettings.Sgd(0.05, 0.9, 0, false), 3)).train(net, TRAIN, TEST, probe);
            assertEquals(counts[0], counts[2], "arrays alive after epoch 1 vs 3");
        }
    }

    static int countArrays(NDManager m) {
        int n = m.getManagedArrays().size();
        return n;
    }

    @Test
    void checkpointRoundTripsValuesAndMasks() {
        try (NDManager m = NDManager.newBaseManager()) {
            TinyMlp net = new TinyMlp(m, 3, 16, 8, 4);
            maskHalf(net, 5);
            Path ckpt = dir.resolve("ckpt.safetensors");
            new Trainer(config(OptimizerSettings.Adam.of(1e-2), 1).withOutput(ckpt, "t")).train(net, TRAIN, TEST,
                    TrainingListener.none());
            TinyMlp other = new TinyMlp(m, 99, 16, 8, 4);
            Checkpoints.load(ckpt, other);
            assertArrayEquals(net.layer(0).weight().value().toFloatArray(), other.layer(0).weight().value().toFloatArray());
            assertArrayEquals(net.layer(1).weight().mask().toFloatArray(), other.layer(1).weight().mask().toFloatArray());
            assertEquals(Evaluator.evaluate(net, TEST).correct(), Evaluator.evaluate(other, TEST).correct());
        }
    }
}
