package org.prune4j.internal.prune.structured;

import java.util.Arrays;

/**
 * What one decoder layer keeps, in the original numbering: its query heads and MLP neurons (ascending),
 * and the compensation biases to add to {@code o_proj} and {@code down_proj}. No head kept means the
 * attention sublayer is removed (only its bias, if any, stays); no neuron kept, the MLP sublayer.
 *
 * @param keptHeads query heads kept, ascending
 * @param keptNeurons MLP neurons kept, ascending
 * @param oProjBias added to {@code o_proj}'s output, or {@code null}
 * @param downProjBias added to {@code down_proj}'s output, or {@code null}
 */
record LayerPlan(int[] keptHeads, int[] keptNeurons, float[] oProjBias, float[] downProjBias) {

    public LayerPlan {
        keptHeads = ascending(keptHeads, "heads");
        keptNeurons = ascending(keptNeurons, "neurons");
        oProjBias = oProjBias == null ? null : oProjBias.clone();
        downProjBias = downProjBias == null ? null : downProjBias.clone();
    }

    /** A layer that keeps its {@code heads} heads and {@code neurons} neurons, with no bias. */
    public static LayerPlan keepAll(int heads, int neurons) {
        return new LayerPlan(range(heads), range(neurons), null, null);
    }

    /** This plan with other compensation biases. */
    public LayerPlan withBiases(float[] oProj, float[] down) {
        return new LayerPlan(keptHeads, keptNeurons, oProj, down);
    }

    @Override
    public int[] keptHeads() {
        return keptHeads.clone();
    }

    @Override
    public int[] keptNeurons() {
        return keptNeurons.clone();
    }

    @Override
    public float[] oProjBias() {
        return oProjBias == null ? null : oProjBias.clone();
    }

    @Override
    public float[] downProjBias() {
        return downProjBias == null ? null : downProjBias.clone();
    }

    static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    private static int[] ascending(int[] v, String what) {
        int[] c = v.clone();
        for (int i = 1; i < c.length; i++) {
            if (c[i] <= c[i - 1]) {
                throw new IllegalArgumentException("kept " + what + " must be ascending and distinct: " + Arrays.toString(v));
            }
        }
        if (c.length > 0 && c[0] < 0) {
            throw new IllegalArgumentException("negative index in kept " + what);
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerPlan p && Arrays.equals(keptHeads, p.keptHeads) && Arrays.equals(keptNeurons, p.keptNeurons)
                && Arrays.equals(oProjBias, p.oProjBias) && Arrays.equals(downProjBias, p.downProjBias);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(keptHeads) * 31 + Arrays.hashCode(keptNeurons);
    }

    @Override
    public String toString() {
        return "LayerPlan[heads " + Arrays.toString(keptHeads) + ", " + keptNeurons.length + " neurons]";
    }
}
