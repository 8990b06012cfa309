package org.prune4j.internal.prune.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prune4j.internal.prune.PruningMask;
import org.prune4j.internal.data.DataLoader;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.train.LearningRateSchedule;
import org.prune4j.internal.train.OptimizerSettings;
import org.prune4j.internal.train.Prunable;
import org.prune4j.internal.train.SyntheticData;
import org.prune4j.internal.train.TinyMlp;
import org.prune4j.internal.train.Trainer;
import org.prune4j.internal.train.TrainingConfig;
import org.prune4j.internal.train.TrainingListener;

class GradualAndLotteryTest {
    static final DataLoader TRAIN = SyntheticData.train(SyntheticData.clusters(256, 16, 4, 1, 50), 32, 7);
    static final DataLoader TEST = DataLoader.evaluation(SyntheticData.clusters(128, 16, 4, 2, 50), 128);

    static Trainer trainer(int epochs) {
        return new Trainer(new TrainingConfig(epochs, OptimizerSettings.Adam.of(1e-2), new LearningRateSchedule.Constant(),
                null, "test"));
    }

    static long pruned(Parameter p) {
        return PrunableTensors.currentMask(p).prunedCount();
    }

    @Test
    void gradualPruningReachesTheFinalSparsityOnTheCubicSchedule() {
        try (NDManager m = NDManager.newBaseManager()) {
            TinyMlp net = new TinyMlp(m, 3, 16, 32, 4);
            var schedule = new CubicSparsitySchedule(0.0, 0.8, 4, 20, 4); // 8 steps/epoch, 3 epochs = 24 steps
            GradualMagnitudePruning gmp = new GradualMagnitudePruning(schedule, TestAllocations.UNIFORM);
            double[] seen = new double[25];
            TrainingListener probe = new TrainingListener() {
                @Override
                public void beforeStep(long step, long total, org.prune4j.internal.train.Network n) {
                    seen[(int) step] = PrunableTensors.density(Prunable.weights(n.module()));
                }
            };
            var result = trainer(3).train(net, TRAIN, TEST, TrainingListener.all(gmp, probe));
            assertEquals(0.8, gmp.currentSparsity(), 1e-12);
            for (Parameter p : Prunable.weights(net).values()) {
                assertEquals(Math.round(0.8 * p.numel()), pruned(p));
            }
            assertEquals(0.2, result.last().density(), 0.01); // the weights themselves are zero where masked
            assertEquals(1.0, seen[3], 0); // before begin
            assertEquals(seen[5], seen[7], 0); // masks change only at pruning steps
            assertTrue(seen[9] < seen[5]);
            assertEquals(1 - 0.8 * (1 - Math.pow(1 - 4 / 16.0, 3)), seen[9], 0.02); // sparsity set at step 8
        }
    }

    @Test
    void rewindingRestoresExactlyTheSavedValuesOnSurvivors() {
        try (NDManager m = NDManager.newBaseManager()) {
            TinyMlp net = new TinyMlp(m, 3, 16, 32, 4);
            RewindPoint rewind = new RewindPoint(5);
            float[] atStep5 = new float[0];
            trainer(1).train(net, TRAIN, TEST, rewind);
            WeightSnapshot snap = rewind.snapshot();
            atStep5 = snap.values().get("fc1.weight").toFloats();
            IterativeMagnitudePruning imp = new IterativeMagnitudePruning(0.2, TestAllocations.UNIFORM);
            Map<String, PruningMask> masks = imp.pruneToLevel(net, 1);
            float[] trained = net.layer(0).weight().value().toFloatArray();
            assertFalse(Arrays.equals(trained, atStep5));
            snap.rewind(net);
            float[] w = net.layer(0).weight().value().toFloatArray();
            float[] mask = masks.get("fc1.weight").keepFloats();
            for (int i = 0; i < w.length; i++) {
                if (mask[i] == 1) {
                    assertEquals(Float.floatToIntBits(atStep5[i]), Float.floatToIntBits(w[i]), "survivor " + i);
                } else {
                    assertEquals(0f, w[i], 0f);
                }
            }
            // biases (not pruned) are rewound too
            assertArrayEquals(snap.values().get("fc1.bias").toFloats(), net.layer(0).bias().value().toFloatArray(), 0f);
        }
    }

