package org.prune4j.internal.io.hf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;

/** Regression tests for hostile Hugging Face config and index files found by fuzzing (issue 14). */
class HfHostileInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void aHugeLayerCountIsCheckedAgainstTheTensorsBeforeAnythingIsSized() throws Exception {
        Path dir = tmp.resolve("m");
        HfFormat.write(TinyCheckpoints.random(TinyCheckpoints.llama(), 3), dir);
        Path config = dir.resolve("config.json");
        ObjectNode root = (ObjectNode) JSON.readTree(config.toFile());
        for (String value : new String[] {"2000000000", "99999999999999999999"}) {
            root.put("num_hidden_layers", new java.math.BigInteger(value));
            Files.writeString(config, root.toString());
            UserError e = assertThrows(UserError.class, () -> HfFormat.read(dir, null));
            assertTrue(e.getMessage().startsWith(config + ": num_hidden_layers is " + value + ", but model.safetensors"
                    + " holds only "), e.getMessage());
        }
        root.put("num_hidden_layers", 2).put("max_position_embeddings", Integer.MAX_VALUE);
        Files.writeString(config, root.toString());
        UserError e = assertThrows(UserError.class, () -> HfFormat.read(dir, null));
        assertTrue(e.getMessage().contains("not supported yet: max_position_embeddings 2147483647"), e.getMessage());
    }

    @Test
    void aShardNameWithANulCharacterIsAOneLineError() throws Exception {
        Path dir = tmp.resolve("sh");
        HfFormat.write(TinyCheckpoints.random(TinyCheckpoints.llama(), 4), dir,
                HfWriteOptions.defaults().withMaxShardBytes(5000));
        Path index = dir.resolve("model.safetensors.index.json");
        ObjectNode root = (ObjectNode) JSON.readTree(index.toFile());
        ObjectNode map = (ObjectNode) root.get("weight_map");
        String first = map.fieldNames().next();
        map.put(first, "model-\u0000-of-2.safetensors");
        Files.writeString(index, root.toString());
        UserError e = assertThrows(UserError.class, () -> HfFormat.read(dir, null));
        assertTrue(e.getMessage().contains("not a file name in the model directory"), e.getMessage());
        assertFalse(e.getMessage().chars().anyMatch(Character::isISOControl), e.getMessage());
    }
}
