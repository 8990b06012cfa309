package org.prune4j.internal.nn.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.prune4j.internal.nn.ChannelShortcut;
import org.prune4j.internal.nn.Module;

/**
 * The groups of coupled prunable dimensions of a network (DepGraph, Fang et al. 2023), found from the
 * module tree and one traced forward pass ({@link ChannelTracer}): producers whose channels meet in the
 * same tensor (residual additions) form one group together with every layer that reads those channels —
 * batch norms, the next convolutions' input channels, the H·W input features of a Linear after a flatten,
 * concatenation offsets. A {@link org.prune4j.internal.nn.ChannelShortcut} is an index map between two groups, not
 * a coupling. Each multi-head attention also has a group of whole heads.
 *
 * <p>{@link #prune} removes channels for real (smaller tensors, replaced modules) and returns the graph of
 * the pruned network, which equals the graph a new trace would find.
 */
public final class DependencyGraph {
    private final Module model;
    private final List<Group> groups;

    private DependencyGraph(Module model, List<Group> groups) {
        this.model = model;
        this.groups = List.copyOf(groups);
    }

    /** Traces {@code model}, run by {@code forward} on images of shape {@code [C, H, W]}, and builds its groups. */
    public static DependencyGraph build(Module model, UnaryOperator<NDArray> forward, Shape imageShape) {
        Trace t = ChannelTracer.trace(model, forward, imageShape);
        List<Layer> layers = t.layers();
        int np = t.producers().size();
        int[] parent = new int[np];
        for (int i = 0; i < np; i++) {
            parent[i] = i;
        }
        Map<Integer, String> pinned = new HashMap<>(t.pinned());
        // producers that write the same consumer index are one stream, channel for channel
        for (Map.Entry<String, int[][]> e : t.sources().entrySet()) {
            for (int[] src : e.getValue()) {
                for (int k = 2; k < src.length; k += 2) {
                    if (src[k + 1] != src[1]) {
                        pinned.putIfAbsent(src[0], "channels " + src[1] + " and " + src[k + 1]
                                + " of two producers meet in " + e.getKey());
                        pinned.putIfAbsent(src[k], pinned.get(src[0]));
                    }
                    union(parent, src[0], src[k]);
                }
            }
        }
        Map<Integer, List<Integer>> components = new LinkedHashMap<>();
        for (int p = 0; p < np; p++) {
            components.computeIfAbsent(find(parent, p), k -> new ArrayList<>()).add(p);
        }
        List<Group> groups = new ArrayList<>();
        for (List<Integer> comp : components.values()) {
            groups.add(streamGroup(groups.size(), comp, t, pinned));
        }
        for (Layer l : layers) {
            if (l.pruner().roles().contains(Role.HEADS)) {
                int heads = Math.toIntExact(l.pruner().width(l.module(), Role.HEADS));
                int[][] idx = new int[heads][];
                for (int h = 0; h < heads; h++) {
                    idx[h] = new int[] {h};
                }
                String reason = heads <= 1 ? "a single head" : null;
                groups.add(new Group(groups.size(), heads, List.of(new Member(l.path(), l.type(), Role.HEADS, idx)),
                        reason, l.type() + ":HEADS/" + heads));
            }
        }
        return new DependencyGraph(model, groups);
    }

    private static Group streamGroup(int id, List<Integer> comp, Trace t, Map<Integer, String> pinned) {
        List<Layer> layers = t.layers();
        Layer first = layers.get(t.producers().get(comp.get(0)));
        int width = Math.toIntExact(first.pruner().width(first.module(), Role.OUT));
        String reason = null;
        List<Member> members = new ArrayList<>();
        for (int p : comp) {
            Layer l = layers.get(t.producers().get(p));
            if (l.pruner().width(l.module(), Role.OUT) != width) {
                reason = "producers of different widths meet (" + first.path() + ", " + l.path() + ")";
            }
            if (reason == null && pinned.containsKey(p)) {
                reason = l.path() + ": " + pinned.get(p);
            }
            int w = Math.toIntExact(l.pruner().width(l.module(), Role.OUT));
            int[][] idx = new int[width][];
            for (int c = 0; c < width; c++) {
                idx[c] = c < w ? new int[] {c} : new int[0];
            }
            members.add(new Member(l.path(), l.type(), Role.OUT, idx));
        }
        TreeSet<Integer> inComp = new TreeSet<>(comp);
        for (Layer l : layers) {
            int[][] src = t.sources().get(l.path());
            if (src == null) {
                continue;
            }
            List<List<Integer>> perChannel = new ArrayList<>();
            for (int c = 0; c < width; c++) {
                perChannel.add(new ArrayList<>());
            }
            boolean any = false;
            for (int j = 0; j < src.length; j++) {
                if (src[j].length > 0 && inComp.contains(src[j][0]) && src[j][1] < width) {
                    perChannel.get(src[j][1]).add(j);
                    any = true;
                }
            }
            if (!any) {
                continue;
            }
            Map<Integer, String> touched = t.touched().getOrDefault(l.path(), Map.of());
            for (List<Integer> js : perChannel) {
                for (int j : js) {
                    if (reason == null && touched.containsKey(j)) {
                        reason = "touched by " + touched.get(j) + ", which no pruner knows";
                    }
                }
            }
            int[][] idx = perChannel.stream().map(js -> js.stream().mapToInt(Integer::intValue).toArray())
                    .toArray(int[][]::new);
            members.add(new Member(l.path(), l.type(), Role.IN, idx));
        }
        if (reason == null && width <= 1) {
            reason = "a single channel";
        }
        String iso = members.stream().map(m -> m.type() + ":" + m.role()).collect(Collectors.joining(",")) + "/" + width;
        return new Group(id, width, members, reason, iso);
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a);
        int rb = find(parent, b);
        if (ra != rb) {
            parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }

