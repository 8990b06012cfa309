package org.prune4j.internal.io.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.prune4j.UserError;
import org.prune4j.internal.tokenizer.Llama2cTokenizer;

/**
 * The SentencePiece-style vocabulary llama.cpp's {@code llama} tokenizer reads from a GGUF file
 * ({@code tokenizer.ggml.model = "llama"}): per token its piece (spaces written as U+2581 "▁"), its score
 * (merges of higher score first) and its type, plus the ids of the special tokens.
 *
 * @param tokens piece of every token
 * @param scores score of every token
 * @param types llama.cpp token type of every token ({@link #NORMAL}, {@link #UNKNOWN}, ...)
 * @param bosId beginning-of-sequence id
 * @param eosId end-of-sequence id
 * @param unkId unknown-token id (-1 if none)
 */
record GgufVocabulary(String[] tokens, float[] scores, int[] types, int bosId, int eosId, int unkId) {
    static final int NORMAL = 1;
    static final int UNKNOWN = 2;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;
    static final int BYTE = 6;
    static final String SPACE = "\u2581";
    private static final Pattern BYTE_PIECE = Pattern.compile("<0x[0-9A-Fa-f]{2}>");

    GgufVocabulary {
        if (tokens.length != scores.length || tokens.length != types.length) {
            throw new IllegalArgumentException("vocabulary arrays differ in length");
        }
    }

    int size() {
        return tokens.length;
    }

