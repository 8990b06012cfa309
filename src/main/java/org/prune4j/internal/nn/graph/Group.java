package org.prune4j.internal.nn.graph;

import java.util.List;

/**
 * A set of layer dimensions that must lose the same channels together (Torch-Pruning's group): removing
 * group channel {@code c} removes, from every member, the layer-local indices that {@code c} covers.
 *
 * @param id position in the graph's group list
 * @param width number of channels
 * @param members the coupled layer dimensions, producers (OUT) first in module order
 * @param pinned why this group must not be pruned (it reaches the model output, touches a tensor no pruner
 *     knows, or is mixed by an operation the tracer cannot map), or null when it can be
 * @param isomorphism a key shared by groups of the same structure (member types and roles, width), for
 *     isomorphic pruning
 */
public record Group(int id, int width, List<Member> members, String pinned, String isomorphism) {
    public Group {
        members = List.copyOf(members);
    }

    /** True when the group may be pruned. */
    public boolean prunable() {
        return pinned == null;
    }

    /** A short name: the first member's module and role. */
    public String name() {
        Member m = members.get(0);
        return m.module() + (m.role() == Role.HEADS ? " heads" : m.role() == Role.OUT ? " out" : " in");
    }
}
