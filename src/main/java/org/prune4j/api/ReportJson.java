package org.prune4j.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON form of the results' reports: snake_case keys, the recovered model in place of the pruned one when
 * recovery ran, and the recipe under {@code recipe}.
 */
final class ReportJson {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private ReportJson() {}

    /** A report record as a JSON tree with snake_case keys. */
    static ObjectNode tree(Object report) {
        return JSON.valueToTree(report);
    }

    /** JSON text read back as a tree. */
    static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read a report back", e);
        }
    }

    /**
     * A pruning report with what recovery did (the output is then the recovered model: the pruned one went to a
     * scratch folder) and the recipe, as text.
     *
     * @param bytesKey the report's key for the written model's size
     */
    static String withRecovery(ObjectNode node, Recipe recipe, RecoveryResult recovery, String bytesKey, boolean indent) {
        if (recovery != null) {
            node.put("output", recipe.output().path());
            node.put(bytesKey, recovery.outputBytes());
            node.set("recovery", recovery.tree());
        }
        return withRecipe(node, recipe, indent);
    }

    /** {@code node} with the recipe (when there is one) under {@code recipe}, as text. */
    static String withRecipe(ObjectNode node, Recipe recipe, boolean indent) {
        if (recipe != null) {
            node.set("recipe", RecipeFormat.toTree(recipe));
        }
        try {
            return JSON.copy().configure(SerializationFeature.INDENT_OUTPUT, indent).writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a report", e);
        }
    }
}