    /** Reads the tokenizer beside a model: a llama2.c {@code tokenizer.bin} or a Hugging Face {@code tokenizer.json}. */
    static GgufVocabulary load(Path tokenizer, int vocabSize, int bosId, int eosId) {
        String name = tokenizer.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isDirectory(tokenizer)) {
            Path json = tokenizer.resolve("tokenizer.json");
            Path bin = tokenizer.resolve("tokenizer.bin");
            if (Files.isRegularFile(json)) {
                return fromHfJson(json, vocabSize, bosId, eosId);
            }
            if (Files.isRegularFile(bin)) {
                return fromLlama2c(bin, vocabSize);
            }
            throw new UserError(tokenizer + ": folder holds neither tokenizer.json nor tokenizer.bin");
        }
        return name.endsWith(".json") ? fromHfJson(tokenizer, vocabSize, bosId, eosId) : fromLlama2c(tokenizer, vocabSize);
    }

    /**
     * A llama2.c {@code tokenizer.bin} (exported from a SentencePiece model: "▁" stored as a space, BOS
     * and EOS stored as {@code "\n<s>\n"} and {@code "\n</s>\n"}). Ids 0, 1, 2 are {@code <unk>}, {@code <s>},
     * {@code </s>}; pieces {@code <0xXX>} are byte tokens.
     */
    static GgufVocabulary fromLlama2c(Path file, int vocabSize) {
        Llama2cTokenizer tok = Llama2cTokenizer.load(file, vocabSize);
        int n = tok.vocabSize();
        String[] tokens = new String[n];
        float[] scores = new float[n];
        int[] types = new int[n];
        for (int id = 0; id < n; id++) {
            String piece = new String(tok.piece(id), StandardCharsets.UTF_8);
            scores[id] = tok.score(id);
            if (id == 0) {
                tokens[id] = "<unk>";
                types[id] = UNKNOWN;
            } else if (id == Llama2cTokenizer.BOS || id == Llama2cTokenizer.EOS) {
                tokens[id] = id == Llama2cTokenizer.BOS ? "<s>" : "</s>";
                types[id] = CONTROL;
            } else if (BYTE_PIECE.matcher(piece).matches()) {
                tokens[id] = piece.toUpperCase(Locale.ROOT).replace("<0X", "<0x");
                types[id] = BYTE;
            } else {
                tokens[id] = piece.replace(" ", SPACE);
                types[id] = NORMAL;
            }
        }
        return new GgufVocabulary(tokens, scores, types, Llama2cTokenizer.BOS, Llama2cTokenizer.EOS, 0);
    }

    /**
     * A Hugging Face {@code tokenizer.json} of the SentencePiece kind (BPE over "▁"-prefixed pieces with
     * byte fallback, as Llama 1/2, Mistral and TinyLlama ship). A token's score is minus the rank of the
     * merge that forms it (earlier merges first, as SentencePiece scores order them); added special tokens
     * are control tokens. Byte-level (GPT-2 style) tokenizers are not supported yet.
     */
    static GgufVocabulary fromHfJson(Path file, int vocabSize, int bosId, int eosId) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UserError(file + ": cannot read tokenizer.json: " + e.getMessage().lines().findFirst().orElse(""));
        }
        JsonNode model = root == null ? null : root.path("model");
        if (model == null || !model.path("vocab").isObject()) {
            throw new UserError(file + ": not a BPE tokenizer.json (no model.vocab object); GGUF export of this tokenizer is not supported yet");
        }
        if (!model.path("byte_fallback").asBoolean(false) || !model.path("vocab").has("<0x0A>")) {
            throw new UserError(file + ": byte-level (GPT-2 style) tokenizers are not supported yet for GGUF export;"
                    + " only SentencePiece-style BPE with byte fallback is");
        }
        String[] tokens = new String[vocabSize];
        float[] scores = new float[vocabSize];
        int[] types = new int[vocabSize];
        for (Map.Entry<String, JsonNode> e : model.path("vocab").properties()) {
            int id = e.getValue().asInt(-1);
            if (id < 0 || id >= vocabSize) {
                throw new UserError(file + ": token \"" + e.getKey() + "\" has id " + e.getValue() + " outside the model's vocabulary of " + vocabSize);
            }
            tokens[id] = e.getKey();
            types[id] = BYTE_PIECE.matcher(e.getKey()).matches() ? BYTE : NORMAL;
        }
        Map<String, Integer> rank = new HashMap<>();
        JsonNode merges = model.path("merges");
        for (int i = 0; i < merges.size(); i++) {
            JsonNode m = merges.get(i);
            String merged = m.isArray() ? m.get(0).asText() + m.get(1).asText() : m.asText().replace(" ", "");
            rank.putIfAbsent(merged, i);
        }
        for (int id = 0; id < vocabSize; id++) {
            if (tokens[id] != null && types[id] == NORMAL) {
                Integer r = rank.get(tokens[id]);
                scores[id] = r == null ? 0f : -r;
            }
        }
        for (JsonNode added : root.path("added_tokens")) {
            int id = added.path("id").asInt(-1);
            if (id < 0 || id >= vocabSize) {
                continue;
            }
            tokens[id] = added.path("content").asText();
            types[id] = added.path("special").asBoolean(false) ? CONTROL : USER_DEFINED;
        }
        String unk = model.path("unk_token").asText("<unk>");
        int unkId = -1;
        for (int id = 0; id < vocabSize; id++) {
            if (tokens[id] == null) {
                tokens[id] = "[PAD" + id + "]";
                types[id] = USER_DEFINED;
                scores[id] = -1e9f;
            } else if (tokens[id].equals(unk)) {
                types[id] = UNKNOWN;
                unkId = id;
            }
        }
        return new GgufVocabulary(tokens, scores, types, bosId, eosId, unkId);
    }

    /**
     * The vocabulary as a llama2.c {@code tokenizer.bin} (spaces for "▁", raw pieces otherwise), which
     * prune4j's own tokenizer reads; used when a GGUF file is the input.
     */
    byte[] toLlama2cTokenizerBin() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[][] pieces = new byte[tokens.length][];
        int maxLen = 1;
        for (int i = 0; i < tokens.length; i++) {
            pieces[i] = tokens[i].replace(SPACE, " ").getBytes(StandardCharsets.UTF_8);
            maxLen = Math.max(maxLen, pieces[i].length);
        }
        ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(maxLen);
        out.writeBytes(header.array());
        for (int i = 0; i < tokens.length; i++) {
            ByteBuffer rec = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(scores[i]).putInt(pieces[i].length);
            out.writeBytes(rec.array());
            out.writeBytes(pieces[i]);
        }
        return out.toByteArray();
    }
}