    @Test
    void iterativeLevelsCompoundTheRateAndMasksOnlyGrow() {
        try (NDManager m = NDManager.newBaseManager()) {
            TinyMlp net = new TinyMlp(m, 3, 16, 32, 4);
            RewindPoint init = new RewindPoint(0);
            trainer(1).train(net, TRAIN, TEST, init);
            IterativeMagnitudePruning imp = new IterativeMagnitudePruning(0.2, TestAllocations.GLOBAL);
            Map<String, PruningMask> level1 = imp.pruneToLevel(net, 1);
            init.snapshot().rewind(net);
            trainer(1).train(net, TRAIN, TEST, TrainingListener.none());
            Map<String, PruningMask> level2 = imp.pruneToLevel(net, 2);
            assertEquals(0.64, PrunableTensors.density(Prunable.weights(net)), 0.005);
            level1.forEach((name, mask1) -> {
                float[] m1 = mask1.keepFloats();
                float[] m2 = level2.get(name).keepFloats();
                for (int i = 0; i < m1.length; i++) {
                    assertTrue(m1[i] == 1 || m2[i] == 0, "pruned weight came back");
                }
            });
        }
    }

    @Test
    void controlsKeepPerLayerSparsityAndChangeWhatTheyShould() {
        try (NDManager m = NDManager.newBaseManager()) {
            TinyMlp net = new TinyMlp(m, 3, 16, 32, 4);
            Map<String, PruningMask> masks = new IterativeMagnitudePruning(0.5, TestAllocations.GLOBAL).pruneToLevel(net, 2);
            Map<String, PruningMask> random = LotteryControls.randomMasks(masks, 42);
            masks.forEach((name, mk) -> {
                assertEquals(mk.prunedCount(), random.get(name).prunedCount(), name);
                assertFalse(Arrays.equals(mk.keepFloats(), random.get(name).keepFloats()), name);
            });
            assertArrayEquals(random.get("fc1.weight").keepFloats(),
                    LotteryControls.randomMasks(masks, 42).get("fc1.weight").keepFloats());

            float[] originalInit = net.layer(0).weight().value().toFloatArray();
            TinyMlp fresh = new TinyMlp(m, 99, 16, 32, 4);
            LotteryControls.reinitialize(net, fresh);
            assertArrayEquals(masks.get("fc1.weight").keepFloats(), PrunableTensors.currentMask(net.layer(0).weight()).keepFloats());
            float[] re = net.layer(0).weight().value().toFloatArray();
            float[] mk = masks.get("fc1.weight").keepFloats();
            float[] freshW = fresh.layer(0).weight().value().toFloatArray();
            int differ = 0;
            for (int i = 0; i < re.length; i++) {
                assertEquals(mk[i] == 0 ? 0f : freshW[i], re[i], 0f);
                if (mk[i] == 1 && re[i] != originalInit[i]) {
                    differ++;
                }
            }
            assertTrue(differ > 0.9 * masks.get("fc1.weight").prunedCount() / 3.0);
        }
    }

    @Test
    void rewindAndReinitCoverBatchNormBuffers() {
        try (NDManager m = NDManager.newBaseManager()) {
            var model = org.prune4j.internal.model.vision.VisionModels.create("resnet20", m, 1);
            var buffers = model.namedBuffers();
            assertFalse(buffers.isEmpty());
            String name = buffers.keySet().iterator().next();
            float[] saved = buffers.get(name).toFloatArray();
            WeightSnapshot snap = WeightSnapshot.capture(model);
            buffers.get(name).muli(0).addi(5); // what training in train mode does to running statistics, in place
            snap.rewind(model);
            assertArrayEquals(saved, model.namedBuffers().get(name).toFloatArray(), 0f);

            var fresh = org.prune4j.internal.model.vision.VisionModels.create("resnet20", m, 2);
            fresh.namedBuffers().get(name).muli(0).addi(3);
            LotteryControls.reinitialize(model, fresh);
            assertEquals(3f, model.namedBuffers().get(name).toFloatArray()[0], 0f);
        }
    }
}
