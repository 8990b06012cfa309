package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.io.hf.HfFormat;
import org.prune4j.internal.io.hf.TinyCheckpoints;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaTensorNames;

/** {@code convert --to hf-sparse-bitmask|hf-sparse-24|nemotron-nas} and {@code inspect} of the results, on stories260K. */
class CompressedAndNemotronCommandsTest {
    @TempDir
    Path tmp;

    /** stories260K as an hf directory with every other weight of each block Linear zeroed (so 50% and 2:4). */
    private Path halfZeroStories() {
        Path hf = tmp.resolve("stories-hf");
        assertEquals(0, CliRun.of("convert", "--model", "stories260K", "--to", "hf", "--out", hf.toString()).code());
        LlamaCheckpoint ckpt = HfFormat.read(hf, null);
        Map<String, TensorData> t = new LinkedHashMap<>(ckpt.tensors());
        for (Map.Entry<String, TensorData> e : t.entrySet()) {
            String rest = e.getKey().startsWith(LlamaTensorNames.BLOCKS) ? e.getKey().replaceFirst("^model\\.layers\\.\\d+\\.", "") : "";
            if (LlamaTensorNames.BLOCK_LINEARS.stream().anyMatch(l -> rest.equals(l + ".weight"))) {
                float[] v = e.getValue().toFloats();
                for (int i = 0; i < v.length; i += 2) {
                    v[i] = 0f;
                }
                e.setValue(TensorData.ofFloats(e.getValue().shape(), v));
            }
        }
        Path sparse = tmp.resolve("half-zero");
        HfFormat.write(ckpt.withTensors(t), sparse);
        return sparse;
    }

    @Test
    void compressedLayoutsRoundTripAndInspectShowsTheGain() throws Exception {
        Path dense = halfZeroStories();
        for (String format : new String[] {"hf-sparse-bitmask", "hf-sparse-24"}) {
            Path out = tmp.resolve(format);
            CliRun r = CliRun.of("convert", "--model", dense.toString(), "--to", format, "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            assertNull(TinyCheckpoints.firstDifference(HfFormat.read(dense, null).tensors(), HfFormat.read(out, null).tensors()));
            CliRun inspect = CliRun.of("inspect", "--model", out.toString(), "--json");
            assertEquals(0, inspect.code(), inspect.err());
            JsonNode s = inspect.json().get("compressed_storage");
            assertEquals(format.equals("hf-sparse-24") ? "sparse-24-bitmask" : "sparse-bitmask", s.get("format").asText());
            assertEquals(35, s.get("tensors").size()); // 7 Linear weights in each of 5 blocks
            assertTrue(s.get("stored_bytes").asLong() < s.get("dense_bytes").asLong(), s.toString());
            JsonNode q = s.get("tensors").get(0);
            assertEquals("model.layers.0.self_attn.q_proj.weight", q.get("name").asText());
            assertEquals(64 * 64 * 4, q.get("dense_bytes").asLong());
            // half the values plus a bit per weight (plus 8-byte row offsets for sparse-bitmask) and the shape
            long expected = 64 * 32 * 4 + 64 * 8 + 16 + (format.equals("hf-sparse-bitmask") ? 64 * 8 : 0);
            assertEquals(expected, q.get("stored_bytes").asLong());
            CliRun text = CliRun.of("inspect", "--model", out.toString());
            assertTrue(text.out().contains("runtimes decompress to dense on load"), text.out());
        }
    }

    @Test
    void aDenseModelIsNot24AndNothingIsWritten() {
        Path out = tmp.resolve("s24");
        CliRun r = CliRun.of("convert", "--model", "stories260K", "--to", "hf-sparse-24", "--out", out.toString());
        r.assertUserError("model.layers.0.self_attn.q_proj.weight is not 2:4 sparse");
        assertFalse(Files.exists(out));
    }

    @Test
    void stories260KsMlpWidthCannotBeNemotronNas() {
        // stories260K's MLP is 172 wide; DeciLM widths are multiples of 256, and --round-to cannot exceed 172
        Path out = tmp.resolve("nas");
        CliRun r = CliRun.of("convert", "--model", "stories260K", "--to", "nemotron-nas", "--out", out.toString());
        r.assertUserError("layer 0 has an MLP width of 172, but nemotron-nas widths are multiples of 256");
        assertTrue(r.err().contains("--round-to 256"), r.err());
        assertFalse(Files.exists(out));
    }
}
