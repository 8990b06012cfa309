package org.prune4j.internal.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.prune4j.UserError;

/**
 * Checks the structure of a {@code tokenizer.json} in Java before the native {@code tokenizers} library
 * sees it. The native library aborts the whole JVM on some inputs (a {@code decoder} nested 129 levels
 * deep overflows its recursion limit and panics) and fails at encoding time, with a raw exception, on
 * others (an unknown token that is not in the vocabulary). What reaches it here is a tree at most {@link
 * #MAX_DEPTH} levels deep, a model of a known type whose vocabulary, merges and unknown token agree, and
 * ids below {@link #MAX_ID}.
 */
final class TokenizerJsonCheck {
    /** The deepest JSON nesting passed on (the native library's own limit is 128). */
    static final int MAX_DEPTH = 64;
    /** Token ids must be below this (2^24): no tokenizer comes near, and sizes stay far from overflow. */
    static final int MAX_ID = 1 << 24;

    private static final Set<String> MODEL_TYPES = Set.of("BPE", "WordPiece", "WordLevel", "Unigram");

    private TokenizerJsonCheck() {}

    /** Throws a {@link UserError} naming {@code source} unless {@code root} is safe to hand to the native library. */
    static void check(String source, JsonNode root) {
        checkDepth(source, root);
        JsonNode model = root.path("model");
        Set<String> vocabIds = new HashSet<>();
        model.path("vocab").properties().forEach(e -> vocabIds.add(e.getKey()));
        String type = model.path("type").isTextual() ? model.path("type").asText() : inferType(model);
        if (!MODEL_TYPES.contains(type)) {
            throw new UserError(source + ": model type " + printable(type) + " is not one of " + MODEL_TYPES);
        }
        JsonNode unk = model.get("unk_token");
        String unkToken = unk != null && unk.isTextual() ? unk.asText()
                : type.equals("WordPiece") && unk == null ? "[UNK]"
                : type.equals("WordLevel") && unk == null ? "<unk>" : null;
        if (unk != null && !unk.isNull() && !unk.isTextual()) {
            throw new UserError(source + ": model.unk_token is not a string");
        }
        if (unkToken != null && !type.equals("Unigram") && !vocabIds.contains(unkToken)) {
            throw new UserError(source + ": the unknown token " + printable(unkToken) + " is not in model.vocab"
                    + " (the tokenizer could not encode text outside its vocabulary)");
        }
        if (type.equals("Unigram")) {
            JsonNode unkId = model.get("unk_id");
            if (unkId != null && !unkId.isNull()
                    && (!unkId.canConvertToInt() || unkId.asInt() < 0 || unkId.asInt() >= model.path("vocab").size())) {
                throw new UserError(source + ": model.unk_id " + printable(unkId.toString()) + " is outside model.vocab");
            }
            for (JsonNode entry : model.path("vocab")) {
                if (entry.size() != 2 || !entry.get(1).isNumber()) {
                    throw new UserError(source + ": a Unigram model.vocab entry is not a [piece, score] pair");
                }
            }
        }
        if (type.equals("BPE")) {
            checkMerges(source, model.get("merges"), vocabIds);
        }
    }

    private static void checkMerges(String source, JsonNode merges, Set<String> vocab) {
        if (merges == null || merges.isNull()) {
            return;
        }
        if (!merges.isArray()) {
            throw new UserError(source + ": model.merges is not a list");
        }
        int i = 0;
        for (JsonNode m : merges) {
            String a;
            String b;
            if (m.isTextual()) {
                String s = m.asText();
                int space = s.indexOf(' ');
                if (space <= 0 || space == s.length() - 1 || s.indexOf(' ', space + 1) >= 0) {
                    throw new UserError(source + ": model.merges[" + i + "] is not two tokens separated by a space");
                }
                a = s.substring(0, space);
                b = s.substring(space + 1);
            } else if (m.isArray() && m.size() == 2 && m.get(0).isTextual() && m.get(1).isTextual()) {
                a = m.get(0).asText();
                b = m.get(1).asText();
            } else {
                throw new UserError(source + ": model.merges[" + i + "] is neither \"a b\" nor [\"a\", \"b\"]");
            }
            if (!vocab.contains(a) || !vocab.contains(b) || !vocab.contains(a + b)) {
                throw new UserError(source + ": model.merges[" + i + "] merges " + printable(a) + " and " + printable(b)
                        + ", but the vocabulary lacks one of them or their merge");
            }
            i++;
        }
    }

    /** The native library tells models apart by their fields when {@code type} is absent. */
    private static String inferType(JsonNode model) {
        if (model.has("merges")) {
            return "BPE";
        }
        if (model.path("vocab").isArray()) {
            return "Unigram";
        }
        if (model.has("continuing_subword_prefix") || model.has("max_input_chars_per_word")) {
            return "WordPiece";
        }
        return "WordLevel";
    }

    private static void checkDepth(String source, JsonNode root) {
        Deque<JsonNode> nodes = new ArrayDeque<>();
        Deque<Integer> depths = new ArrayDeque<>();
        nodes.push(root);
        depths.push(1);
        while (!nodes.isEmpty()) {
            JsonNode n = nodes.pop();
            int d = depths.pop();
            if (d > MAX_DEPTH) {
                throw new UserError(source + ": JSON nested deeper than " + MAX_DEPTH + " levels; not a tokenizer.json"
                        + " prune4j passes to the tokenizers library");
            }
            if (n.isContainerNode()) {
                for (JsonNode child : n) {
                    if (child.isContainerNode()) {
                        nodes.push(child);
                        depths.push(d + 1);
                    }
                }
            }
        }
    }

    /** {@code s} with control characters as {@code ?}, at most 80 characters, quoted. */
    static String printable(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length() && out.length() < 81; i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.append(s.length() > 80 ? "...\"" : "\"").toString();
    }
}
