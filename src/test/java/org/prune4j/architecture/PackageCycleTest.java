package org.prune4j.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.prune4j.UserError;

/**
 * No package of prune4j depends, directly or through others, on a package that depends on it. The
 * dependencies are those of the compiled classes ({@code jdeps}, from the JDK running the tests), so
 * every reference counts: imports, fully qualified names, inner classes.
 */
class PackageCycleTest {
    @Test
    void productionPackagesHaveNoCycles() throws Exception {
        Path classes = Path.of(UserError.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, Set<String>> graph = dependencies(classes);
        assertTrue(graph.size() > 20, "jdeps found the packages: " + graph.keySet());
        assertTrue(graph.get("org.prune4j.internal.cli").contains("org.prune4j.api")
                && graph.get("org.prune4j.api").contains("org.prune4j.internal.pipeline"), "jdeps found the edges");
        List<Set<String>> cycles = new ArrayList<>();
        for (Set<String> component : stronglyConnected(graph)) {
            if (component.size() > 1) {
                cycles.add(component);
            }
        }
        StringBuilder why = new StringBuilder();
        for (Set<String> c : cycles) {
            why.append("\n  cycle among ").append(c).append(':');
            for (String p : c) {
                for (String q : graph.get(p)) {
                    if (c.contains(q)) {
                        why.append("\n    ").append(p).append(" -> ").append(q);
                    }
                }
            }
        }
        assertEquals(0, cycles.size(), "package cycles:" + why);
    }

    @Test
    void hfReaderAndLlamaModelDoNotDependOnEachOther() throws Exception {
        Path classes = Path.of(UserError.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, Set<String>> graph = dependencies(classes);
        assertTrue(!graph.getOrDefault("org.prune4j.internal.model.llama", Set.of()).contains("org.prune4j.internal.io.hf"),
                "model.llama must not depend on io.hf: " + graph.get("org.prune4j.internal.model.llama"));
    }

    /** Package → packages of prune4j it uses, from {@code jdeps -verbose:package}. */
    static Map<String, Set<String>> dependencies(Path classes) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new IllegalStateException("no jdeps in this JDK"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:package", "-filter:package",
                "--multi-release", "base", classes.toString());
        assertEquals(0, rc, "jdeps failed: " + err);
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String line : out.toString().split("\\R")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length >= 3 && parts[1].equals("->") && parts[0].startsWith("org.prune4j")) {
                graph.computeIfAbsent(parts[0], k -> new TreeSet<>());
                if (parts[2].startsWith("org.prune4j")) {
                    graph.get(parts[0]).add(parts[2]);
                    graph.computeIfAbsent(parts[2], k -> new TreeSet<>());
                }
            }
        }
        return graph;
    }

    /** Tarjan's strongly connected components. */
    static List<Set<String>> stronglyConnected(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new java.util.HashSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) {
                strongConnect(v, graph, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private static void strongConnect(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]);
        counter[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                strongConnect(w, graph, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            out.add(component);
        }
    }
}
