package org.prune4j.internal.prune.structured;

import java.util.ArrayList;
import java.util.List;

/**
 * The grouped-query layout of a layer after some query heads were removed.
 *
 * <p>Query head {@code h} reads key/value head {@code h / r}. Once heads are removed, group {@code g}
 * keeps {@code c_g} query heads; a valid layout needs every key/value head to serve the same number of
 * consecutive query heads. With {@code r' = gcd} of the non-zero {@code c_g}, group {@code g} becomes
 * {@code c_g / r'} key/value heads (copies of the original head {@code g} when more than one), and a
 * group with no query head left loses its key/value head. Uniform removal ({@code c_g} all equal, or
 * whole groups) needs no copy.
 *
 * @param queryHeads the kept query heads, ascending (original indices)
 * @param kvHeads for each new key/value head, the original key/value head it copies
 * @param groupSize query heads per new key/value head ({@code r'})
 */
record KvLayout(int[] queryHeads, int[] kvHeads, int groupSize) {

    static KvLayout of(int[] keptHeads, int groupSize) {
        if (keptHeads.length == 0) {
            return new KvLayout(new int[0], new int[0], 0);
        }
        int groups = keptHeads[keptHeads.length - 1] / groupSize + 1;
        int[] count = new int[groups];
        for (int h : keptHeads) {
            count[h / groupSize]++;
        }
        int g = 0;
        for (int c : count) {
            g = gcd(g, c);
        }
        List<Integer> kv = new ArrayList<>();
        for (int grp = 0; grp < groups; grp++) {
            for (int k = 0; k < count[grp] / g; k++) {
                kv.add(grp);
            }
        }
        return new KvLayout(keptHeads.clone(), kv.stream().mapToInt(Integer::intValue).toArray(), g);
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
