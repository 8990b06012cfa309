package org.prune4j.internal.prune.structured;

/**
 * What one attention unit is. Units never cut inside a head (that would break the rotary pairing).
 * Query head {@code h} reads key/value head {@code h / r} ({@code r = heads / kvHeads}, Hugging Face's
 * {@code repeat_kv} order).
 */
public enum AttentionUnit {
    /**
     * One query head (its {@code q_proj} rows and {@code o_proj} columns), as FLAP and Wanda-sp prune.
     * A key/value head goes when none of its query heads is left; groups left with different numbers of
     * query heads are split into key/value heads of equal size (copies), so the result is valid GQA.
     */
    HEADS("heads"),
    /** The same number of query heads removed from every key/value group (the GQA layout is kept). */
    QUERY_HEADS("query-heads"),
    /** A whole key/value group: its key/value head, the query heads that share it and their o_proj columns. */
    KV_GROUPS("kv-groups");

    private final String cliName;

    AttentionUnit(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }
}
