package org.prune4j.internal.prune.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.io.onnx.InputTensor;
import org.prune4j.internal.io.onnx.OnnxModelWriter;
import org.prune4j.internal.io.onnx.OnnxRunner;
import org.prune4j.internal.io.onnx.OnnxTensors;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;
import org.prune4j.internal.io.onnx.proto.Onnx.TensorProto;
import org.prune4j.internal.io.onnx.proto.Onnx.ValueInfoProto;

/** Groups on small graphs built here, pinned by hand; removal must equal masking where it is exact. */
class OnnxGroupsTest {
    @TempDir
    Path dir;

    private AnalysedModel load(ModelProto m, String name) {
        Path f = dir.resolve(name);
        OnnxModelWriter.write(m, f);
        return AnalysedModel.load(f);
    }

    private static List<String> tensors(GroupAnalysis.Group g) {
        return AnalysedModel.tensors(g);
    }

    @Test
    void cnnGroupsCoupleTheResidualAndFollowTheDepthwiseConv() {
        AnalysedModel m = load(OnnxTestModels.cnn(false), "cnn.onnx");
        List<GroupAnalysis.Group> groups = m.analysis.groups;
        assertEquals(2, groups.size());
        GroupAnalysis.Group res = groups.get(0);
        assertEquals(8, res.units());
        assertEquals(List.of("conv1.w[axis 0]", "conv1.b[axis 0]", "bn1.scale[axis 0]", "bn1.bias[axis 0]", "bn1.mean[axis 0]",
                "bn1.var[axis 0]", "conv2.w[axis 1]", "conv2.w[axis 0]", "conv2.b[axis 0]", "bn2.scale[axis 0]", "bn2.bias[axis 0]",
                "bn2.mean[axis 0]", "bn2.var[axis 0]", "conv3.w[axis 1]"), tensors(res));
        GroupAnalysis.Group dw = groups.get(1);
        assertEquals(6, dw.units());
        assertEquals(List.of("conv3.w[axis 0]", "conv3.b[axis 0]", "dw.w[axis 0]", "dw.b[axis 0]", "fc.w[axis 1]"), tensors(dw));
        assertEquals(1, m.analysis.stopped.size());
        assertEquals(List.of("graph output y"), m.analysis.stopped.get(0).stops());
        assertEquals(List.of("fc.w[axis 0]", "fc.b[axis 0]"), tensors(m.analysis.stopped.get(0)));
    }

    @Test
    void anOperatorWithoutARuleStopsTheGroupsThatReachIt() {
        AnalysedModel m = load(OnnxTestModels.cnn(true), "lrn.onnx");
        assertEquals(List.of(8L, 6L), m.analysis.groups.stream().map(GroupAnalysis.Group::units).toList());
        assertEquals("Conv Conv_4 output channels", m.analysis.groups.get(0).origin());
        GroupAnalysis.Group conv1 = m.analysis.stopped.stream().filter(g -> g.origin().startsWith("Conv Conv_0")).findFirst().orElseThrow();
        assertEquals(List.of("unknown operator LRN LRN_3"), conv1.stops());
    }

