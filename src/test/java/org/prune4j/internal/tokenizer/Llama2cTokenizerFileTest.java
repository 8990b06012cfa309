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
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;

/** Reading llama2.c tokenizer files: vocabulary size from the model or from the file, and every kind of damage. */
class Llama2cTokenizerFileTest {
    @TempDir
    Path dir;

    private static byte[] tok512Bytes() throws IOException {
        return Files.readAllBytes(TokenizerFixtures.path(TokenizerFixtures.TOK512));
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static UserError fails(Path p, int vocabSize) {
        UserError e = assertThrows(UserError.class,
                () -> { if (vocabSize == 0) Llama2cTokenizer.load(p); else Llama2cTokenizer.load(p, vocabSize); });
        assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    @Test
    void vocabularySizeFromTheModelOrUntilTheEnd() {
        Path p = TokenizerFixtures.path(TokenizerFixtures.TOK512);
        assertEquals(512, Llama2cTokenizer.load(p).vocabSize());
        assertEquals(512, Llama2cTokenizer.load(p, 512).vocabSize());
        assertTrue(fails(p, 600).getMessage().contains("holds only 512 tokens but the model's vocab_size is 600"));
        assertTrue(fails(p, 300).getMessage().contains("holds more than 300 tokens"));
        assertThrows(IllegalArgumentException.class, () -> Llama2cTokenizer.load(p, -5));
    }

    @Test
    void truncatedRecordsAreReported() throws IOException {
        byte[] full = tok512Bytes();
        // Cut inside the last token's bytes, inside its length field, and right after the header.
        Path inBytes = write("a.bin", Arrays.copyOf(full, full.length - 2));
        assertTrue(fails(inBytes, 0).getMessage().contains("truncated: token 511"), fails(inBytes, 0).getMessage());
        Path inLength = write("b.bin", Arrays.copyOf(full, full.length - 8));
        assertTrue(fails(inLength, 0).getMessage().contains("truncated: token 511"));
        Path headerOnly = write("c.bin", Arrays.copyOf(full, 4));
        assertTrue(fails(headerOnly, 0).getMessage().contains("only 0 tokens"));
        Path shortHeader = write("d.bin", new byte[] {7, 0});
        assertTrue(fails(shortHeader, 0).getMessage().contains("shorter than the 4-byte header"));
        Path empty = write("e.bin", new byte[0]);
        assertTrue(fails(empty, 0).getMessage().contains("empty file"));
        assertEquals(dir.resolve("none.bin") + ": no such file", fails(dir.resolve("none.bin"), 512).getMessage());
    }

    @Test
    void corruptLengthsAndHeadersAreReported() throws IOException {
        byte[] full = tok512Bytes();
        byte[] negative = full.clone();
        System.arraycopy(Llama2cTokenizerFileWriter.le(-3), 0, negative, 4 + 4, 4); // token 0's length
        assertTrue(fails(write("neg.bin", negative), 0).getMessage().contains("token 0 at byte 4 has negative length -3"));
        byte[] tooLong = full.clone();
        System.arraycopy(Llama2cTokenizerFileWriter.le(100), 0, tooLong, 4 + 4, 4);
        assertTrue(fails(write("long.bin", tooLong), 0).getMessage().contains("more than the header's max_token_length 7"));
        Path json = write("tok.bin", "{\"model\": {}}".getBytes(StandardCharsets.UTF_8));
        assertTrue(fails(json, 0).getMessage().contains("implausible max_token_length"));
        Path trailing = write("trail.bin", Arrays.copyOf(full, full.length + 3));
        assertTrue(fails(trailing, 512).getMessage().contains("3 bytes left over"));
        assertTrue(fails(trailing, 0).getMessage().contains("truncated: token 512"));
    }

    @Test
    void aVocabularyWithoutTheDummyPrefixCanDecodeButNotEncode() throws IOException {
        List<byte[]> pieces = Llama2cTokenizerFileWriter.basePieces();
        pieces.add("ab".getBytes(StandardCharsets.UTF_8));
        float[] scores = new float[pieces.size()];
        Path p = Llama2cTokenizerFileWriter.write(dir.resolve("nospace.bin"), 6, pieces, scores);
        Llama2cTokenizer tok = Llama2cTokenizer.load(p);
        assertEquals("ab", tok.decode(new int[] {1, 259}));
        assertArrayEquals(new int[] {1}, tok.encode("", true, false));
        UserError e = assertThrows(UserError.class, () -> tok.encode("ab", true, false));
        assertTrue(e.getMessage().startsWith(p + ": has no \" \" token"), e.getMessage());
    }
}
