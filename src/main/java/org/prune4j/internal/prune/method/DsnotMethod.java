package org.prune4j.internal.prune.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.prune4j.UserError;
import org.prune4j.internal.prune.InputStatistics;
import org.prune4j.internal.prune.SparsityPattern;
import org.prune4j.internal.prune.oneshot.Dsnot;
import org.prune4j.internal.prune.oneshot.DsnotStatistics;

/**
 * DSnoT: training-free refinement of a Wanda or magnitude mask (Zhang et al. 2024; {@link Dsnot}), with
 * the original's semantics and defaults ({@code skip mlp}, threshold 0.1, the cycle limit of
 * {@link Dsnot#cycleLimit}).
 *
 * @param config the hyper-parameters
 */
public record DsnotMethod(Dsnot.Settings config) implements PruningMethod {
    /** The registry name. */
    public static final String NAME = "dsnot";
    public static final String INIT = "dsnot-init";
    public static final String MAX_CYCLES = "dsnot-max-cycles";
    public static final String THRESHOLD = "dsnot-threshold";
    public static final String VAR_POWER = "dsnot-var-power";
    public static final String SKIP = "dsnot-skip";
    public static final String CORRECTED = "dsnot-corrected";

    /** From the settings a user gave. */
    static DsnotMethod of(MethodOptions o) {
        o.allowOnly(Set.of(INIT, MAX_CYCLES, THRESHOLD, VAR_POWER, SKIP, CORRECTED));
        Dsnot.Settings d = Dsnot.Settings.defaults(Dsnot.InitialMask.parse(o.stringValue(INIT, "wanda")));
        // -1 (what settings() reports for the default, so recipes replay) = the original's 50 lowered per matrix
        int maxCycles = o.intValue(MAX_CYCLES, -1);
        if (maxCycles < -1) {
            throw new UserError("--dsnot-max-cycles must be >= 0, or -1 for the automatic limit (got " + maxCycles + ")");
        }
        return new DsnotMethod(new Dsnot.Settings(d.init(), maxCycles,
                (float) o.doubleValue(THRESHOLD, d.updateThreshold()), o.doubleValue(VAR_POWER, d.varPower()),
                Dsnot.SkippedLayers.parse(o.stringValue(SKIP, d.skip().cliName())),
                Boolean.parseBoolean(o.stringValue(CORRECTED, "false"))));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        Dsnot.Settings settings = config;
        m.put(INIT, settings.init().cliName());
        m.put(MAX_CYCLES, settings.maxCycles());
        m.put(THRESHOLD, settings.updateThreshold());
        m.put(VAR_POWER, settings.varPower());
        m.put(SKIP, settings.skip().cliName());
        m.put(CORRECTED, settings.corrected());
        return m;
    }

    @Override
    public boolean needsCalibration() {
        return true;
    }

    @Override
    public InputStatistics newStatistics(NDManager manager, int inFeatures) {
        return new DsnotStatistics(inFeatures);
    }

    /** Without a sub-layer path every matrix is refined. */
    @Override
    public PruningOutcome prune(NDArray weight, InputStatistics statistics, SparsityPattern pattern) {
        return prune(true, weight, statistics, pattern);
    }

    @Override
    public PruningOutcome prune(String pathInBlock, NDArray weight, InputStatistics statistics, SparsityPattern pattern) {
        return prune(config.skip().refines(pathInBlock), weight, statistics, pattern);
    }

    private PruningOutcome prune(boolean refine, NDArray weight, InputStatistics statistics, SparsityPattern pattern) {
        int rows = Math.toIntExact(weight.getShape().get(0));
        int cols = Math.toIntExact(weight.getShape().get(1));
        Dsnot.Result r = Dsnot.prune(weight.toFloatArray(), rows, cols, ((DsnotStatistics) statistics).snapshot(), pattern,
                config, refine);
        return new PruningOutcome.Masked(r.mask());
    }
}
