package org.prune4j.internal.io.hf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How tensors are split over safetensors files: in order, a new shard starting whenever the next tensor
 * would push the current one past the size limit (a tensor larger than the limit gets a shard of its
 * own), as {@code transformers} does. One shard is written as {@code model.safetensors}; several as
 * {@code model-00001-of-0000N.safetensors} with a {@code model.safetensors.index.json}.
 *
 * @param shards tensor names of each shard, in writing order
 */
record ShardPlan(List<List<String>> shards) {
    static final String SINGLE_FILE = "model.safetensors";
    static final String INDEX_FILE = "model.safetensors.index.json";

    ShardPlan {
        shards = shards.stream().map(List::copyOf).toList();
    }

    /** Plans shards of at most {@code maxShardBytes} for tensors of the given byte sizes (in order). */
    static ShardPlan of(Map<String, Long> bytesByName, long maxShardBytes) {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("shard size must be positive");
        }
        List<List<String>> shards = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long size = 0;
        for (Map.Entry<String, Long> e : bytesByName.entrySet()) {
            if (!current.isEmpty() && size + e.getValue() > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(e.getKey());
            size += e.getValue();
        }
        if (!current.isEmpty() || shards.isEmpty()) {
            shards.add(current);
        }
        return new ShardPlan(shards);
    }

    /** True when everything goes into {@code model.safetensors}. */
    boolean isSingleFile() {
        return shards.size() == 1;
    }

    /** File name of shard {@code i} (0-based). */
    String fileName(int i) {
        return isSingleFile() ? SINGLE_FILE
                : String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, shards.size());
    }

    /** Tensor name to shard file name, for the index's {@code weight_map}. */
    Map<String, String> weightMap() {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < shards.size(); i++) {
            for (String name : shards.get(i)) {
                m.put(name, fileName(i));
            }
        }
        return m;
    }
}