    @Test
    void transformerHeadsAndFfnNeuronsAreGroupsAndTheHiddenSizeIsStoppedByTheOutput() {
        AnalysedModel m = load(OnnxTestModels.transformer(), "block.onnx");
        List<GroupAnalysis.Group> groups = m.analysis.groups;
        assertEquals(2, groups.size());
        GroupAnalysis.Group heads = groups.get(0);
        assertEquals(OnnxTestModels.HEADS, heads.units());
        assertEquals(OnnxTestModels.HEAD, AnalysedModel.channelsPerUnit(heads));
        assertEquals(List.of("q.w[axis 1]", "q.b[axis 0]", "k.w[axis 1]", "k.b[axis 0]", "v.w[axis 1]", "v.b[axis 0]", "o.w[axis 0]"),
                tensors(heads));
        assertEquals(4, heads.edits().stream().filter(e -> e instanceof Edit.ReshapeDim).count());
        GroupAnalysis.Group ffn = groups.get(1);
        assertEquals(OnnxTestModels.FFN, ffn.units());
        assertEquals(List.of("f1.w[axis 1]", "f1.b[axis 0]", "f2.w[axis 0]"), tensors(ffn));
        // the hidden size: the residual adds the graph input x, whose channels are fixed
        assertEquals(List.of("MatMul MatMul_30 output features", "MatMul MatMul_49 output features"),
                m.analysis.stopped.stream().map(GroupAnalysis.Group::origin).toList());
        assertEquals(List.of(List.of("Add Add_32 combines prunable channels with fixed ones"),
                List.of("Add Add_51 combines prunable channels with fixed ones")),
                m.analysis.stopped.stream().map(GroupAnalysis.Group::stops).toList());
    }

