package org.prune4j.internal.prune.structured;

import org.prune4j.UserError;

/**
 * Every setting of a structured pruning run.
 *
 * @param method the method
 * @param units what is removed
 * @param allocation uniform or adaptive (width methods)
 * @param metric FLAP's metric (flap only)
 * @param ratio fraction of decoder-block parameters to remove (width methods; layer methods: {@code round(ratio·L)} layers), or 0 with {@code layers}
 * @param layers layers (or sublayers) to remove (layer methods), or 0 with {@code ratio}
 * @param roundTo MLP widths are kept at multiples of this ({@code 1}: no rounding)
 * @param biasCompensation FLAP: fold the removed channels' mean contribution into o_proj/down_proj biases
 * @param taylor taylor's variant (taylor only)
 * @param batch calibration rows per forward pass ({@code 0}: automatic, a few MiB of activations per pass)
 */
public record StructuredSettings(StructuredMethod method, Units units, WidthAllocation allocation, FlapMetric metric,
        double ratio, int layers, int roundTo, boolean biasCompensation, TaylorVariant taylor, int batch) {

    public StructuredSettings {
        if (ratio != 0 && layers != 0) {
            throw new UserError("give either --ratio or --layers, not both");
        }
        if (ratio == 0 && layers == 0) {
            throw new UserError("--method " + method.cliName() + " needs "
                    + (method.removesWidth() ? "--ratio R (fraction of block parameters to remove)" : "--layers N or --ratio R"));
        }
        if (ratio != 0 && !(ratio > 0 && ratio < 1)) {
            throw new UserError("--ratio " + ratio + ": must be in (0, 1)");
        }
        if (layers < 0) {
            throw new UserError("--layers " + layers + ": must be positive");
        }
        if (layers != 0 && method.removesWidth()) {
            throw new UserError("--layers: --method " + method.cliName() + " removes heads and neurons; give --ratio");
        }
        if (roundTo < 1) {
            throw new UserError("--round-to " + roundTo + ": must be at least 1");
        }
        if (roundTo > 1 && !(units instanceof Units.Width w && w.neurons())) {
            throw new UserError("--round-to rounds MLP widths; it needs a method and --units that remove neurons");
        }
        if (batch < 0) {
            throw new UserError("--batch " + batch + ": must be positive");
        }
    }

    /** The defaults of {@code method}: its original units and allocation, WIFV, bias compensation for FLAP. */
    public static StructuredSettings defaults(StructuredMethod method, double ratio, int layers) {
        return new StructuredSettings(method, Units.defaults(method),
                method == StructuredMethod.FLAP ? WidthAllocation.ADAPTIVE : WidthAllocation.UNIFORM, FlapMetric.WIFV,
                ratio, layers, 1, method == StructuredMethod.FLAP, TaylorVariant.ELEMENT, 0);
    }

    /** These settings with other units, allocation and rounding. */
    public StructuredSettings with(Units u, WidthAllocation a, int round) {
        return new StructuredSettings(method, u, a, metric, ratio, layers, round, biasCompensation, taylor, batch);
    }

    /** These settings with another FLAP metric. */
    public StructuredSettings withMetric(FlapMetric m) {
        return new StructuredSettings(method, units, allocation, m, ratio, layers, roundTo, biasCompensation, taylor, batch);
    }

    /** These settings with bias compensation on or off. */
    public StructuredSettings withBiasCompensation(boolean on) {
        return new StructuredSettings(method, units, allocation, metric, ratio, layers, roundTo, on, taylor, batch);
    }

    /** These settings with another Taylor variant. */
    public StructuredSettings withTaylor(TaylorVariant t) {
        return new StructuredSettings(method, units, allocation, metric, ratio, layers, roundTo, biasCompensation, t, batch);
    }

    /** These settings with another calibration batch. */
    public StructuredSettings withBatch(int rows) {
        return new StructuredSettings(method, units, allocation, metric, ratio, layers, roundTo, biasCompensation, taylor, rows);
    }
}
