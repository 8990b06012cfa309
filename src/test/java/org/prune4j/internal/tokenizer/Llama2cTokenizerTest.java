package org.prune4j.internal.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** {@link Llama2cTokenizer} against run.c's recorded outputs for tok512.bin and the Llama-2 tokenizer.bin. */
class Llama2cTokenizerTest {
    private static final Llama2cTokenizer TOK512 = Llama2cTokenizer.load(TokenizerFixtures.path(TokenizerFixtures.TOK512), 512);
    private static final Llama2cTokenizer LLAMA = Llama2cTokenizer.load(TokenizerFixtures.path(TokenizerFixtures.TOKENIZER_BIN));

    private static Llama2cTokenizer byFileName(String name) {
        return switch (name) {
            case "tok512.bin" -> TOK512;
            case "tokenizer.bin" -> LLAMA;
            default -> throw new IllegalArgumentException(name);
        };
    }

    @Test
    void loadsBothVocabularies() {
        assertEquals(512, TOK512.vocabSize());
        assertEquals(7, TOK512.maxTokenLength());
        assertEquals(32000, LLAMA.vocabSize());
        assertEquals(27, LLAMA.maxTokenLength());
        assertEquals(1, LLAMA.bosId());
        assertEquals(2, LLAMA.eosId());
        assertEquals("<0x0A>", new String(LLAMA.piece(13), StandardCharsets.UTF_8));
    }

