package org.prune4j.internal.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;

/** {@link Tokenizers#load}: picking the implementation by file, and user errors for bad paths. */
class TokenizersTest {
    @TempDir
    Path dir;

    private static String failure(Path p, int vocabSize) {
        UserError e = assertThrows(UserError.class, () -> Tokenizers.load(p, vocabSize));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        return e.getMessage();
    }

    @Test
    void picksTheImplementationByFileName() throws Exception {
        Tokenizer bin = Tokenizers.load(TokenizerFixtures.path(TokenizerFixtures.TOK512), 512);
        assertInstanceOf(Llama2cTokenizer.class, bin);
        assertArrayEquals(new int[] {1, 403, 407, 261, 378}, bin.encode("Once upon a time", true, false));
        assertEquals(32000, Tokenizers.load(TokenizerFixtures.path(TokenizerFixtures.TOKENIZER_BIN),
                Tokenizers.VOCAB_FROM_FILE).vocabSize());
        Tokenizer json = Tokenizers.load(TokenizerFixtures.path(TokenizerFixtures.TINY_BPE_JSON), 32);
        assertInstanceOf(HfTokenizer.class, json);
        assertArrayEquals(new int[] {1, 15, 12}, json.encode("the cat", true, false));
        ((AutoCloseable) json).close();
    }

    @Test
    void aFolderIsSearchedForATokenizerFile() throws IOException {
        Files.copy(TokenizerFixtures.path(TokenizerFixtures.TOK512), dir.resolve("tokenizer.bin"));
        assertInstanceOf(Llama2cTokenizer.class, Tokenizers.load(dir, 512));
        Files.copy(TokenizerFixtures.path(TokenizerFixtures.TINY_BPE_JSON), dir.resolve("tokenizer.json"));
        try (HfTokenizer hf = (HfTokenizer) Tokenizers.load(dir, 16)) {
            assertEquals(16, hf.vocabSize());
        }
        Path emptyDir = Files.createDirectory(dir.resolve("empty"));
        assertTrue(failure(emptyDir, 0).contains("neither tokenizer.json nor tokenizer.bin"));
    }

    @Test
    void missingEmptyCorruptAndMismatchedFilesAreUserErrors() throws IOException {
        assertEquals(dir.resolve("missing.bin") + ": no such file", failure(dir.resolve("missing.bin"), 512));
        assertEquals(dir.resolve("missing.json") + ": no such file", failure(dir.resolve("missing.json"), 0));
        Path empty = Files.createFile(dir.resolve("tokenizer.json"));
        assertTrue(failure(empty, 0).contains("empty file"));
        Path corrupt = Files.writeString(dir.resolve("tok.bin"), "garbage that is no tokenizer");
        assertTrue(failure(corrupt, 0).contains("not a llama2.c tokenizer"));
        Path corruptJson = Files.writeString(dir.resolve("bad.json"), "[1, 2");
        assertTrue(failure(corruptJson, 0).contains("not valid JSON"));
        assertTrue(failure(TokenizerFixtures.path(TokenizerFixtures.TOKENIZER_BIN), 512).contains("another model"));
        assertTrue(failure(TokenizerFixtures.path(TokenizerFixtures.TINY_BPE_JSON), 8).contains("16 tokens, more than"));
        Path sentencePiece = Files.writeString(dir.resolve("tokenizer.model"), "\n\u0005<unk>");
        assertTrue(failure(sentencePiece, 0).contains("not supported yet"));
    }
}
