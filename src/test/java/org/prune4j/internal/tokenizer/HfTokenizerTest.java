package org.prune4j.internal.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;

/** {@link HfTokenizer} on the hand-written BPE fixture (see its PROVENANCE.md for the expected ids). */
class HfTokenizerTest {
    private static final Path FIXTURE = TokenizerFixtures.path(TokenizerFixtures.TINY_BPE_JSON);

    @TempDir
    Path dir;

    @Test
    void encodesExactIdsWithoutTheTemplatesSpecialTokens() {
        try (HfTokenizer tok = HfTokenizer.load(FIXTURE)) {
            assertEquals(16, tok.vocabSize());
            assertEquals(1, tok.bosId());
            assertEquals(2, tok.eosId());
            assertArrayEquals(new int[] {15, 12}, tok.encode("the cat", false, false));
            assertArrayEquals(new int[] {12, 9}, tok.encode("cats", false, false));
            assertArrayEquals(new int[] {15, 3, 7, 10}, tok.encode("the hat", false, false));
            assertArrayEquals(new int[] {3, 0}, tok.encode("x", false, false));
            assertArrayEquals(new int[] {}, tok.encode("", false, false));
            // The file's post-processor would prepend <s>; we add exactly what is asked, once.
            assertArrayEquals(new int[] {1, 15, 12}, tok.encode("the cat", true, false));
            assertArrayEquals(new int[] {15, 12, 2}, tok.encode("the cat", false, true));
            assertArrayEquals(new int[] {1, 15, 12, 2}, tok.encode("the cat", true, true));
            assertArrayEquals(new int[] {1, 2}, tok.encode("", true, true));
        }
    }

    @Test
    void decodesDroppingSpecialTokensAndStreamsPieces() {
        try (HfTokenizer tok = HfTokenizer.load(FIXTURE)) {
            assertEquals("the cat", tok.decode(new int[] {1, 15, 12, 2}));
            assertEquals("the hat cats", tok.decode(tok.encode("the hat cats", true, true)));
            assertEquals("the", tok.decodePiece(1, 15)); // after BOS: no leading space
            assertEquals(" cat", tok.decodePiece(15, 12));
            assertEquals("s", tok.decodePiece(12, 9));
            assertEquals("cat", tok.decodePiece(-1, 12)); // no previous token: decoded alone
            int[] ids = tok.encode("the cat cats", true, false);
            StringBuilder streamed = new StringBuilder();
            for (int i = 1; i < ids.length; i++) {
                streamed.append(tok.decodePiece(ids[i - 1], ids[i]));
            }
            assertEquals("the cat cats", streamed.toString());
            assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {16}));
        }
    }

    @Test
    void longTextIsNotTruncated() {
        try (HfTokenizer tok = HfTokenizer.load(FIXTURE)) {
            String text = "the cat ".repeat(2000).strip();
            int[] ids = tok.encode(text, true, false);
            assertEquals(1 + 4000, ids.length);
            assertEquals(text, tok.decode(ids));
        }
    }

    @Test
    void loadsTheNativeLibraryFromTheJarOffline() {
        try (HfTokenizer tok = HfTokenizer.load(FIXTURE)) {
            assertEquals("true", System.getProperty("offline"));
            assertEquals(2, tok.encode("the cat", false, false).length);
        }
    }

    @Test
    void tokenizerConfigNamesTheSpecialTokens() throws IOException {
        Path json = Files.copy(FIXTURE, dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"bos_token\": {\"content\": \"<s>\", \"special\": true}, \"eos_token\": \"<unk>\"}");
        try (HfTokenizer tok = HfTokenizer.load(json)) {
            assertEquals(1, tok.bosId());
            assertEquals(0, tok.eosId());
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|im_end|>\"}");
        UserError e = assertThrows(UserError.class, () -> HfTokenizer.load(json));
        assertTrue(e.getMessage().contains("tokenizer_config.json") && e.getMessage().contains("<|im_end|>"), e.getMessage());
    }

    @Test
    void explicitIdsAndMissingSpecialTokens() {
        try (HfTokenizer tok = HfTokenizer.load(FIXTURE, -1, 2)) {
            assertEquals(-1, tok.bosId());
            assertArrayEquals(new int[] {15, 12, 2}, tok.encode("the cat", false, true));
            UserError e = assertThrows(UserError.class, () -> tok.encode("the cat", true, false));
            assertTrue(e.getMessage().contains("no BOS token"), e.getMessage());
        }
        assertThrows(UserError.class, () -> HfTokenizer.load(FIXTURE, 1, 99));
    }

    @Test
    void badFilesAreOneLineUserErrorsNamingThePath() throws IOException {
        record Case(String name, String content, String expected) {}
        for (Case c : List.of(
                new Case("empty.json", "", "empty file"),
                new Case("broken.json", "{\"model\": {\"type\": ", "not valid JSON"),
                new Case("nomodel.json", "{\"version\": \"1.0\"}", "no \"model\" object"),
                new Case("badid.json", "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": -4}, \"merges\": []}}", "no valid id"),
                new Case("merges.json", "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a b\"]}}",
                        "the vocabulary lacks one of them or their merge"),
                new Case("rejected.json", "{\"pre_tokenizer\": {\"type\": \"NoSuchPreTokenizer\"}, \"model\": {\"type\":"
                        + " \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}}", "rejected by the Hugging Face tokenizers library"))) {
            Path p = Files.writeString(dir.resolve(c.name()), c.content(), StandardCharsets.UTF_8);
            UserError e = assertThrows(UserError.class, () -> HfTokenizer.load(p).close(), c.name());
            assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
            assertTrue(e.getMessage().contains(c.expected()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        UserError missing = assertThrows(UserError.class, () -> HfTokenizer.load(dir.resolve("nope.json")));
        assertEquals(dir.resolve("nope.json") + ": no such file", missing.getMessage());
    }
}
