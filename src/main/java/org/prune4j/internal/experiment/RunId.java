package org.prune4j.internal.experiment;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The identity of an experiment run, OpenLTH style: the command and its settings records as canonical
 * JSON (keys sorted), and the first 10 hex digits of its SHA-256, which name the run's folder
 * ({@code lottery-3f9a1c2b7d}). Equal settings give the same folder, so a re-run finds the result.
 *
 * @param command the experiment kind ({@code train}, {@code lottery})
 * @param json canonical settings JSON (what settings.json holds)
 * @param hash the short hash
 */
record RunId(String command, String json, String hash) {
    /** Bumped when the meaning of settings changes, so old folders are not mistaken for new runs. */
    static final int FORMAT = 1;

    static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    /** The id of {@code command} with named settings records (e.g. {@code "training" → TrainingSettings}). */
    public static RunId of(String command, Map<String, ? extends Record> settings) {
        ObjectNode root = CANONICAL.createObjectNode();
        root.put("command", command);
        root.put("format", FORMAT);
        Map<String, Record> sorted = new LinkedHashMap<>(settings);
        sorted.forEach((k, v) -> root.set(k, CANONICAL.valueToTree(v)));
        try {
            Object tree = CANONICAL.treeToValue(root, Object.class); // maps → sorted on write
            String json = CANONICAL.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    CANONICAL.writeValueAsString(tree).getBytes(StandardCharsets.UTF_8));
            return new RunId(command, json, HexFormat.of().formatHex(digest).substring(0, 10));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The folder name, {@code <command>-<hash>}. */
    public String folderName() {
        return command + "-" + hash;
    }
}