    /** The model this graph describes. */
    public Module model() {
        return model;
    }

    /** All groups, stream groups (in producer order) first, then attention heads. */
    public List<Group> groups() {
        return groups;
    }

    /** The groups that may be pruned. */
    public List<Group> prunableGroups() {
        return groups.stream().filter(Group::prunable).toList();
    }

    /** The tensors member {@code m} touches, in the current model. */
    public List<ParamAxis> tensors(Member m) {
        Module module = model.namedModules().get(m.module());
        return LayerPruner.of(module).orElseThrow().tensors(m.module(), module, m.role());
    }

    /**
     * Removes channels {@code remove} of group {@code groupId} from every member, for real, and returns the
     * graph of the pruned model (this graph must not be used afterwards). At least one channel must stay.
     */
    public DependencyGraph prune(int groupId, int[] remove) {
        Group g = groups.get(groupId);
        if (!g.prunable()) {
            throw new IllegalArgumentException("group " + g.name() + " is pinned: " + g.pinned());
        }
        return forcePrune(groupId, remove);
    }

    /** As {@link #prune} but also for a group pinned as a single channel (used to rebuild saved widths). */
    DependencyGraph forcePrune(int groupId, int[] remove) {
        Group g = groups.get(groupId);
        boolean[] gone = new boolean[g.width()];
        for (int c : remove) {
            gone[c] = true;
        }
        int left = 0;
        for (boolean b : gone) {
            left += b ? 0 : 1;
        }
        if (left == 0) {
            throw new IllegalArgumentException("pruning would remove every channel of group " + g.name());
        }
        Map<String, Module> modules = model.namedModules();
        Map<String, int[]> removedPerDim = new HashMap<>();
        for (Member m : g.members()) {
            Module module = modules.get(m.module());
            LayerPruner pr = LayerPruner.of(module).orElseThrow();
            int dimWidth = Math.toIntExact(pr.width(module, m.role()));
            boolean[] drop = new boolean[dimWidth];
            for (int c = 0; c < g.width(); c++) {
                if (gone[c]) {
                    for (int j : m.indices()[c]) {
                        drop[j] = true;
                    }
                }
            }
            int[] keep = indicesWhere(drop, false);
            int[] dropped = indicesWhere(drop, true);
            removedPerDim.put(m.module() + "#" + m.role(), dropped);
            Module replacement = pr.prune(module, m.role(), keep);
            if (replacement != module) {
                replace(modules, m.module(), replacement);
                modules = model.namedModules();
            }
        }
        List<Group> updated = new ArrayList<>();
        for (Group other : groups) {
            List<Member> members = new ArrayList<>();
            for (Member m : other.members()) {
                int[] dropped = removedPerDim.get(m.module() + "#" + m.role());
                int[][] idx = other.id() == groupId ? keepRows(m.indices(), gone) : m.indices();
                if (dropped != null && dropped.length > 0) {
                    idx = renumber(idx, dropped);
                }
                members.add(new Member(m.module(), m.type(), m.role(), idx));
            }
            int width = other.id() == groupId ? left : other.width();
            String pinnedReason = other.pinned();
            if (other.id() == groupId && left <= 1) {
                pinnedReason = "a single channel";
            }
            updated.add(new Group(other.id(), width, members, pinnedReason, other.isomorphism()));
        }
        return new DependencyGraph(model, updated);
    }

