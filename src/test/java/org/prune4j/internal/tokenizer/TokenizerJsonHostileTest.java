package org.prune4j.internal.tokenizer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;

/**
 * Regression tests for tokenizer.json files that crashed the JVM or leaked raw native exceptions (issue
 * 14). Each is refused in Java before the native library sees it; a regression here would abort the
 * test JVM, which is what the test is for.
 */
class TokenizerJsonHostileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private ObjectNode fixture() throws Exception {
        return (ObjectNode) JSON.readTree(TokenizerFixtures.path(TokenizerFixtures.TINY_BPE_JSON).toFile());
    }

    private String fails(ObjectNode root) throws Exception {
        Path f = Files.writeString(Files.createTempFile(dir, "tok", ".json"), root.toString());
        String m = assertThrows(UserError.class, () -> HfTokenizer.load(f)).getMessage();
        assertTrue(m.startsWith(f.toString()), m);
        return m;
    }

    @Test
    void aDecoderNestedBeyondTheNativeRecursionLimitIsRefused() throws Exception {
        ObjectNode root = fixture();
        ObjectNode inner = JSON.createObjectNode().put("type", "Fuse");
        for (int i = 0; i < 200; i++) {
            ObjectNode seq = JSON.createObjectNode().put("type", "Sequence");
            seq.putArray("decoders").add(inner);
            inner = seq;
        }
        root.set("decoder", inner);
        assertTrue(fails(root).contains("JSON nested deeper than 64 levels"));
    }

    @Test
    void aVocabularyWithoutItsUnknownTokenIsRefused() throws Exception {
        ObjectNode root = fixture();
        ((ObjectNode) root.get("model")).put("unk_token", "<missing>");
        assertTrue(fails(root).contains("the unknown token \"<missing>\" is not in model.vocab"));
    }

    @Test
    void anAddedTokenWithAHugeIdIsRefusedNotOverflowed() throws Exception {
        ObjectNode root = fixture();
        ((ArrayNode) root.get("added_tokens")).addObject().put("id", Integer.MAX_VALUE).put("content", "<big>")
                .put("special", true);
        assertTrue(fails(root).contains("has id 2147483647; not supported yet: token ids of 16777216 and above"));
    }

    @Test
    void unknownModelTypesAndMergesOutsideTheVocabularyAreRefused() throws Exception {
        ObjectNode root = fixture();
        ((ObjectNode) root.get("model")).put("type", "Evil\u0007");
        String m = fails(root);
        assertTrue(m.contains("model type \"Evil?\" is not one of"), m);
        ObjectNode merges = fixture();
        ((ArrayNode) merges.get("model").get("merges")).add("zz qq");
        assertTrue(fails(merges).contains("merges \"zz\" and \"qq\", but the vocabulary lacks one of them"));
    }
}
