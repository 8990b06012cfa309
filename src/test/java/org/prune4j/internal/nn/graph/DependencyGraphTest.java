package org.prune4j.internal.nn.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionModels;
import org.prune4j.internal.nn.ChannelShortcut;
import org.prune4j.internal.nn.MultiheadSelfAttention;

class DependencyGraphTest {
    static DependencyGraph graph(VisionModel m) {
        var s = m.spec();
        return DependencyGraph.build(m, m::forward, new Shape(s.channels(), s.height(), s.width()));
    }

    private static Group groupOf(DependencyGraph g, String module, Role role) {
        return g.groups().stream().filter(gr -> gr.members().stream()
                .anyMatch(m -> m.module().equals(module) && m.role() == role)).findFirst().orElseThrow();
    }

    private static Set<String> members(Group g) {
        return g.members().stream().map(m -> m.module() + ":" + m.role()).collect(Collectors.toSet());
    }

    @Test
    void resnet20ResidualStagesAreSingleGroupsAndTheShortcutIsAnIndexMap() {
        try (NDManager nd = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.create("resnet20", nd, 0);
            DependencyGraph g = graph(model);
            // 3 streams + 9 inner conv1→bn1→conv2 groups + the pinned classifier
            assertEquals(13, g.groups().size());
            assertEquals(12, g.prunableGroups().size());
            Group stage1 = groupOf(g, "conv1", Role.OUT);
            assertEquals(16, stage1.width());
            assertEquals(Set.of("conv1:OUT", "layer1.0.conv2:OUT", "layer1.1.conv2:OUT", "layer1.2.conv2:OUT",
                    "bn1:IN", "layer1.0.bn2:IN", "layer1.1.bn2:IN", "layer1.2.bn2:IN", "layer1.0.conv1:IN",
                    "layer1.1.conv1:IN", "layer1.2.conv1:IN", "layer2.0.conv1:IN", "layer2.0.shortcut:IN"),
                    members(stage1));
            Group stage2 = groupOf(g, "layer2.0.conv2", Role.OUT);
            assertEquals(32, stage2.width());
            assertTrue(members(stage2).containsAll(Set.of("layer2.0.shortcut:OUT", "layer2.1.conv2:OUT",
                    "layer2.2.conv2:OUT", "layer2.0.bn2:IN", "layer2.2.conv1:IN", "layer3.0.conv1:IN",
                    "layer3.0.shortcut:IN")));
            assertFalse(members(stage2).contains("layer2.0.conv1:IN"), "stage 1 feeds layer2.0.conv1");
            Group stage3 = groupOf(g, "layer3.0.conv2", Role.OUT);
            assertTrue(members(stage3).contains("linear:IN"));
            assertEquals(Set.of("layer1.0.conv1:OUT", "layer1.0.bn1:IN", "layer1.0.conv2:IN"),
                    members(groupOf(g, "layer1.0.conv1", Role.OUT)));
            assertFalse(groupOf(g, "linear", Role.OUT).prunable());
            // option A: channel c of the block input is channel c + planes/4 of its output
            ChannelShortcut sc = (ChannelShortcut) model.namedModules().get("layer2.0.shortcut");
            int[] want = new int[32];
            for (int j = 0; j < 32; j++) {
                want[j] = j >= 8 && j < 24 ? j - 8 : -1;
            }
            assertArrayEquals(want, sc.source());
            assertTrue(g.describe().contains("layer2.0.shortcut OUT: index map out[8..23] <- in[0..15], 16 zero channels"),
                    g.describe());
        }
    }

    @Test
    void lenet5FlattenMapsAChannelToItsHxWFeatures() {
        try (NDManager nd = NDManager.newBaseManager()) {
            DependencyGraph g = graph(VisionModels.create("lenet5", nd, 0));
            Group conv2 = groupOf(g, "conv2", Role.OUT);
            assertEquals(50, conv2.width());
            Member fc1 = conv2.members().stream().filter(m -> m.module().equals("fc1")).findFirst().orElseThrow();
            assertEquals(Role.IN, fc1.role());
            for (int c = 0; c < 50; c++) {
                int base = c * 16;
                assertArrayEquals(IntStream.range(base, base + 16).toArray(), fc1.indicesOf(c));
            }
            assertEquals(Set.of("conv1:OUT", "conv2:IN"), members(groupOf(g, "conv1", Role.OUT)));
            assertEquals(Set.of("fc1:OUT", "fc2:IN"), members(groupOf(g, "fc1", Role.OUT)));
            assertFalse(groupOf(g, "fc2", Role.OUT).prunable());
        }
    }

    @Test
    void vitHasHeadGroupsMlpGroupsAndAPinnedEmbedding() {
        try (NDManager nd = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.create("vit-cifar-tiny", nd, 0);
            DependencyGraph g = graph(model);
            Group embed = groupOf(g, "patch_embed.proj", Role.OUT);
            assertEquals(128, embed.width());
            assertNotNull(embed.pinned());
            assertTrue(embed.pinned().contains("cls_token") || embed.pinned().contains("pos_embed"), embed.pinned());
            assertTrue(members(embed).containsAll(Set.of("transformer.layers.3.self_attn:IN",
                    "transformer.layers.3.self_attn:OUT", "transformer.layers.3.norm2:IN", "mlp_head.1:IN")));
            for (int i = 0; i < 6; i++) {
                String layer = "transformer.layers." + i;
                assertEquals(Set.of(layer + ".linear1:OUT", layer + ".linear2:IN"),
                        members(groupOf(g, layer + ".linear1", Role.OUT)));
                Group heads = groupOf(g, layer + ".self_attn", Role.HEADS);
                assertEquals(8, heads.width());
                assertNull(heads.pinned());
            }
            // head 2 of the fused in_proj: rows 32..47 of q, 160..175 of k, 288..303 of v; out_proj columns 32..47
            Group heads0 = groupOf(g, "transformer.layers.0.self_attn", Role.HEADS);
            List<ParamAxis> t = g.tensors(heads0.members().get(0));
            int[] rows = t.get(0).expand().apply(2);
            assertEquals(48, rows.length);
            assertEquals(32, rows[0]);
            assertEquals(160, rows[16]);
            assertEquals(303, rows[47]);
            assertArrayEquals(IntStream.range(32, 48).toArray(), t.get(2).expand().apply(2));
        }
    }

