package org.prune4j.internal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.prune4j.UserError;

class RunIdTest {
    @Test
    void hashIsStableAndDependsOnEverySetting() {
        RunId a = LotteryExperiment.id(TrainingSettings.DEFAULTS, LotterySettings.DEFAULTS);
        RunId b = LotteryExperiment.id(Fixtures.quickTraining(), LotterySettings.DEFAULTS);
        RunId again = LotteryExperiment.id(new TrainingSettings("lenet-300-100", "fashion-mnist", 10, 60, "adam", 1.2e-3,
                0.9, 0.0, "constant", "", 0.1, 0, false, 0), new LotterySettings(8, 0.2, 0, "none", "layerwise"));
        assertEquals(a, again);
        assertNotEquals(a.hash(), b.hash());
        assertNotEquals(a.hash(), LotteryExperiment.id(TrainingSettings.DEFAULTS, LotterySettings.DEFAULTS.withControl("reinit")).hash());
        assertNotEquals(a.hash(), TrainExperiment.id(TrainingSettings.DEFAULTS, PruningSettings.DEFAULTS).hash());
        assertEquals(10, a.hash().length());
        assertTrue(a.folderName().startsWith("lottery-"));
        // case-insensitive choices are normalised before hashing
        assertEquals(a, LotteryExperiment.id(TrainingSettings.DEFAULTS, new LotterySettings(8, 0.2, 0, "NONE", "Layerwise")));
    }

    @Test
    void hashIsPinned() {
        // Changing this value orphans every existing run folder: bump RunId.FORMAT deliberately instead.
        RunId a = LotteryExperiment.id(TrainingSettings.DEFAULTS, LotterySettings.DEFAULTS);
        assertTrue(a.json().indexOf("\"command\"") < a.json().indexOf("\"format\""));
        assertTrue(a.json().indexOf("\"batchSize\"") < a.json().indexOf("\"dataset\""), "keys sorted");
        assertEquals(a.hash(), RunId.of("lottery", java.util.Map.of("training", TrainingSettings.DEFAULTS, "lottery",
                LotterySettings.DEFAULTS)).hash(), "independent of the map's order");
    }

    @Test
    void settingsRejectBadValuesWithOneLineUserErrors() {
        UserError e = assertThrows(UserError.class, () -> new LotterySettings(8, 1.2, 0, "none", "layerwise"));
        assertEquals("--rate 1.2: must be in (0.0, 1.0)", e.getMessage());
        assertThrows(UserError.class, () -> new LotterySettings(8, 0.0, 0, "none", "layerwise"));
        assertThrows(UserError.class, () -> new LotterySettings(8, 0.2, 0, "bogus", "layerwise"));
        assertThrows(UserError.class, () -> new TrainingSettings("lenet-9000", "fashion-mnist", 1, 60, "adam", 1e-3, 0.9, 0,
                "constant", "", 0.1, 0, false, 0));
        assertThrows(UserError.class, () -> new TrainingSettings("lenet-300-100", "imagenet", 1, 60, "adam", 1e-3, 0.9, 0,
                "constant", "", 0.1, 0, false, 0));
        assertThrows(UserError.class, () -> new PruningSettings("snip", 1.3, 0, 0.9, 0, -1, 100, "auto", 100, 100));
        assertEquals("global", new PruningSettings("synflow", 0.9, 0, 0.9, 0, -1, 100, "auto", 100, 100).effectiveAllocation());
        assertEquals("layerwise", new PruningSettings("gradual", 0.9, 0, 0.9, 0, -1, 100, "auto", 100, 100).effectiveAllocation());
        assertEquals("erk", new PruningSettings("snip", 0.9, 0, 0.9, 0, -1, 100, "erk", 100, 100).effectiveAllocation());
        assertEquals("auto", PruningSettings.DEFAULTS.allocation(), "the flag's default must stay auto");
    }
}
