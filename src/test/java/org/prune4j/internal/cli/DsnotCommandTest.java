package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code prune --method dsnot}: its options are refused with other methods and where the original would crash. */
class DsnotCommandTest {
    @TempDir
    Path dir;

    @Test
    void dsnotOptionsNeedTheDsnotMethod() {
        Path out = dir.resolve("p.bin");
        CliRun.of("prune", "--model", "stories260K", "--method", "wanda", "--sparsity", "0.5", "--dsnot-init", "magnitude",
                "--out", out.toString()).assertUserError("--dsnot-* options apply to --method dsnot only");
        CliRun.of("prune", "--model", "stories260K", "--method", "dsnot", "--sparsity", "0.5", "--dsnot-init", "sparsegpt",
                "--out", out.toString()).assertUserError("--dsnot-init sparsegpt: unknown initial mask");
        assertFalse(Files.exists(out));
    }

    @Test
    void theOriginalsCrashingCycleLimitIsRefused() {
        Path out = dir.resolve("p.bin");
        CliRun r = CliRun.of("prune", "--model", "stories260K", "--method", "dsnot", "--sparsity", "0.5",
                "--dsnot-max-cycles", "50", "--max-eval-windows", "1", "--out", out.toString());
        assertEquals(Main.EXIT_USER_ERROR, r.code(), r.err());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.startsWith("prune4j: --dsnot-max-cycles 50: on rows of 64 columns the original DSnoT runs off"), last);
        assertFalse(r.err().contains("\tat "), r.err());
        assertFalse(Files.exists(out));
    }
}
