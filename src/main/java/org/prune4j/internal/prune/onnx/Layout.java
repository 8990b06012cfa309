package org.prune4j.internal.prune.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** How one tensor axis is made of {@link Segment}s, in order. */
record Layout(List<Segment> segments) {
    Layout {
        segments = List.copyOf(segments);
    }

    static Layout of(Space s, long length) {
        return new Layout(List.of(new Segment(s, length)));
    }

    long length() {
        long n = 0;
        for (Segment s : segments) {
            n += s.length();
        }
        return n;
    }

    /** The same layout with every segment {@code factor} times longer (a merge with untracked inner axes). */
    Layout scaled(long factor) {
        List<Segment> out = new ArrayList<>();
        for (Segment s : segments) {
            out.add(new Segment(s.space(), s.length() * factor));
        }
        return new Layout(out);
    }

    /** Whether the layout refers to at least one space. */
    boolean tracked() {
        return segments.stream().anyMatch(s -> !s.fixed());
    }

    /** The positions kept when each space root keeps the given units (ascending); fixed segments are kept. */
    int[] keptPositions(Map<Space, int[]> keep) {
        List<Integer> out = new ArrayList<>();
        long offset = 0;
        for (Segment s : segments) {
            if (s.fixed()) {
                for (long i = 0; i < s.length(); i++) {
                    out.add((int) (offset + i));
                }
            } else {
                int[] units = keep.get(s.space().root());
                long per = s.perUnit();
                if (units == null) {
                    for (long i = 0; i < s.length(); i++) {
                        out.add((int) (offset + i));
                    }
                } else {
                    for (int u : units) {
                        for (long i = 0; i < per; i++) {
                            out.add((int) (offset + u * per + i));
                        }
                    }
                }
            }
            offset += s.length();
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The axis length when each space root keeps {@code keptUnits} units. */
    long keptLength(Map<Space, Long> keptUnits) {
        long n = 0;
        for (Segment s : segments) {
            if (s.fixed()) {
                n += s.length();
            } else {
                Long k = keptUnits.get(s.space().root());
                n += k == null ? s.length() : s.perUnit() * k;
            }
        }
        return n;
    }
}
