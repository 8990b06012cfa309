package org.prune4j.internal.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.prune4j.UserError;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.model.llama.CheckpointFormat;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaConfig;
import org.prune4j.internal.model.llama.LlamaTensorNames;

/** Reads a Hugging Face model directory into a {@link LlamaCheckpoint}; see {@link HfFormat#read}. */
final class HfReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A tensor and the file it came from (for error messages). */
    private record Stored(TensorData data, Path file) {}

    private HfReader() {}

    static LlamaCheckpoint read(Path dir, Path tokenizerOverride) {
        if (!Files.exists(dir)) {
            throw new UserError(dir + ": no such directory");
        }
        if (!Files.isDirectory(dir)) {
            throw new UserError(dir + ": not a directory (a Hugging Face model is a directory with config.json)");
        }
        Path configFile = dir.resolve(HfFormat.CONFIG_FILE);
        if (!Files.isRegularFile(configFile)) {
            throw new UserError(dir + ": no config.json, so not a Hugging Face model directory");
        }
        Path listing = listing(dir);
        Map<String, Stored> stored = listing.equals(dir.resolve(ShardPlan.SINGLE_FILE)) ? readSingle(listing)
                : readSharded(dir, listing);
        ConfigBounds.check(configFile, stored.size(), listing);
        HfConfig config = HfConfig.read(configFile);
        JsonNode root = readTree(configFile);
        SparseCompression compression = SparsityConfig.read(root, configFile.toString());
        if (compression != null) {
            stored = decompress(stored, compression);
        }
        if (NemotronNasLayout.declares(root)) {
            stored = withRemovedSublayers(stored, config, listing);
        }
        Map<String, TensorData> tensors = validate(config, stored, listing, configFile);
        return new LlamaCheckpoint(config.llama(), tensors, CheckpointFormat.HF, dir,
                tokenizerOverride != null ? tokenizerOverride : findTokenizer(dir));
    }

    /** {@code model.safetensors}, else the shard index; a {@link UserError} when there is neither. */
    private static Path listing(Path dir) {
        Path single = dir.resolve(ShardPlan.SINGLE_FILE);
        Path index = dir.resolve(ShardPlan.INDEX_FILE);
        if (Files.isRegularFile(single)) {
            return single;
        } else if (Files.isRegularFile(index)) {
            return index;
        } else if (Files.exists(dir.resolve("pytorch_model.bin")) || Files.exists(dir.resolve("pytorch_model.bin.index.json"))) {
            throw new UserError(dir + ": not supported yet: pytorch_model.bin weights (save the model as safetensors)");
        }
        throw new UserError(dir + ": no model.safetensors or model.safetensors.index.json");
    }

    /**
     * What the tensors of the compressed model directory {@code dir} take on disk against their dense
     * size, or {@code null} when its weights are not stored in a {@link SparseCompression} layout.
     */
    static CompressedStorage storage(Path dir) {
        Path configFile = dir.resolve(HfFormat.CONFIG_FILE);
        if (!Files.isRegularFile(configFile)) {
            return null;
        }
        SparseCompression c = SparsityConfig.read(readTree(configFile), configFile.toString());
        if (c == null) {
            return null;
        }
        Path listing = listing(dir);
        Map<String, Stored> stored = listing.equals(dir.resolve(ShardPlan.SINGLE_FILE)) ? readSingle(listing)
                : readSharded(dir, listing);
        java.util.List<CompressedStorage.Tensor> out = new java.util.ArrayList<>();
        for (Map.Entry<String, Stored> e : stored.entrySet()) {
            String name = e.getKey();
            TensorData t = e.getValue().data();
            String suffix = "." + BitmaskCodec.COMPRESSED;
            if (name.endsWith(suffix)) {
                String prefix = name.substring(0, name.length() - suffix.length());
                long storedBytes = 0;
                for (String part : BitmaskCodec.PARTS) {
                    Stored p = stored.get(prefix + "." + part);
                    storedBytes += p == null ? 0 : p.data().bytes().remaining();
                }
                Stored shape = stored.get(prefix + "." + BitmaskCodec.SHAPE);
                long dense = t.dtype().byteSize();
                if (shape != null && !shape.data().dtype().isFloating()) {
                    for (long d : shape.data().toLongs()) {
                        dense *= d;
                    }
                }
                out.add(new CompressedStorage.Tensor(BitmaskCodec.weightName(prefix), dense, storedBytes, true));
            } else if (!isPart(name, stored)) {
                long bytes = t.bytes().remaining();
                out.add(new CompressedStorage.Tensor(name, bytes, bytes, false));
            }
        }
        return new CompressedStorage(c, out);
    }

    /** True when {@code name} is one part of a compressed weight (whose {@code .compressed} part is present). */
    private static boolean isPart(String name, Map<String, Stored> stored) {
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return false;
        }
        String part = name.substring(dot + 1);
        return (part.equals(BitmaskCodec.SHAPE) || part.equals(BitmaskCodec.BITMASK) || part.equals(BitmaskCodec.ROW_OFFSETS))
                && stored.containsKey(name.substring(0, dot) + "." + BitmaskCodec.COMPRESSED);
    }

    /**
     * {@code stored} with every compressed weight (the parts under one prefix) replaced by its dense
     * matrix; parts without their {@code .compressed} tensor are left for {@link #validate} to report.
     */
    private static Map<String, Stored> decompress(Map<String, Stored> stored, SparseCompression c) {
        Map<String, Stored> out = new LinkedHashMap<>();
        String suffix = "." + BitmaskCodec.COMPRESSED;
        for (Map.Entry<String, Stored> e : stored.entrySet()) {
            String name = e.getKey();
            if (name.endsWith(suffix)) {
                String prefix = name.substring(0, name.length() - suffix.length());
                Map<String, TensorData> parts = new LinkedHashMap<>();
                for (String part : BitmaskCodec.PARTS) {
                    Stored p = stored.get(prefix + "." + part);
                    if (p != null) {
                        parts.put(part, p.data());
                    }
                }
                String weight = BitmaskCodec.weightName(prefix);
                if (stored.containsKey(weight)) {
                    throw new UserError(e.getValue().file() + ": holds both " + weight + " and its compressed form " + name);
                }
                out.put(weight, new Stored(BitmaskCodec.decompress(prefix, parts, c, e.getValue().file().toString()),
                        e.getValue().file()));
            } else if (!isPart(name, stored)) {
                out.put(name, e.getValue());
            }
        }
        return out;
    }

    /**
     * {@code stored} plus the tensors of the sublayers a nemotron-nas model removes ({@code no_op}), which it
     * does not store: empty projections (zero biases), and unit norms whose value cannot matter.
     */
    private static Map<String, Stored> withRemovedSublayers(Map<String, Stored> stored, HfConfig config, Path listing) {
        Map<String, Stored> out = new LinkedHashMap<>(stored);
        LlamaConfig c = config.llama();
        Map<String, long[]> expected = ExpectedTensors.of(c, config.layerShapes(), !c.tieWordEmbeddings(),
                config.outputBias(), config.mlpBias());
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            int layer = NemotronNasLayout.layerOf(e.getKey());
            if (layer < 0 || out.containsKey(e.getKey())
                    || !NemotronNasLayout.isRemoved(e.getKey(), layer, config.layerShapes().get(layer))) {
                continue;
            }
            float[] v = new float[Math.toIntExact(TensorData.numel(e.getValue()))];
            if (e.getKey().contains("layernorm")) {
                java.util.Arrays.fill(v, 1f);
            }
            out.put(e.getKey(), new Stored(TensorData.ofFloats(e.getValue(), v), listing));
        }
        return out;
    }

    private static JsonNode readTree(Path configFile) {
        try {
            return JSON.readTree(Files.readString(configFile));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserError(configFile + ": not valid JSON: " + HfConfig.oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new UserError(configFile + ": cannot read: " + e.getMessage());
        }
    }

    /** {@code tokenizer.json}, else a llama2.c {@code tokenizer.bin} that prune4j copied there, else null. */
    private static Path findTokenizer(Path dir) {
        for (String name : new String[] {HfFormat.TOKENIZER_JSON, HfFormat.LLAMA2C_TOKENIZER}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static Map<String, Stored> readSingle(Path file) {
        Map<String, Stored> out = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.names()) {
                out.put(name, new Stored(f.get(name), file));
            }
        }
        return out;
    }

    private static Map<String, Stored> readSharded(Path dir, Path index) {
        Map<String, String> weightMap = readWeightMap(index);
        Map<String, Set<String>> byShard = new TreeMap<>();
        weightMap.forEach((tensor, shard) -> byShard.computeIfAbsent(shard, k -> new LinkedHashSet<>()).add(tensor));
        Map<String, Stored> out = new LinkedHashMap<>();
        Map<String, Path> unlisted = new LinkedHashMap<>();
        for (Map.Entry<String, Set<String>> e : byShard.entrySet()) {
            Path shard = dir.resolve(e.getKey());
            if (!Files.isRegularFile(shard)) {
                throw new UserError(index + ": shard " + e.getKey() + " is missing");
            }
            try (SafetensorsFile f = SafetensorsFile.open(shard)) {
                for (String name : e.getValue()) {
                    if (!f.contains(name)) {
                        throw new UserError(shard + ": lacks tensor " + name + " that " + index.getFileName() + " places there");
                    }
                    out.put(name, new Stored(f.get(name), shard));
                }
                for (String name : f.names()) {
                    if (!e.getValue().contains(name) && !ExpectedTensors.isIgnorable(name)) {
                        unlisted.putIfAbsent(name, shard);
                    }
                }
            }
        }
        if (!unlisted.isEmpty()) {
            Map.Entry<String, Path> first = unlisted.entrySet().iterator().next();
            throw new UserError(first.getValue() + ": holds tensor " + first.getKey() + " that " + index.getFileName()
                    + " does not list");
        }
        return out;
    }

    private static Map<String, String> readWeightMap(Path index) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(index));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserError(index + ": not valid JSON: " + HfConfig.oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new UserError(index + ": cannot read: " + e.getMessage());
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new UserError(index + ": no weight_map");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            String file = e.getValue().asText("");
            if (!e.getValue().isTextual() || file.isEmpty() || file.contains("/") || file.contains("\\")
                    || file.startsWith(".") || file.chars().anyMatch(Character::isISOControl)) {
                throw new UserError(index + ": tensor " + ConfigBounds.printable(e.getKey()) + " maps to "
                        + ConfigBounds.printable(e.getValue().toString()) + ", not a file name in the model directory");
            }
            out.put(e.getKey(), file);
        }
        return out;
    }

    /**
     * Checks the tensors against the config (every expected tensor present with its shape, nothing
     * unknown) and returns them under canonical names in canonical order.
     */
    private static Map<String, TensorData> validate(HfConfig config, Map<String, Stored> stored, Path listing,
            Path configFile) {
        LlamaConfig c = config.llama();
        boolean tied = c.tieWordEmbeddings();
        Map<String, long[]> expected = ExpectedTensors.of(c, config.layerShapes(), !tied, config.outputBias(),
                config.mlpBias());
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            Stored s = stored.get(e.getKey());
            if (s == null) {
                throw new UserError(listing + ": missing tensor " + e.getKey() + " (shape " + Arrays.toString(e.getValue())
                        + " expected from " + configFile.getFileName() + ")");
            }
            if (!Arrays.equals(s.data().shape(), e.getValue())) {
                throw new UserError(s.file() + ": tensor " + e.getKey() + " has shape " + Arrays.toString(s.data().shape())
                        + ", but " + configFile.getFileName() + " implies " + Arrays.toString(e.getValue()));
            }
            if (!s.data().dtype().isFloating()) {
                throw new UserError(s.file() + ": tensor " + e.getKey() + " has dtype " + s.data().dtype()
                        + ", expected a floating-point type");
            }
            out.put(e.getKey(), s.data());
        }
        for (Map.Entry<String, Stored> e : stored.entrySet()) {
            String name = e.getKey();
            if (expected.containsKey(name) || ExpectedTensors.isIgnorable(name)) {
                continue;
            }
            if (tied && name.equals(LlamaTensorNames.LM_HEAD)) {
                if (!sameValues(e.getValue().data(), out.get(LlamaTensorNames.EMBED))) {
                    throw new UserError(e.getValue().file() + ": " + configFile.getFileName()
                            + " says tie_word_embeddings but " + LlamaTensorNames.LM_HEAD + " differs from " + LlamaTensorNames.EMBED);
                }
                continue;
            }
            throw new UserError(e.getValue().file() + ": unexpected tensor " + name + " (not part of a "
                    + c.architecture() + " with this " + configFile.getFileName() + ")");
        }
        return out;
    }

    /** True when two tensors hold the same shape and values (compared as float32 when dtypes differ). */
    static boolean sameValues(TensorData a, TensorData b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            return false;
        }
        if (a.dtype() == b.dtype()) {
            return a.bytes().equals(b.bytes());
        }
        return Arrays.equals(a.toFloats(), b.toFloats());
    }
}