    @Test
    void pruningMatchesAFreshTraceAndZeroedReaders() {
        try (NDManager nd = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.create("resnet20", nd, 3);
            VisionModel reference = VisionModels.create("resnet20", nd, 3);
            DependencyGraph g = graph(model);
            nd.getEngine().setRandomSeed(5);
            NDArray x = nd.randomNormal(new Shape(2, 3, 32, 32));
            // an inner group and the last stream: removing their channels = zeroing what reads them
            Group inner = groupOf(g, "layer2.1.conv1", Role.OUT);
            Group stream = groupOf(g, "layer3.0.conv2", Role.OUT);
            g = g.prune(inner.id(), new int[] {0, 5, 31});
            g = g.prune(stream.id(), new int[] {1, 2, 40, 63});
            zeroColumns(reference, "layer2.1.conv2.weight", new int[] {0, 5, 31});
            for (String reader : new String[] {"layer3.1.conv1.weight", "layer3.2.conv1.weight", "linear.weight"}) {
                zeroColumns(reference, reader, new int[] {1, 2, 40, 63});
            }
            float[] want = reference.forward(x).toFloatArray();
            float[] got = model.forward(x).toFloatArray();
            assertArrayEquals(want, got, 1e-4f);
            // stage-1 and stage-2 streams: the shortcut maps follow the removed channels
            g = g.prune(groupOf(g, "conv1", Role.OUT).id(), new int[] {0, 9});
            g = g.prune(groupOf(g, "layer2.0.conv2", Role.OUT).id(), new int[] {0, 8, 30});
            int[] src = ((ChannelShortcut) model.namedModules().get("layer2.0.shortcut")).source();
            assertEquals(29, src.length);
            // old outputs 1..7 zero; old 9..23 copied old inputs 1..15; without input 9 (now gone) and output 8
            assertEquals(-1, src[6]);
            assertEquals(0, src[7]); // old output 9 <- old input 1 -> new input 0
            assertEquals(7, src[14]); // old output 16 <- old input 8 -> new input 7
            assertEquals(-1, src[15]); // old output 17 <- old input 9, removed
            assertEquals(13, src[21]); // old output 23 <- old input 15 -> new input 13
            assertEquals(14, ((ChannelShortcut) model.namedModules().get("layer2.0.shortcut")).inChannels());
            model.forward(x); // shapes fit
            DependencyGraph fresh = graph(model);
            assertEquals(g.groups().size(), fresh.groups().size());
            for (int i = 0; i < g.groups().size(); i++) {
                assertEquals(fresh.groups().get(i).width(), g.groups().get(i).width(), "group " + i);
                assertEquals(fresh.groups().get(i).members(), g.groups().get(i).members(), "group " + i);
            }
        }
    }

    @Test
    void vitHeadPruningKeepsTheOtherHeadsExactly() {
        try (NDManager nd = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.create("vit-cifar-tiny", nd, 1);
            VisionModel reference = VisionModels.create("vit-cifar-tiny", nd, 1);
            DependencyGraph g = graph(model);
            g = g.prune(groupOf(g, "transformer.layers.2.self_attn", Role.HEADS).id(), new int[] {1, 6});
            g = g.prune(groupOf(g, "transformer.layers.4.linear1", Role.OUT).id(), new int[] {0, 100, 255});
            MultiheadSelfAttention a = (MultiheadSelfAttention) model.namedModules().get("transformer.layers.2.self_attn");
            assertEquals(6, a.numHeads());
            assertEquals(16, a.headDim());
            // removing a head = zeroing its out_proj columns; removing an MLP unit = zeroing its linear2 column
            zeroColumns(reference, "transformer.layers.2.self_attn.out_proj.weight",
                    IntStream.concat(IntStream.range(16, 32), IntStream.range(96, 112)).toArray());
            zeroColumns(reference, "transformer.layers.4.linear2.weight", new int[] {0, 100, 255});
            nd.getEngine().setRandomSeed(5);
            NDArray x = nd.randomNormal(new Shape(2, 3, 32, 32));
            assertArrayEquals(reference.forward(x).toFloatArray(), model.forward(x).toFloatArray(), 1e-4f);
            DependencyGraph fresh = graph(model);
            for (int i = 0; i < g.groups().size(); i++) {
                assertEquals(fresh.groups().get(i).members(), g.groups().get(i).members(), "group " + i);
            }
        }
    }

    private static void zeroColumns(VisionModel m, String param, int[] cols) {
        var p = m.namedParameters().get(param);
        float[] v = p.value().toFloatArray();
        Shape s = p.value().getShape();
        long rows = s.get(0);
        long per = s.size() / rows / s.get(1);
        for (long r = 0; r < rows; r++) {
            for (int c : cols) {
                for (long k = 0; k < per; k++) {
                    v[(int) ((r * s.get(1) + c) * per + k)] = 0;
                }
            }
        }
        p.setValue(p.value().getManager().create(v, s));
    }
}
