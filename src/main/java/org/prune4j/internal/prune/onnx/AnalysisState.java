package org.prune4j.internal.prune.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.internal.io.onnx.proto.Onnx.NodeProto;

/**
 * The state built while the operator rules walk the graph: which {@link Layout} each tensor axis has,
 * the {@link Space}s, the {@link Edit}s removal needs, and the operators that stopped groups.
 */
final class AnalysisState {
    final OnnxGraph graph;
    private final Map<String, Layout[]> layouts = new HashMap<>();
    final List<Space> spaces = new ArrayList<>();
    final List<Edit> edits = new ArrayList<>();
    /** Stop reason → number of times it stopped a space (in order of first occurrence). */
    final Map<String, Integer> stopReasons = new LinkedHashMap<>();

    AnalysisState(OnnxGraph graph) {
        this.graph = graph;
    }

    int rank(String tensor) {
        long[] s = graph.shape(tensor);
        return s == null ? -1 : s.length;
    }

    long dim(String tensor, int axis) {
        return graph.shape(tensor)[axis];
    }

    Layout layout(String tensor, int axis) {
        Layout[] l = layouts.get(tensor);
        return l == null || axis < 0 || axis >= l.length ? null : l[axis];
    }

    boolean tracked(String tensor) {
        Layout[] l = layouts.get(tensor);
        if (l == null) {
            return false;
        }
        for (Layout x : l) {
            if (x != null && x.tracked()) {
                return true;
            }
        }
        return false;
    }

    void set(String tensor, int axis, Layout l) {
        if (l == null || !l.tracked()) {
            return;
        }
        int r = rank(tensor);
        Layout[] arr = layouts.computeIfAbsent(tensor, x -> new Layout[r]);
        arr[axis] = l;
    }

    Space newSpace(long units, String origin) {
        Space s = new Space(spaces.size(), units, origin);
        spaces.add(s);
        return s;
    }

    /** Stops every space of {@code l}: its channels are left alone. */
    void stop(Layout l, String reason) {
        if (l == null) {
            return;
        }
        for (Segment s : l.segments()) {
            if (!s.fixed()) {
                boolean fresh = !s.space().stops().contains(reason);
                s.space().stop(reason);
                if (fresh) {
                    stopReasons.merge(reason, 1, Integer::sum);
                }
            }
        }
    }

    /** Stops every space on any axis of {@code tensor}. */
    void stopAll(String tensor, String reason) {
        Layout[] l = layouts.get(tensor);
        if (l != null) {
            for (Layout x : l) {
                stop(x, reason);
            }
        }
    }

    /** Stops the spaces of every input of {@code n}. */
    void stopInputs(NodeProto n, String reason) {
        for (String in : n.getInputList()) {
            if (!in.isEmpty()) {
                stopAll(in, reason);
            }
        }
    }

    /**
     * Couples two layouts of the same axis length: their spaces become one, segment by segment. Layouts
     * with different segment structures cannot be coupled: both are stopped and {@code null} returned.
     */
    Layout couple(Layout a, Layout b, String where) {
        if (a == null) {
            return b;
        }
        if (b == null || a == b) {
            return a;
        }
        List<Segment> sa = a.segments();
        List<Segment> sb = b.segments();
        boolean same = sa.size() == sb.size();
        for (int i = 0; same && i < sa.size(); i++) {
            same = sa.get(i).length() == sb.get(i).length() && sa.get(i).fixed() == sb.get(i).fixed();
        }
        if (!same) {
            stop(a, where + " couples channels laid out differently");
            stop(b, where + " couples channels laid out differently");
            return a;
        }
        for (int i = 0; i < sa.size(); i++) {
            if (!sa.get(i).fixed()) {
                Space.union(sa.get(i).space(), sb.get(i).space());
            }
        }
        return a;
    }

    void edit(Edit e) {
        edits.add(e);
    }
}
