package org.prune4j.internal.nn.graph;

import java.util.Arrays;

/**
 * One layer dimension in a {@link Group}: group channel {@code c} covers the layer-local indices {@code
 * indices[c]} of dimension {@code role} of the module at {@code module} (one index for a channel; H·W
 * input features of a Linear that reads a flattened feature map; nothing where a channel does not reach
 * this layer).
 *
 * @param module dotted module path
 * @param type the layer's class name (for display and isomorphism)
 * @param role which of the layer's dimensions
 * @param indices per group channel, the layer-local indices it covers
 */
public record Member(String module, String type, Role role, int[][] indices) {
    public Member {
        int[][] copy = new int[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            copy[i] = indices[i].clone();
        }
        indices = copy;
    }

    /** The layer-local indices of group channel {@code c}. */
    public int[] indicesOf(int c) {
        return indices[c].clone();
    }

    /** Number of group channels (the group's width). */
    public int width() {
        return indices.length;
    }

    /** All layer-local indices this member covers, ascending. */
    public int[] covered() {
        return Arrays.stream(indices).flatMapToInt(Arrays::stream).sorted().distinct().toArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Member m && m.module.equals(module) && m.type.equals(type) && m.role == role
                && Arrays.deepEquals(m.indices, indices);
    }

    @Override
    public int hashCode() {
        return (module.hashCode() * 31 + role.hashCode()) * 31 + Arrays.deepHashCode(indices);
    }

    @Override
    public String toString() {
        return module + ":" + role;
    }
}
