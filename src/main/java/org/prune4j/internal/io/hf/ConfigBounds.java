package org.prune4j.internal.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.prune4j.UserError;

/**
 * Checks the counts of a {@code config.json} against the checkpoint that exists, before anything is sized
 * by them: a config that declares a billion layers over a file of 20 tensors is an error, not a billion
 * per-layer records.
 */
final class ConfigBounds {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Tensors every decoder layer holds at least (attention norm, q, k, v, o, mlp norm, gate, up, down). */
    private static final int TENSORS_PER_LAYER = 9;

    /** The longest context accepted: rotary tables are sized by it before any tensor is read. */
    static final long MAX_POSITIONS = 1L << 20;

    private ConfigBounds() {}

    /** Refuses layer counts that the {@code tensorCount} tensors listed in {@code listing} cannot hold. */
    static void check(Path configFile, int tensorCount, Path listing) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(configFile));
        } catch (IOException e) {
            return; // HfConfig.read reports unreadable or invalid JSON in its own words
        }
        if (root == null || !root.isObject()) {
            return;
        }
        checkPositions(configFile, root);
        if (NemotronNasLayout.declares(root)) {
            return; // removed sublayers store no tensors; the layer count must match block_configs, a list in the file
        }
        for (String key : new String[] {"num_hidden_layers"}) {
            JsonNode n = root.get(key);
            if (n == null || !n.isIntegralNumber()) {
                continue;
            }
            if (n.canConvertToLong() && n.longValue() >= 0
                    && n.longValue() * TENSORS_PER_LAYER <= (long) tensorCount) {
                continue;
            }
            if (n.canConvertToLong() && n.longValue() < 0) {
                continue; // HfConfig.read names the negative value
            }
            throw new UserError(configFile + ": " + key + " is " + n.asText() + ", but " + listing.getFileName()
                    + " holds only " + tensorCount + " tensors (a layer has at least " + TENSORS_PER_LAYER + ")");
        }
    }

    private static void checkPositions(Path configFile, JsonNode root) {
        JsonNode n = root.get("max_position_embeddings");
        if (n != null && n.isIntegralNumber() && (!n.canConvertToLong() || n.longValue() > MAX_POSITIONS)) {
            throw new UserError(configFile + ": not supported yet: max_position_embeddings " + n.asText()
                    + " (above " + MAX_POSITIONS + "; rotary tables are sized by it)");
        }
    }

    /** {@code s} with control characters as {@code ?}, at most 120 characters. */
    static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < 120; i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return s.length() > 120 ? out + "..." : out.toString();
    }
}