    /** All 18 strings × bos on/off × both vocabularies: exactly run.c's ids (72 vectors). */
    @TestFactory
    Stream<DynamicTest> reproducesEveryRunCVector() {
        JsonNode vectors = TokenizerFixtures.json(TokenizerFixtures.VECTORS).get("vectors");
        List<DynamicTest> tests = new ArrayList<>();
        for (String file : List.of("tok512.bin", "tokenizer.bin")) {
            assertEquals(36, vectors.get(file).size(), file);
            for (JsonNode v : vectors.get(file)) {
                String text = v.get("text").asText();
                boolean bos = v.get("bos").asInt() == 1;
                int[] expected = TokenizerFixtures.ints(v.get("ids"));
                String name = file + " bos=" + bos + " " + abbreviate(text);
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    Llama2cTokenizer tok = byFileName(file);
                    assertArrayEquals(expected, tok.encode(text, bos, false), name);
                    int[] withEos = Arrays.copyOf(expected, expected.length + 1);
                    withEos[expected.length] = 2;
                    assertArrayEquals(withEos, tok.encode(text, bos, true), name + " eos");
                    if (bos) {
                        assertEquals(text, tok.decode(expected), name + " decode");
                    }
                }));
            }
        }
        return tests.stream();
    }

    /** run.c's stdout is the pieces of prompt and generation (BOS excluded) followed by a newline. */
    @Test
    void decodesTheThreeReferenceGenerationsToRunCsText() {
        JsonNode gens = TokenizerFixtures.json(TokenizerFixtures.GENERATIONS).get("generations");
        assertEquals(3, gens.size());
        for (JsonNode g : gens) {
            int[] prompt = TokenizerFixtures.ints(g.get("prompt_ids"));
            int[] generated = TokenizerFixtures.ints(g.get("generated_ids"));
            assertArrayEquals(prompt, TOK512.encode(g.get("prompt").asText(), true, false));
            int[] all = new int[prompt.length + generated.length];
            System.arraycopy(prompt, 0, all, 0, prompt.length);
            System.arraycopy(generated, 0, all, prompt.length, generated.length);
            String stdout = g.get("runc_stdout").asText();
            assertEquals(stdout, TOK512.decode(all) + "\n");
            // The same text streamed piece by piece, as generation prints it.
            StringBuilder streamed = new StringBuilder();
            for (int i = 1; i < all.length; i++) {
                streamed.append(TOK512.decodePiece(all[i - 1], all[i]));
            }
            assertEquals(stdout, streamed + "\n");
            assertTrue(stdout.startsWith(g.get("prompt").asText()));
        }
    }

    @Test
    void decodePieceStripsTheLeadingSpaceOnlyAfterBos() {
        int[] ids = TOK512.encode("Once upon a time", true, false); // [1, 403 " Once", ...]
        assertEquals(" Once", TOK512.decodePiece(-1, ids[1]));
        assertEquals(" Once", TOK512.decodePiece(ids[2], ids[1]));
        assertEquals("Once", TOK512.decodePiece(1, ids[1]));
        assertEquals("\n", LLAMA.decodePiece(1, 13)); // <0x0A> is a raw byte piece
        assertArrayEquals(new byte[] {(byte) 0xE2}, LLAMA.pieceBytes(5, 0xE2 + 3));
    }

    @Test
    void assemblesMultiByteCharactersFromSeparateBytePieces() {
        String text = "naïve café — “quotes” … 😀 ✓ 中文";
        int[] ids = TOK512.encode(text, true, false);
        assertTrue(Arrays.stream(ids).filter(id -> id >= 3 && id < 259).count() > 10, "expects byte fallbacks");
        assertEquals(text, TOK512.decode(ids));
        assertEquals(text, LLAMA.decode(LLAMA.encode(text, true, true)));
        // A lone piece of a multi-byte character is not text by itself.
        assertEquals("\uFFFD", TOK512.decodePiece(0, 0xF0 + 3));
    }

    @Test
    void decodeDropsBosAndEosAnywhere() {
        int[] a = LLAMA.encode("Lily", true, true);
        int[] b = LLAMA.encode("Tom", true, true);
        int[] both = new int[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        assertEquals("LilyTom", LLAMA.decode(both));
        assertEquals("", LLAMA.decode(new int[] {1, 2}));
    }

    @Test
    void roundTripsWithAndWithoutBos() {
        for (String s : List.of("", "a", " leading", "trailing ", "  two  spaces  ", "tab\there", "new\nline\n",
                "Ünïcödé ✓ 😀 中文", "\u0000nul", "x\r\ny")) {
            for (Llama2cTokenizer tok : List.of(TOK512, LLAMA)) {
                assertEquals(s, tok.decode(tok.encode(s, true, false)), tok + " " + s);
                // Without BOS the sequence start still reads as after BOS: the dummy prefix goes away too.
                assertEquals(s, tok.decode(tok.encode(s, false, true)), tok + " " + s);
            }
        }
    }

    @Test
    void encodesMalformedUtf8AsRunCDoes() {
        RunCReferenceEncoder ref = RunCReferenceEncoder.of(LLAMA);
        RunCReferenceEncoder ref512 = RunCReferenceEncoder.of(TOK512);
        byte[][] inputs = {
            {(byte) 0x80, (byte) 0x80, 'a'}, // stray continuation bytes
            {'a', (byte) 0x80, (byte) 0x81, (byte) 0x82, (byte) 0x83, 'b'}, // ASCII absorbing continuations
            {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // >4-byte run
            {(byte) 0xE2, (byte) 0x9C}, // truncated code point
            {(byte) 0xFF, (byte) 0xFE, ' ', 'x'},
        };
        for (byte[] in : inputs) {
            assertArrayEquals(ref.encode(in, true, false), LLAMA.encodeUtf8(in, true, false), Arrays.toString(in));
            assertArrayEquals(ref512.encode(in, false, true), TOK512.encodeUtf8(in, false, true), Arrays.toString(in));
        }
    }

    @Test
    void rejectsIdsOutsideTheVocabulary() {
        assertThrows(IllegalArgumentException.class, () -> TOK512.decode(new int[] {512}));
        assertThrows(IllegalArgumentException.class, () -> TOK512.decodePiece(1, -1));
    }

    private static String abbreviate(String s) {
        String oneLine = s.replace("\n", "\\n").replace("\t", "\\t");
        return '"' + (oneLine.length() > 30 ? oneLine.substring(0, 30) + "…" : oneLine) + '"';
    }
}
