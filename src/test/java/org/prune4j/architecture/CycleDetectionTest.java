package org.prune4j.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The cycle finder of {@link PackageCycleTest} finds a cycle when there is one. */
class CycleDetectionTest {
    @Test
    void findsACycleAndNotAChain() {
        Map<String, Set<String>> cyclic = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        List<Set<String>> components = PackageCycleTest.stronglyConnected(cyclic);
        assertEquals(1, components.stream().filter(c -> c.size() > 1).count());
        assertEquals(Set.of("a", "b", "c"), components.stream().filter(c -> c.size() > 1).findFirst().orElseThrow());
        Map<String, Set<String>> chain = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of());
        assertEquals(0, PackageCycleTest.stronglyConnected(chain).stream().filter(c -> c.size() > 1).count());
    }
}