    private static Map<String, InputTensor> randomInput(long[] shape, long seed) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        return Map.of("x", InputTensor.ofFloats(shape, OnnxTestModels.random(new SplittableRandom(seed), n, 1.0)));
    }

    private static float[] run(ModelProto m, Map<String, InputTensor> in) {
        try (OnnxRunner r = OnnxRunner.open(m, "test", 1)) {
            return r.run(in, List.of("y")).get("y").values();
        }
    }

    private static Map<Space, int[]> plan(AnalysedModel m, ImportanceMethod method, PruneTarget target, PruneScope scope, int roundTo) {
        Map<Integer, double[]> scores = new LinkedHashMap<>();
        for (GroupAnalysis.Group g : m.analysis.groups) {
            scores.put(g.id(), UnitScores.score(g, m.graph, method, GroupScore.NORMALISED, null, 7));
        }
        return UnitAllocation.allocate(m.analysis.groups, scores, m.cost, target, scope, roundTo);
    }

    private static long dim(ModelProto m, String init, int axis) {
        for (TensorProto t : m.getGraph().getInitializerList()) {
            if (t.getName().equals(init)) {
                return OnnxTensors.shape(t)[axis];
            }
        }
        throw new AssertionError("no initializer " + init);
    }

    @Test
    void prunedCnnRunsAndEqualsTheMaskedOriginal() {
        AnalysedModel m = load(OnnxTestModels.cnn(false), "cnn.onnx");
        Map<Space, int[]> keep = plan(m, ImportanceMethod.L1, new PruneTarget.ParameterRatio(0.4), PruneScope.LOCAL, 1);
        ModelProto pruned = GraphSurgery.remove(m.analysis, keep);
        ModelProto masked = GraphSurgery.mask(m.analysis, keep);
        int kept8 = keep.get(m.analysis.groups.get(0).root()).length;
        int kept6 = keep.get(m.analysis.groups.get(1).root()).length;
        assertTrue(kept8 < 8 && kept6 < 6, kept8 + " " + kept6);
        assertEquals(kept8, dim(pruned, "conv1.w", 0));
        assertEquals(kept8, dim(pruned, "conv3.w", 1));
        assertEquals(kept6, dim(pruned, "dw.w", 0));
        assertEquals(kept6, dim(pruned, "fc.w", 1));
        // declared intermediate shapes follow; their dynamic axes stay named
        var vi = pruned.getGraph().getValueInfoList();
        assertEquals(kept8, vi.get(0).getType().getTensorType().getShape().getDim(1).getDimValue());
        assertEquals("N", vi.get(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        assertEquals(kept6, vi.get(1).getType().getTensorType().getShape().getDim(1).getDimValue());
        Map<String, InputTensor> in = randomInput(new long[] {2, 3, 8, 8}, 1);
        float[] a = run(pruned, in);
        float[] b = run(masked, in);
        assertArrayEquals(b, a, 1e-5f);
        assertFalse(java.util.Arrays.equals(run(m.model, in), a), "pruning changed nothing");
        assertEquals(m.cost.parameters(AnalysedModel.counts(keep)), new CostModel(load(pruned, "p.onnx").analysis).parameters(Map.of()));
        assertEquals(m.cost.macs(AnalysedModel.counts(keep)), load(pruned, "p2.onnx").cost.macs(Map.of()));
    }

    @Test
    void aConcatOfZeroBlocksIsAnIndexMapPrunedIndependentlyOnBothSides() {
        AnalysedModel m = load(OnnxTestModels.zeroPaddedShortcut(), "shortcut.onnx");
        List<GroupAnalysis.Group> groups = m.analysis.groups;
        assertEquals(List.of(4L, 8L, 5L), groups.stream().map(GroupAnalysis.Group::units).toList(), m.stoppedBy().toString());
        // conv a's channels reach the shortcut's input side only; the Add's group holds conv b's rows and conv c's columns
        assertEquals(List.of("a.w[axis 0]", "a.b[axis 0]", "b.w[axis 1]"), tensors(groups.get(0)));
        assertEquals(List.of("b.w[axis 0]", "b.b[axis 0]", "c.w[axis 1]"), tensors(groups.get(1)));
        assertTrue(groups.get(0).edits().stream().anyMatch(e -> e instanceof Edit.ZeroPadMap z && z.offset() == 2));
        Map<Space, int[]> keep = plan(m, ImportanceMethod.L1, new PruneTarget.ParameterRatio(0.4), PruneScope.LOCAL, 1);
        assertTrue(keep.get(groups.get(0).root()).length < 4 && keep.get(groups.get(1).root()).length < 8);
        ModelProto pruned = GraphSurgery.remove(m.analysis, keep);
        List<String> ops = pruned.getGraph().getNodeList().stream().map(n -> n.getOpType()).toList();
        assertTrue(ops.contains("Gather"), ops.toString());
        assertFalse(ops.contains("ConstantOfShape"), "the unused zero block is dropped: " + ops);
        Map<String, InputTensor> in = randomInput(new long[] {1, 3, 8, 8}, 3);
        float[] a = run(pruned, in);
        assertArrayEquals(run(GraphSurgery.mask(m.analysis, keep), in), a, 1e-5f);
        assertFalse(java.util.Arrays.equals(run(m.model, in), a), "pruning changed nothing");
        // nothing removed: the Concat and its zero blocks stay
        List<String> untouched = GraphSurgery.remove(m.analysis, Map.of()).getGraph().getNodeList().stream().map(n -> n.getOpType()).toList();
        assertEquals(m.model.getGraph().getNodeList().stream().map(n -> n.getOpType()).toList(), untouched);
    }

    @Test
    void prunedTransformerRunsEqualsTheMaskedOriginalAndKeepsItsInterface() {
        AnalysedModel m = load(OnnxTestModels.transformer(), "block.onnx");
        Map<Space, int[]> keep = plan(m, ImportanceMethod.L2, new PruneTarget.ParameterRatio(0.5), PruneScope.LOCAL, 1);
        assertEquals(2, keep.get(m.analysis.groups.get(0).root()).length);
        assertEquals(16, keep.get(m.analysis.groups.get(1).root()).length);
        ModelProto pruned = GraphSurgery.remove(m.analysis, keep);
        ModelProto masked = GraphSurgery.mask(m.analysis, keep);
        assertEquals(8, dim(pruned, "q.w", 1));
        assertEquals(8, dim(pruned, "o.w", 0));
        assertEquals(16, dim(pruned, "f2.w", 0));
        // the heads constant of the K/V target shapes and Q's constant shape now say 2 heads
        assertTrue(pruned.getGraph().getInitializerList().stream().anyMatch(t -> t.getName().startsWith("heads/pruned")
                && OnnxTensors.toLongs(t)[0] == 2));
        Map<String, InputTensor> in = randomInput(new long[] {2, 5, 16}, 2);
        float[] a = run(pruned, in);
        float[] b = run(masked, in);
        // post-LN block: the hidden size is untouched, so removing heads and neurons is exactly masking them
        assertArrayEquals(b, a, 1e-5f);
        assertFalse(java.util.Arrays.equals(run(m.model, in), a));
        // the interface: names and dynamic axes
        assertEquals(m.model.getGraph().getInputList(), pruned.getGraph().getInputList());
        assertEquals(m.model.getGraph().getOutputList(), pruned.getGraph().getOutputList());
        ValueInfoProto x = pruned.getGraph().getInput(0);
        assertEquals("seq", x.getType().getTensorType().getShape().getDim(1).getDimParam());
        // another sequence length still runs (nothing was frozen to the probe's)
        assertEquals(3 * 9 * 16, run(pruned, randomInput(new long[] {3, 9, 16}, 3)).length);
    }

    @Test
    void globalScopeMacsTargetAndRoundTo() {
        AnalysedModel m = load(OnnxTestModels.transformer(), "block.onnx");
        long macs0 = m.cost.macs(Map.of());
        Map<Space, int[]> keep = plan(m, ImportanceMethod.L1, new PruneTarget.MacsFraction(0.7), PruneScope.GLOBAL, 8);
        long macs = m.cost.macs(AnalysedModel.counts(keep));
        assertTrue(macs <= 0.7 * macs0, macs + " vs " + macs0);
        for (GroupAnalysis.Group g : m.analysis.groups) {
            long channels = keep.get(g.root()).length * AnalysedModel.channelsPerUnit(g);
            assertEquals(0, channels % 8, g.origin() + " keeps " + channels);
        }
        ModelProto pruned = GraphSurgery.remove(m.analysis, keep);
        assertArrayEquals(run(GraphSurgery.mask(m.analysis, keep), randomInput(new long[] {1, 4, 16}, 4)),
                run(pruned, randomInput(new long[] {1, 4, 16}, 4)), 1e-5f);
    }

    @Test
    void concatOffsetsAndSplitSizesFollowTheirGroups() {
        AnalysedModel m = load(OnnxTestModels.concatSplit(), "cs.onnx");
        List<GroupAnalysis.Group> groups = m.analysis.groups;
        assertEquals(3, groups.size());
        assertEquals(List.of("a.w[axis 0]", "a.b[axis 0]", "c.w[axis 1]", "e.w[axis 1]"), tensors(groups.get(0)));
        assertEquals(List.of("b.w[axis 0]", "b.b[axis 0]", "c.w[axis 1]", "f.w[axis 1]"), tensors(groups.get(1)));
        assertEquals(6, groups.get(2).units());
        assertEquals(List.of("c.w[axis 0]", "c.b[axis 0]", "e.w[axis 0]", "e.b[axis 0]", "f.w[axis 0]", "f.b[axis 0]", "fc.w[axis 0]"),
                tensors(groups.get(2)));
        Map<Space, int[]> keep = new java.util.HashMap<>();
        keep.put(groups.get(0).root(), new int[] {1, 3});
        keep.put(groups.get(1).root(), new int[] {0, 1, 2});
        keep.put(groups.get(2).root(), new int[] {0, 2, 3, 5});
        ModelProto pruned = GraphSurgery.remove(m.analysis, keep);
        assertEquals(5, dim(pruned, "c.w", 1));
        assertEquals(2, dim(pruned, "e.w", 1));
        assertEquals(3, dim(pruned, "f.w", 1));
        TensorProto split = pruned.getGraph().getInitializerList().stream().filter(t -> t.getName().startsWith("split")).findFirst().orElseThrow();
        assertArrayEquals(new long[] {2, 3}, OnnxTensors.toLongs(split));
        Map<String, InputTensor> in = randomInput(new long[] {1, 3, 8, 8}, 5);
        assertArrayEquals(run(GraphSurgery.mask(m.analysis, keep), in), run(pruned, in), 1e-5f);
        // c's input channels kept: a's 1 and 3, then b's 0, 1, 2 at offset 4
        float[] cw = OnnxTensors.toFloats(m.graph.constants.get("c.w"));
        float[] pw = OnnxTensors.toFloats(pruned.getGraph().getInitializerList().stream().filter(t -> t.getName().equals("c.w")).findFirst().orElseThrow());
        int[] inKept = {1, 3, 4, 5, 6};
        int[] outKept = {0, 2, 3, 5};
        for (int o = 0; o < outKept.length; o++) {
            for (int i = 0; i < inKept.length; i++) {
                assertEquals(cw[(outKept[o] * 8 + inKept[i]) * 9 + 4], pw[(o * 5 + i) * 9 + 4]);
            }
        }
    }

    @Test
    void randomScoresDependOnTheSeedOnly() {
        AnalysedModel m = load(OnnxTestModels.cnn(false), "cnn.onnx");
        GroupAnalysis.Group g = m.analysis.groups.get(0);
        assertArrayEquals(UnitScores.score(g, m.graph, ImportanceMethod.RANDOM, GroupScore.NORMALISED, null, 1),
                UnitScores.score(g, m.graph, ImportanceMethod.RANDOM, GroupScore.NORMALISED, null, 1));
        assertNotEquals(UnitScores.score(g, m.graph, ImportanceMethod.RANDOM, GroupScore.NORMALISED, null, 1)[0],
                UnitScores.score(g, m.graph, ImportanceMethod.RANDOM, GroupScore.NORMALISED, null, 2)[0]);
    }

    @Test
    void l1ScoresSumTheNormalisedMagnitudesOfEverySlice() {
        AnalysedModel m = load(OnnxTestModels.transformer(), "block.onnx");
        GroupAnalysis.Group ffn = m.analysis.groups.get(1);
        double[] s = UnitScores.score(ffn, m.graph, ImportanceMethod.L1, GroupScore.NORMALISED, null, 0);
        // by hand: neuron j owns column j of f1.w, f1.b[j] and row j of f2.w, each divided by its mean over neurons
        float[] f1 = OnnxTensors.toFloats(m.graph.constants.get("f1.w"));
        float[] b1 = OnnxTensors.toFloats(m.graph.constants.get("f1.b"));
        float[] f2 = OnnxTensors.toFloats(m.graph.constants.get("f2.w"));
        int n = OnnxTestModels.FFN;
        int h = OnnxTestModels.HIDDEN;
        double[] c1 = new double[n];
        double[] cb = new double[n];
        double[] c2 = new double[n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < h; i++) {
                c1[j] += Math.abs(f1[i * n + j]);
                c2[j] += Math.abs(f2[j * h + i]);
            }
            cb[j] = Math.abs(b1[j]);
        }
        double m1 = java.util.Arrays.stream(c1).average().orElseThrow();
        double mb = java.util.Arrays.stream(cb).average().orElseThrow();
        double m2 = java.util.Arrays.stream(c2).average().orElseThrow();
        for (int j = 0; j < n; j++) {
            assertEquals(c1[j] / m1 + cb[j] / mb + c2[j] / m2, s[j], 1e-9);
        }
    }

    @Test
    void reshapeRunsMatchAxesByProducts() {
        assertEquals(List.of(new ReshapeRule.Run(0, 1, 0, 1), new ReshapeRule.Run(1, 2, 1, 2), new ReshapeRule.Run(2, 3, 2, 4)),
                ReshapeRule.runs(new long[] {1, 23, 384}, new long[] {1, 23, 12, 32}));
        assertEquals(List.of(new ReshapeRule.Run(0, 1, 0, 1), new ReshapeRule.Run(1, 4, 1, 2)),
                ReshapeRule.runs(new long[] {2, 8, 3, 3}, new long[] {2, 72}));
    }
}
