package org.prune4j.internal.prune.structured;

/** What a layer-removing method removes: whole decoder layers, or only their attention or MLP sublayers. */
enum DepthUnit {
    /** Whole decoder layers (the remaining layers are renumbered). */
    LAYERS("layers"),
    /** Attention sublayers: the residual stream is kept, the attention branch dropped. */
    ATTENTION("attention"),
    /** MLP sublayers: the residual stream is kept, the MLP branch dropped. */
    MLP("mlp");

    private final String cliName;

    DepthUnit(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }
}
