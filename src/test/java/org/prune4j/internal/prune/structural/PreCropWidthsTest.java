package org.prune4j.internal.prune.structural;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PreCropWidthsTest {
    private static final int F = PreCropWidths.FIXED;

    @Test
    void aLayerOfDensityAQuarterWithBothSidesCroppedAsksForHalfTheChannels() {
        // two layers feeding each other's groups, both sides cropped, density 0.25: each asks sqrt(0.25) = 0.5
        List<PreCropWidths.Layer> layers = List.of(new PreCropWidths.Layer("a", 10, 0.25, 0, 1),
                new PreCropWidths.Layer("b", 30, 0.25, 1, 0));
        Map<Integer, Double> votes = PreCropWidths.votes(layers);
        assertEquals(0.5, votes.get(0), 1e-12);
        assertEquals(0.5, votes.get(1), 1e-12);
        // budget: 40 * rho^2 = 0.25 * 40 -> rho = 0.5, nothing to rescale: 64 channels -> 32
        PreCropWidths.Result r = PreCropWidths.widths(layers, Map.of(0, 64, 1, 64), 1);
        assertEquals(32, r.widths().get(0));
        assertEquals(32, r.widths().get(1));
        assertEquals(10.0, r.targetCost(), 1e-12);
        assertEquals(10.0, r.croppedCost(), 1e-12);
        // --round-to 12: 32 is nearest to 36 (3 x 12)
        assertEquals(36, PreCropWidths.widths(layers, Map.of(0, 64, 1, 64), 12).widths().get(0));
    }

    @Test
    void aGroupTakesTheCostWeightedGeometricMeanOfItsLayersVotes() {
        // chain: image -> g0 -> g1 -> logits, every layer at density 0.25
        List<PreCropWidths.Layer> layers = List.of(new PreCropWidths.Layer("first", 100, 0.25, F, 0),
                new PreCropWidths.Layer("middle", 1000, 0.25, 0, 1), new PreCropWidths.Layer("last", 100, 0.25, 1, F));
        Map<Integer, Double> votes = PreCropWidths.votes(layers);
        // first (one side) asks 0.25 = 0.5^2 with weight 100, middle asks 0.5 = 0.5^1 with weight 1000
        double expected = Math.pow(0.5, (100 * 2 + 1000 * 1) / 1100.0);
        assertEquals(expected, votes.get(0), 1e-12);
        assertEquals(expected, votes.get(1), 1e-12);
    }

    @Test
    void theBudgetScalesAllGroupsByOneFactorUntilTheCostOfTheMasksIsMet() {
        List<PreCropWidths.Layer> layers = List.of(new PreCropWidths.Layer("first", 100, 0.25, F, 0),
                new PreCropWidths.Layer("middle", 1000, 0.25, 0, 1), new PreCropWidths.Layer("last", 100, 0.25, 1, F));
        PreCropWidths.Result r = PreCropWidths.widths(layers, Map.of(0, 100, 1, 100), 1);
        // both groups at the same fraction rho: 100 rho + 1000 rho^2 + 100 rho = 0.25 * 1200
        double rho = (-200 + Math.sqrt(200.0 * 200 + 4 * 1000 * 300)) / 2000;
        assertEquals(rho, r.fractions().get(0), 1e-9);
        assertEquals(rho, r.fractions().get(1), 1e-9);
        assertEquals((int) Math.round(rho * 100), r.widths().get(0));
        assertEquals(300.0, r.targetCost(), 1e-9);
    }

    @Test
    void densityOneKeepsEveryChannelAndTinyDensitiesKeepAtLeastOneMultiple() {
        List<PreCropWidths.Layer> dense = List.of(new PreCropWidths.Layer("a", 5, 1.0, F, 0),
                new PreCropWidths.Layer("b", 7, 1.0, 0, F));
        assertEquals(Map.of(0, 20), PreCropWidths.widths(dense, Map.of(0, 20), 1).widths());
        List<PreCropWidths.Layer> tiny = List.of(new PreCropWidths.Layer("a", 5, 1e-6, F, 0),
                new PreCropWidths.Layer("b", 7, 1e-6, 0, F));
        assertEquals(1, PreCropWidths.widths(tiny, Map.of(0, 20), 1).widths().get(0));
        assertEquals(8, PreCropWidths.widths(tiny, Map.of(0, 20), 8).widths().get(0));
        assertEquals(4, PreCropWidths.widths(tiny, Map.of(0, 4), 8).widths().get(0), "never wider than dense");
    }
}
