package org.prune4j.internal.prune.onnx;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of coupled channels on the ONNX graph (union-find node): every tensor axis and parameter slice
 * whose indices must be removed together refers to the same root space. A space is removed in whole
 * {@link #units() units} (channels, neurons, or attention heads once a reshape splits the channel axis
 * into heads × head size).
 */
final class Space {
    final int id;
    private Space parent = this;
    private long units;
    /** Where the space was created, e.g. {@code "MatMul /layer.0/ffn/MatMul output"}. */
    final String origin;
    private final List<String> stops = new ArrayList<>();

    Space(int id, long units, String origin) {
        this.id = id;
        this.units = units;
        this.origin = origin;
    }

    Space root() {
        Space s = this;
        while (s.parent != s) {
            s.parent = s.parent.parent;
            s = s.parent;
        }
        return s;
    }

    /** Couples two spaces: the root keeps the coarsest common unit partition (gcd of the unit counts). */
    static Space union(Space a, Space b) {
        Space ra = a.root();
        Space rb = b.root();
        if (ra == rb) {
            return ra;
        }
        Space keep = ra.id < rb.id ? ra : rb;
        Space other = keep == ra ? rb : ra;
        other.parent = keep;
        keep.units = gcd(keep.units, other.units);
        keep.stops.addAll(other.stops);
        return keep;
    }

    /** Makes the root's units a divisor of {@code n} (coarser units when needed). */
    void coarsenToDivide(long n) {
        Space r = root();
        r.units = gcd(r.units, n);
    }

    long units() {
        return root().units;
    }

    void stop(String reason) {
        Space r = root();
        if (!r.stops.contains(reason)) {
            r.stops.add(reason);
        }
    }

    List<String> stops() {
        return root().stops;
    }

    boolean blocked() {
        return !root().stops.isEmpty();
    }

    static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