    private static int[][] keepRows(int[][] idx, boolean[] gone) {
        List<int[]> out = new ArrayList<>();
        for (int c = 0; c < idx.length; c++) {
            if (!gone[c]) {
                out.add(idx[c]);
            }
        }
        return out.toArray(int[][]::new);
    }

    /** Shifts every index down by the number of dropped indices below it; dropped indices disappear. */
    private static int[][] renumber(int[][] idx, int[] dropped) {
        int[][] out = new int[idx.length][];
        for (int c = 0; c < idx.length; c++) {
            out[c] = Arrays.stream(idx[c]).filter(j -> Arrays.binarySearch(dropped, j) < 0)
                    .map(j -> j - countBelow(dropped, j)).toArray();
        }
        return out;
    }

    private static int countBelow(int[] sorted, int j) {
        int pos = Arrays.binarySearch(sorted, j);
        return pos >= 0 ? pos : -pos - 1;
    }

    private static int[] indicesWhere(boolean[] flags, boolean value) {
        int n = 0;
        for (boolean f : flags) {
            n += f == value ? 1 : 0;
        }
        int[] out = new int[n];
        int k = 0;
        for (int i = 0; i < flags.length; i++) {
            if (flags[i] == value) {
                out[k++] = i;
            }
        }
        return out;
    }

    private static void replace(Map<String, Module> modules, String path, Module replacement) {
        int dot = path.lastIndexOf('.');
        Module parent = modules.get(dot < 0 ? "" : path.substring(0, dot));
        parent.replaceChild(dot < 0 ? path : path.substring(dot + 1), replacement);
    }

    /** The groups, one block per group: width, status, and each member's tensors and dimension. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Group g : groups) {
            sb.append(String.format(java.util.Locale.ROOT, "group %d: %s, %d %s%s%n", g.id(), g.name(), g.width(),
                    g.members().get(0).role() == Role.HEADS ? "heads" : "channels",
                    g.prunable() ? "" : " (pinned: " + g.pinned() + ")"));
            for (Member m : g.members()) {
                Module module = model.namedModules().get(m.module());
                List<ParamAxis> tensors = tensors(m);
                List<String> names = new ArrayList<>(tensors.stream().map(p -> p.name() + " dim " + p.axis()).toList());
                module.buffers().keySet().forEach(b -> names.add(LayerPruner.join(m.module(), b) + " dim 0"));
                String what = module instanceof ChannelShortcut sc ? "index map " + shortcutMap(sc.source())
                        : String.join(", ", names);
                sb.append("  ").append(m.module().isEmpty() ? "(root)" : m.module()).append(' ').append(m.role())
                        .append(": ").append(what).append(mapping(m)).append('\n');
            }
        }
        return sb.toString();
    }

    /** {@code out[8..23] <- in[0..15], 16 zero channels} style summary of a shortcut's map. */
    static String shortcutMap(int[] source) {
        StringBuilder sb = new StringBuilder();
        int zeros = 0;
        int j = 0;
        while (j < source.length) {
            if (source[j] < 0) {
                zeros++;
                j++;
                continue;
            }
            int start = j;
            while (j + 1 < source.length && source[j + 1] == source[j] + 1) {
                j++;
            }
            sb.append(sb.length() == 0 ? "" : ", ").append("out[").append(start).append("..").append(j).append("] <- in[")
                    .append(source[start]).append("..").append(source[j]).append(']');
            j++;
        }
        return sb.append(sb.length() == 0 ? "" : ", ").append(zeros).append(" zero channels").toString();
    }

    private static String mapping(Member m) {
        int[][] idx = m.indices();
        boolean identity = true;
        for (int c = 0; c < idx.length; c++) {
            identity &= idx[c].length == 1 && idx[c][0] == c;
        }
        if (identity) {
            return "";
        }
        int per = idx.length == 0 ? 0 : idx[0].length;
        boolean blocks = per > 1;
        for (int c = 0; c < idx.length && blocks; c++) {
            blocks = idx[c].length == per && idx[c][0] == c * per && idx[c][per - 1] == c * per + per - 1;
        }
        if (blocks) {
            return " [channel c -> indices c*" + per + " .. c*" + per + "+" + (per - 1) + "]";
        }
        boolean offset = idx.length > 0 && idx[0].length == 1;
        for (int c = 0; c < idx.length && offset; c++) {
            offset = idx[c].length == 1 && idx[c][0] - c == idx[0][0];
        }
        if (offset) {
            return " [channel c -> index c+" + idx[0][0] + "]";
        }
        int covered = 0;
        for (int[] i : idx) {
            covered += i.length > 0 ? 1 : 0;
        }
        return " [" + covered + " of " + idx.length + " channels mapped]";
    }
}
