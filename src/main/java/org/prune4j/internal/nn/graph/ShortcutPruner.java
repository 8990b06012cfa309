package org.prune4j.internal.nn.graph;

import java.util.List;
import org.prune4j.internal.nn.ChannelShortcut;
import org.prune4j.internal.nn.Module;

/**
 * {@link ChannelShortcut}: an index map, not a coupling. OUT drops output channels (and what they copied);
 * IN drops input channels, and the output channels that copied them become zero channels. Neither role
 * has tensors, so the shortcut couples the groups on its two sides only through its map.
 */
final class ShortcutPruner implements BoundaryPruner, ChannelsFirstPruner {
    static final ShortcutPruner INSTANCE = new ShortcutPruner();

    private ShortcutPruner() {}

    @Override
    public long width(Module module, Role role) {
        ChannelShortcut s = (ChannelShortcut) module;
        return role == Role.OUT ? s.outChannels() : s.inChannels();
    }

    @Override
    public List<ParamAxis> tensors(String path, Module module, Role role) {
        return List.of();
    }

    @Override
    public Module prune(Module module, Role role, int[] keep) {
        ChannelShortcut s = (ChannelShortcut) module;
        int[] all = role == Role.OUT ? range(s.inChannels()) : range(s.outChannels());
        return role == Role.OUT ? s.pruned(all, keep) : s.pruned(keep, all);
    }

    private static int[] range(long n) {
        int[] r = new int[Math.toIntExact(n)];
        for (int i = 0; i < r.length; i++) {
            r[i] = i;
        }
        return r;
    }
}
