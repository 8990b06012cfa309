package org.prune4j.internal.prune.onnx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the pruning groups of an ONNX graph (in the manner of "Structurally Prune Anything"): the
 * operator rules are applied to every node in order, then graph outputs and tensors read by nested
 * subgraphs stop the groups that reach them (the model's interface is kept).
 */
final class GroupAnalysis {
    final OnnxGraph graph;
    final AnalysisState state;
    /** Prunable groups (root spaces with a parameter to remove and no stop), in order of creation. */
    final List<Group> groups;
    /** Groups stopped by an operator or the graph's interface, with the reasons. */
    final List<Group> stopped;

    /** A group: the root space, its units, the edits it drives, and why it is stopped (empty if prunable). */
    record Group(int id, Space root, long units, String origin, List<Edit> edits, List<String> stops) {
        /** The initializers (or Constant outputs) this group slices, with the axis. */
        List<Edit.SliceConstant> slices() {
            List<Edit.SliceConstant> out = new ArrayList<>();
            for (Edit e : edits) {
                if (e instanceof Edit.SliceConstant s) {
                    out.add(s);
                }
            }
            return out;
        }
    }

    GroupAnalysis(OnnxGraph graph) {
        this.graph = graph;
        this.state = new AnalysisState(graph);
        for (int i = 0; i < graph.nodes.size(); i++) {
            OperatorRules.apply(state, i);
        }
        for (String out : graph.graphOutputs) {
            state.stopAll(out, "graph output " + out);
        }
        for (String t : graph.subgraphReads) {
            state.stopAll(t, "read by a nested subgraph: " + t);
        }
        Map<Space, List<Edit>> byRoot = new LinkedHashMap<>();
        for (Space s : state.spaces) {
            byRoot.putIfAbsent(s.root(), new ArrayList<>());
        }
        for (Edit e : state.edits) {
            Set<Space> roots = new LinkedHashSet<>();
            for (Layout l : e.layouts()) {
                for (Segment s : l.segments()) {
                    if (!s.fixed()) {
                        roots.add(s.space().root());
                    }
                }
            }
            for (Space r : roots) {
                byRoot.get(r).add(e);
            }
        }
        List<Group> ok = new ArrayList<>();
        List<Group> bad = new ArrayList<>();
        int id = 0;
        for (Map.Entry<Space, List<Edit>> e : byRoot.entrySet()) {
            Space r = e.getKey();
            boolean hasParam = e.getValue().stream().anyMatch(x -> x instanceof Edit.SliceConstant);
            if (!hasParam || r.units() <= 1) {
                continue;
            }
            Group g = new Group(id++, r, r.units(), r.origin, List.copyOf(e.getValue()), List.copyOf(r.stops()));
            if (g.stops().isEmpty()) {
                ok.add(g);
            } else {
                bad.add(g);
            }
        }
        this.groups = List.copyOf(ok);
        this.stopped = List.copyOf(bad);
    }
}
