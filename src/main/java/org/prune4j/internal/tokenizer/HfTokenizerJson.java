package org.prune4j.internal.tokenizer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import org.prune4j.UserError;

/**
 * What prune4j reads itself from a Hugging Face {@code tokenizer.json} (the native library does the
 * actual tokenization but exposes neither the vocabulary size nor token-to-id lookups): the id of every
 * token string, from {@code model.vocab} (an object for BPE/WordPiece/WordLevel, a list of
 * {@code [piece, score]} for Unigram) and {@code added_tokens}.
 *
 * @param vocabSize one more than the largest id
 * @param tokenIds token string to id
 */
record HfTokenizerJson(int vocabSize, Map<String, Integer> tokenIds) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses {@code bytes}; {@code source} names the file in messages. */
    static HfTokenizerJson parse(String source, byte[] bytes) {
        if (bytes.length == 0) {
            throw new UserError(source + ": empty file, not a Hugging Face tokenizer.json");
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw new UserError(source + ": not valid JSON: " + firstLine(e.getOriginalMessage()));
        } catch (java.io.IOException e) {
            throw new UserError(source + ": cannot parse: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject() || !root.path("model").isObject()) {
            throw new UserError(source + ": not a Hugging Face tokenizer.json (no \"model\" object)");
        }
        Map<String, Integer> ids = new HashMap<>();
        int maxId = -1;
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Map.Entry<String, JsonNode> e : vocab.properties()) {
                int id = id(source, e.getValue(), "model.vocab[\"" + e.getKey() + "\"]");
                ids.putIfAbsent(e.getKey(), id);
                maxId = Math.max(maxId, id);
            }
        } else if (vocab.isArray()) {
            for (int i = 0; i < vocab.size(); i++) {
                JsonNode entry = vocab.get(i);
                JsonNode piece = entry.isArray() ? entry.get(0) : null;
                if (piece == null || !piece.isTextual()) {
                    throw new UserError(source + ": model.vocab[" + i + "] is not a [piece, score] pair");
                }
                if (i >= TokenizerJsonCheck.MAX_ID) {
                    throw new UserError(source + ": not supported yet: vocabularies of " + TokenizerJsonCheck.MAX_ID
                            + " tokens and more");
                }
                ids.putIfAbsent(piece.asText(), i);
                maxId = i;
            }
        } else {
            throw new UserError(source + ": model.vocab is missing; only tokenizer.json files with an inline vocabulary are supported");
        }
        JsonNode added = root.path("added_tokens");
        if (added.isArray()) {
            for (JsonNode token : added) {
                JsonNode content = token.path("content");
                if (!content.isTextual()) {
                    throw new UserError(source + ": an added_tokens entry has no \"content\" string");
                }
                int id = id(source, token.path("id"), "added_tokens \"" + content.asText() + "\"");
                ids.put(content.asText(), id);
                maxId = Math.max(maxId, id);
            }
        }
        if (maxId < 0) {
            throw new UserError(source + ": the vocabulary is empty");
        }
        TokenizerJsonCheck.check(source, root);
        return new HfTokenizerJson(maxId + 1, Map.copyOf(ids));
    }

    /** The id of {@code token}, or -1. */
    int idOf(String token) {
        Integer id = tokenIds.get(token);
        return id == null ? -1 : id;
    }

    private static int id(String source, JsonNode node, String where) {
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < 0) {
            throw new UserError(source + ": " + TokenizerJsonCheck.printable(where) + " has no valid id ("
                    + TokenizerJsonCheck.printable(node.toString()) + ")");
        }
        if (node.asInt() >= TokenizerJsonCheck.MAX_ID) {
            throw new UserError(source + ": " + TokenizerJsonCheck.printable(where) + " has id " + node.asInt()
                    + "; not supported yet: token ids of " + TokenizerJsonCheck.MAX_ID + " and above");
        }
        return node.asInt();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
