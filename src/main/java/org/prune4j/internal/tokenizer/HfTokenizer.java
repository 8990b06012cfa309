package org.prune4j.internal.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.LibUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.prune4j.UserError;

/**
 * A Hugging Face {@code tokenizer.json}, run by the Rust {@code tokenizers} library through DJL's
 * binding. The native library ships inside the DJL jar and is loaded from there; this class sets DJL's
 * {@code offline} system property (unless already set) so that nothing is downloaded and no telemetry
 * call is made.
 *
 * <p>{@link #encode} never applies the tokenizer's own post-processor (its "add special tokens"
 * template); it adds exactly the BOS/EOS the caller asks for. BOS/EOS ids are given explicitly or found
 * in, in order: {@code tokenizer_config.json} next to the file ({@code bos_token}/{@code eos_token}),
 * then well-known token strings ({@code <s>}, {@code <|begin_of_text|>}, ... / {@code </s>},
 * {@code <|end_of_text|>}, ...). A tokenizer without such a token reports id -1, and asking
 * {@link #encode} for it is a {@link UserError}.
 *
 * <p>Holds native memory: {@link #close()} it when done.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
    private static final List<String> BOS_NAMES =
            List.of("<s>", "<|begin_of_text|>", "<bos>", "<|startoftext|>", "<|endoftext|>");
    private static final List<String> EOS_NAMES = List.of("</s>", "<|end_of_text|>", "<eos>", "<|endoftext|>");
    private static final Map<String, String> OPTIONS =
            Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

    static {
        if (System.getProperty("offline") == null) {
            System.setProperty("offline", "true");
        }
    }

    private final HuggingFaceTokenizer hf;
    private final String source;
    private final int vocabSize;
    private final int bosId;
    private final int eosId;

    private HfTokenizer(HuggingFaceTokenizer hf, String source, int vocabSize, int bosId, int eosId) {
        this.hf = hf;
        this.source = source;
        this.vocabSize = vocabSize;
        this.bosId = bosId;
        this.eosId = eosId;
    }

    /** Loads {@code tokenizerJson}, finding BOS/EOS as described in the class comment. */
    public static HfTokenizer load(Path tokenizerJson) {
        byte[] bytes = readFile(tokenizerJson);
        HfTokenizerJson json = HfTokenizerJson.parse(tokenizerJson.toString(), bytes);
        Path config = tokenizerJson.toAbsolutePath().resolveSibling("tokenizer_config.json");
        int bos = specialTokenId(json, config, "bos_token", BOS_NAMES);
        int eos = specialTokenId(json, config, "eos_token", EOS_NAMES);
        return create(tokenizerJson.toString(), bytes, json, bos, eos);
    }

    /** Loads {@code tokenizerJson} with explicit BOS/EOS ids (-1: none). */
    public static HfTokenizer load(Path tokenizerJson, int bosId, int eosId) {
        byte[] bytes = readFile(tokenizerJson);
        HfTokenizerJson json = HfTokenizerJson.parse(tokenizerJson.toString(), bytes);
        for (int id : new int[] {bosId, eosId}) {
            if (id < -1 || id >= json.vocabSize()) {
                throw new UserError(tokenizerJson + ": special token id " + id + " is outside the vocabulary [0, "
                        + json.vocabSize() + ")");
            }
        }
        return create(tokenizerJson.toString(), bytes, json, bosId, eosId);
    }

    private static HfTokenizer create(String source, byte[] bytes, HfTokenizerJson json, int bos, int eos) {
        LibUtils.checkStatus(); // a native library that fails to load is an internal error, not the file's
        HuggingFaceTokenizer hf;
        try {
            hf = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes), OPTIONS);
        } catch (IOException | RuntimeException e) {
            throw new UserError(source + ": rejected by the Hugging Face tokenizers library: " + firstLine(e.getMessage()));
        }
        return new HfTokenizer(hf, source, json.vocabSize(), bos, eos);
    }

    @Override
    public int[] encode(String text, boolean bos, boolean eos) {
        if (bos && bosId < 0) {
            throw new UserError(source + ": the tokenizer has no BOS token; give its id explicitly or add tokenizer_config.json");
        }
        if (eos && eosId < 0) {
            throw new UserError(source + ": the tokenizer has no EOS token; give its id explicitly or add tokenizer_config.json");
        }
        long[] ids = hf.encode(text, false, false).getIds();
        int[] out = new int[ids.length + (bos ? 1 : 0) + (eos ? 1 : 0)];
        int n = 0;
        if (bos) {
            out[n++] = bosId;
        }
        for (long id : ids) {
            out[n++] = Math.toIntExact(id);
        }
        if (eos) {
            out[n++] = eosId;
        }
        return out;
    }

    /** Decodes with the tokenizer's decoder; special tokens (BOS, EOS and other added specials) are dropped. */
    @Override
    public String decode(int[] ids) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longs[i] = checkId(ids[i]);
        }
        return hf.decode(longs, true);
    }

    /**
     * The text {@code token} adds after {@code previous}: {@code decode([previous, token])} minus
     * {@code decode([previous])}, so that decoders that treat the first token specially (e.g. strip the
     * leading space after BOS) behave as in a stream. With {@code previous < 0} (no previous token), or
     * where that prefix does not hold (rare decoders), the token decoded alone.
     */
    @Override
    public String decodePiece(int previous, int token) {
        long tok = checkId(token);
        if (previous < 0) {
            return hf.decode(new long[] {tok}, true);
        }
        long prev = checkId(previous);
        String both = hf.decode(new long[] {prev, tok}, true);
        String before = hf.decode(new long[] {prev}, true);
        return both.startsWith(before) ? both.substring(before.length()) : hf.decode(new long[] {tok}, true);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    /** The BOS id, or -1 when the tokenizer has none. */
    @Override
    public int bosId() {
        return bosId;
    }

    /** The EOS id, or -1 when the tokenizer has none. */
    @Override
    public int eosId() {
        return eosId;
    }

    /** Frees the native tokenizer. */
    @Override
    public void close() {
        hf.close();
    }

    @Override
    public String toString() {
        return "HfTokenizer[" + source + ", " + vocabSize + " tokens]";
    }

    private long checkId(int id) {
        if (id < 0 || id >= vocabSize) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocabSize + ")");
        }
        return id;
    }

    private static byte[] readFile(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new UserError(path + ": no such file");
        } catch (IOException e) {
            throw new UserError(path + ": cannot read: " + e.getMessage());
        }
    }

    /** The id named by {@code key} in {@code config} if that file exists, else the first known name present. */
    private static int specialTokenId(HfTokenizerJson json, Path config, String key, List<String> knownNames) {
        if (Files.isRegularFile(config)) {
            JsonNode node;
            try {
                node = new ObjectMapper().readTree(config.toFile()).path(key);
            } catch (IOException e) {
                throw new UserError(config + ": not valid JSON: " + firstLine(e.getMessage()));
            }
            String name = node.isTextual() ? node.asText() : node.path("content").isTextual() ? node.path("content").asText() : null;
            if (name != null) {
                int id = json.idOf(name);
                if (id < 0) {
                    throw new UserError(config + ": " + key + " \"" + name + "\" is not in the tokenizer's vocabulary");
                }
                return id;
            }
        }
        for (String name : knownNames) {
            int id = json.idOf(name);
            if (id >= 0) {
                return id;
            }
        }
        return -1;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
