package org.prune4j.internal.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.prune4j.internal.io.SafetensorsFile;

/**
 * The bundled TinyStories text (~800 KB) through both vocabularies: whole-text round trips, agreement
 * with the slow run.c loop on a prefix, and the reference's run.c token streams (eval and calibration ids
 * of stories260K.safetensors, 16384 + 32768 tokens) rebuilt from the text.
 */
class Llama2cTokenizerTinyStoriesTest {
    private static final String TEXT = TokenizerFixtures.text(TokenizerFixtures.TINYSTORIES);

    @Test
    void wholeTextRoundTripsAndItsStartMatchesTheRunCLoop() {
        Llama2cTokenizer llama = Llama2cTokenizer.load(TokenizerFixtures.path(TokenizerFixtures.TOKENIZER_BIN), 32000);
        assertTrue(TEXT.length() > 790_000, "fixture text length " + TEXT.length());
        int[] ids = llama.encode(TEXT, true, false);
        assertTrue(ids.length > 150_000 && ids.length < TEXT.length() / 2, "token count " + ids.length);
        assertEquals(TEXT, llama.decode(ids));

        // The slow loop on the first ~3000 characters, cut after a newline. A newline is the byte token
        // <0x0A>, whose text "<0x0A>" starts no merge, so no merge crosses the cut: the whole-text ids start
        // with exactly the prefix's ids.
        String prefix = TEXT.substring(0, TEXT.indexOf('\n', 3000) + 1);
        int[] slow = RunCReferenceEncoder.of(llama).encode(prefix, true, false);
        assertArrayEquals(slow, llama.encode(prefix, true, false));
        assertTrue(slow.length > 500);
        assertArrayEquals(slow, Arrays.copyOf(ids, slow.length));
    }

    @Test
    void wholeTextRoundTripsWithTok512() {
        Llama2cTokenizer tok512 = Llama2cTokenizer.load(TokenizerFixtures.path(TokenizerFixtures.TOK512));
        int[] ids = tok512.encode(TEXT, true, true);
        assertEquals(TEXT, tok512.decode(ids));
        assertTrue(IntStream.of(ids).allMatch(id -> id >= 0 && id < 512));
    }

    /** eval_ids = first 64×256 tokens of the stream of chunks 0..53, each encoded with BOS by run.c. */
    @Test
    void rebuildsTheReferenceEvalAndCalibrationTokenStreams() {
        Llama2cTokenizer tok512 = Llama2cTokenizer.load(TokenizerFixtures.path(TokenizerFixtures.TOK512), 512);
        List<String> chunks = TokenizerFixtures.tinyStoriesChunks();
        int[] evalStream = stream(tok512, chunks.subList(0, 54));
        int[] calibStream = stream(tok512, chunks.subList(54, 213));
        try (SafetensorsFile ref = SafetensorsFile.open(TokenizerFixtures.path(TokenizerFixtures.REFERENCE_MODEL))) {
            int[] evalIds = ref.get("eval_ids").toInts();
            assertEquals(64 * 256, evalIds.length);
            assertArrayEquals(evalIds, Arrays.copyOf(evalStream, evalIds.length));

            assertEquals(147_306, calibStream.length);
            int[] calibIds = ref.get("calib_ids").toInts();
            int[] starts = ref.get("calib_stream_starts").toInts();
            assertEquals(128, starts.length);
            for (int w = 0; w < starts.length; w++) {
                assertArrayEquals(Arrays.copyOfRange(calibIds, w * 256, (w + 1) * 256),
                        Arrays.copyOfRange(calibStream, starts[w], starts[w] + 256), "calibration window " + w);
            }
        }
    }

    private static int[] stream(Tokenizer tok, List<String> chunks) {
        return chunks.stream().flatMapToInt(c -> IntStream.of(tok.encode(c, true, false))).toArray();
    }
}
