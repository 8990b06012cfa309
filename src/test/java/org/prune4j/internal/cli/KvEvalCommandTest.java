package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code prune4j eval --kv …} and {@code generate --kv …} on the bundled stories260K. */
class KvEvalCommandTest {
    private static String ids() throws Exception {
        return Path.of(KvEvalCommandTest.class.getResource("/org/prune4j/models/stories260K/protocol.safetensors").toURI())
                + ":eval_ids";
    }

    @Test
    void reportsPerplexityKvBytesAndSpeedNextToTheFullCache() throws Exception {
        CliRun r = CliRun.of("eval", "--model", "stories260K", "--ids", ids(), "--max-windows", "2", "--kv", "h2o",
                "--kv-budget", "64", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = r.json();
        for (String key : new String[] {"ppl", "kv_bytes", "tokens_per_s", "full_ppl", "full_kv_bytes", "full_tokens_per_s"}) {
            assertTrue(o.get(key).isNumber(), key + " in " + o);
        }
        assertEquals(5L * 4 * 8 * 64 * 2 * 4, o.get("kv_bytes").asLong());
        assertEquals(5L * 4 * 8 * 255 * 2 * 4, o.get("full_kv_bytes").asLong());
        assertTrue(o.get("ppl").asDouble() > o.get("full_ppl").asDouble(), o.toString());

        CliRun plain = CliRun.of("eval", "--model", "stories260K", "--ids", ids(), "--max-windows", "2", "--json");
        assertEquals(plain.json().get("ppl").asDouble(), o.get("full_ppl").asDouble(), 2e-6 * o.get("full_ppl").asDouble());
    }

    @Test
    void sinksStreamPastTheContextWhileOtherPoliciesCannot() throws Exception {
        // 3 rows of 256 ids as one stream of 768 tokens; stories260K's context is 512
        CliRun r = CliRun.of("eval", "--model", "stories260K", "--ids", ids(), "--max-windows", "3", "--seqlen", "256",
                "--kv", "sinks", "--kv-budget", "64", "--stream", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = r.json();
        assertEquals(767, o.get("tokens").asInt());
        assertTrue(o.get("full_ppl").isNull());
        assertTrue(Double.isFinite(o.get("ppl").asDouble()) && o.get("ppl").asDouble() < 20, o.toString());
        CliRun.of("eval", "--model", "stories260K", "--ids", ids(), "--max-windows", "3", "--seqlen", "256", "--kv",
                "window", "--kv-budget", "64", "--stream").assertUserError("only --kv sinks re-assigns positions");
    }

    @Test
    void badKvOptionsAreOneLineErrors() throws Exception {
        CliRun.of("eval", "--model", "stories260K", "--ids", ids(), "--kv", "lru", "--kv-budget", "8")
                .assertUserError("unknown policy 'lru'");
        CliRun.of("eval", "--model", "stories260K", "--ids", ids(), "--kv-budget", "8")
                .assertUserError("--kv-budget needs --kv POLICY");
        CliRun.of("generate", "--model", "stories260K", "--kv", "sinks:sinks=8", "--kv-budget", "8")
                .assertUserError("smaller than the 8 sink tokens plus one");
        CliRun.of("generate", "--model", "stories260K", "--kv", "window:recent=0.5", "--kv-budget", "8")
                .assertUserError("takes no option 'recent'");
    }

    @Test
    void prefillTokenPruningReportsTheContinuationAndPrefillSpeed() throws Exception {
        CliRun r = CliRun.of("eval", "--model", "stories260K", "--ids", ids(), "--max-windows", "2", "--prefill-keep",
                "0.5", "--prompt-tokens", "128", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = r.json();
        for (String key : new String[] {"ppl", "dense_ppl", "prefill_tokens_per_s", "dense_prefill_tokens_per_s"}) {
            assertTrue(o.get(key).isNumber(), key + " in " + o);
        }
        assertEquals("[128,64,32,16,8]", o.get("tokens_per_block").toString());
        CliRun.of("eval", "--model", "stories260K", "--ids", ids(), "--prefill-keep", "1.5")
                .assertUserError("a share must be in (0, 1]");
        CliRun.of("eval", "--model", "stories260K", "--ids", ids(), "--prefill-keep", "0.5,0.5")
                .assertUserError("one share or one per block (5)");
        CliRun.of("eval", "--model", "stories260K", "--ids", ids(), "--prefill-keep", "0.5", "--prompt-tokens", "256")
                .assertUserError("--prompt-tokens 256");
    }
}
