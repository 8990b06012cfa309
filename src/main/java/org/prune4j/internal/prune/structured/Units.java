package org.prune4j.internal.prune.structured;

import java.util.Locale;
import org.prune4j.UserError;

/** What {@code --units} asks a method to remove: widths (heads and/or neurons) or depth (layers, sublayers). */
public sealed interface Units {

    /**
     * Widths: attention units of one kind (or none) and/or MLP neurons.
     *
     * @param attention the attention unit, or {@code null} to keep every head
     * @param neurons true to remove MLP neurons
     */
    record Width(AttentionUnit attention, boolean neurons) implements Units {
        public Width {
            if (attention == null && !neurons) {
                throw new IllegalArgumentException("nothing to prune");
            }
        }
    }

    /** Depth: whole layers or one kind of sublayer. */
    record Depth(DepthUnit unit) implements Units {}

    /**
     * The default of {@code method}: whole key/value groups and neurons, or whole layers. On a multi-head
     * model a key/value group is one head, so this is the originals' {@code heads,neurons} exactly; on a GQA
     * model it keeps the layout and removes what the ratio asks ({@code heads} would split groups and copy
     * key/value heads, which can add attention weights: see {@link AttentionUnit#HEADS}).
     */
    static Units defaults(StructuredMethod method) {
        return method.removesWidth() ? new Width(AttentionUnit.KV_GROUPS, true) : new Depth(DepthUnit.LAYERS);
    }

    /**
     * Parses {@code --units}: a comma-separated list of {@code heads|query-heads|kv-groups} and
     * {@code neurons} for width methods, or one of {@code layers|attention|mlp} for layer methods.
     */
    static Units parse(String text, StructuredMethod method) {
        if (text == null) {
            return defaults(method);
        }
        AttentionUnit attention = null;
        boolean neurons = false;
        DepthUnit depth = null;
        for (String raw : text.split(",")) {
            String u = raw.trim().toLowerCase(Locale.ROOT);
            AttentionUnit a = null;
            for (AttentionUnit x : AttentionUnit.values()) {
                if (x.cliName().equals(u)) {
                    a = x;
                }
            }
            DepthUnit d = null;
            for (DepthUnit x : DepthUnit.values()) {
                if (x.cliName().equals(u)) {
                    d = x;
                }
            }
            if (a != null) {
                if (attention != null) {
                    throw new UserError("--units " + text + ": name one attention unit (heads, query-heads or kv-groups)");
                }
                attention = a;
            } else if (u.equals("neurons")) {
                neurons = true;
            } else if (d != null) {
                if (depth != null) {
                    throw new UserError("--units " + text + ": name one of layers, attention, mlp");
                }
                depth = d;
            } else {
                throw new UserError("--units " + text + ": unknown unit '" + raw.trim()
                        + "' (heads, query-heads, kv-groups, neurons; or layers, attention, mlp)");
            }
        }
        if (method.removesWidth()) {
            if (depth != null) {
                throw new UserError("--units " + text + ": --method " + method.cliName()
                        + " removes heads and neurons; layers/attention/mlp are for block-influence and angular");
            }
            return new Width(attention, neurons);
        }
        if (depth == null || attention != null || neurons) {
            throw new UserError("--units " + text + ": --method " + method.cliName()
                    + " removes layers; use --units layers, attention or mlp");
        }
        return new Depth(depth);
    }
}
