package org.prune4j.internal.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Fixture files of the tokenizer tests, all from the classpath (src/main/resources, src/test/resources). */
final class TokenizerFixtures {
    /** The 512-token vocabulary of stories260K. */
    static final String TOK512 = "/org/prune4j/models/stories260K/tok512.bin";
    /** The 32000-token Llama-2 vocabulary in llama2.c format. */
    static final String TOKENIZER_BIN = "/tokenizer.bin";
    static final String VECTORS = "/reference/model/tokenizer_vectors.json";
    static final String GENERATIONS = "/reference/model/stories260K_generations.json";
    static final String REFERENCE_MODEL = "/reference/model/stories260K.safetensors";
    static final String TINYSTORIES = "/org/prune4j/data/tinystories/tinystories_validation_head.txt";
    static final String TINY_BPE_JSON = "/tokenizer/tiny_bpe/tokenizer.json";

    private TokenizerFixtures() {}

    static Path path(String resource) {
        try {
            var url = TokenizerFixtures.class.getResource(resource);
            if (url == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(String resource) {
        try (InputStream in = TokenizerFixtures.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String resource) {
        try {
            return new ObjectMapper().readTree(text(resource));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    /**
     * The reference's chunking of the TinyStories text (reference/README.md): split on blank lines,
     * paragraphs stripped, empty ones dropped, grouped greedily into chunks of at most 2000 characters
     * joined by a blank line.
     */
    static List<String> tinyStoriesChunks() {
        List<String> chunks = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : text(TINYSTORIES).split("\n\n")) {
            String paragraph = raw.strip();
            if (paragraph.isEmpty()) {
                continue;
            }
            if (!current.isEmpty() && current.length() + 2 + paragraph.length() > 2000) {
                chunks.add(current.toString());
                current.setLength(0);
            }
            if (!current.isEmpty()) {
                current.append("\n\n");
            }
            current.append(paragraph);
        }
        if (!current.isEmpty()) {
            chunks.add(current.toString());
        }
        return chunks;
    }
}
