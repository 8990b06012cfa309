package org.prune4j.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scratch folders are never left behind: removed on close, on SIGTERM and SIGINT (shutdown hook), and
 * after a SIGKILL by the next run, which can tell an abandoned folder from one in use.
 */
class ScratchDirectoryTest {
    private static final String PREFIX = ".prune4j-test-";

    @TempDir
    Path parent;

    @Test
    void closeRemovesTheFolder() throws Exception {
        ScratchDirectory d = ScratchDirectory.create(parent, PREFIX);
        Files.write(d.path().resolve("x"), new byte[10]);
        assertTrue(Files.isDirectory(d.path()));
        d.close();
        assertFalse(Files.exists(d.path()));
        d.close(); // twice is harmless
    }

    @Test
    void aFolderInUseIsNotRemovedByAnotherRun() {
        try (ScratchDirectory d = ScratchDirectory.create(parent, PREFIX)) {
            assertEquals(List.of(), ScratchDirectory.removeAbandoned(parent, PREFIX));
            assertTrue(Files.isDirectory(d.path()));
        }
    }

    @Test
    void aFolderWithoutALockFileIsLeftAlone() throws Exception {
        Path foreign = Files.createDirectory(parent.resolve(PREFIX + "foreign"));
        assertEquals(List.of(), ScratchDirectory.removeAbandoned(parent, PREFIX));
        assertTrue(Files.isDirectory(foreign));
    }

    @Test
    void sigtermRemovesTheFolder() throws Exception {
        Child c = Child.start(parent);
        assertTrue(Files.isDirectory(c.scratch));
        c.process.destroy(); // SIGTERM
        assertTrue(c.process.waitFor(60, TimeUnit.SECONDS));
        assertFalse(Files.exists(c.scratch), "scratch folder removed by the shutdown hook");
    }

    @Test
    void sigintRemovesTheFolder() throws Exception {
        // A job started in the background by a non-interactive shell inherits SIGINT as ignored, and the JVM keeps an
        // ignored SIGINT ignored (no shutdown on Ctrl-C exists for it): then there is nothing to test.
        Assumptions.assumeFalse(sigintIgnored(), "SIGINT is ignored in this process (started in the background)");
        Child c = Child.start(parent);
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(c.process.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
        assertTrue(c.process.waitFor(60, TimeUnit.SECONDS));
        assertFalse(Files.exists(c.scratch), "scratch folder removed by the shutdown hook");
    }

    @Test
    void afterSigkillTheNextRunRemovesTheAbandonedFolder() throws Exception {
        Child c = Child.start(parent);
        assertEquals(List.of(), ScratchDirectory.removeAbandoned(parent, PREFIX), "a live owner keeps its folder");
        c.process.destroyForcibly(); // SIGKILL: no hook runs
        assertTrue(c.process.waitFor(60, TimeUnit.SECONDS));
        assertTrue(Files.isDirectory(c.scratch), "SIGKILL leaves the folder");
        try (ScratchDirectory next = ScratchDirectory.create(parent, PREFIX)) {
            assertFalse(Files.exists(c.scratch), "the next run removed the abandoned folder");
            assertTrue(Files.isDirectory(next.path()));
        }
    }

    /** Whether this process ignores SIGINT (bit 1 of {@code SigIgn} in /proc/self/status); false where unknown. */
    private static boolean sigintIgnored() throws java.io.IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0x2L) != 0;
            }
        }
        return false;
    }

    /** A JVM that holds a scratch folder until killed. */
    private record Child(Process process, Path scratch) {
        static Child start(Path parent) throws Exception {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    ScratchHolder.class.getName(), parent.toString(), PREFIX).redirectErrorStream(true).start();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.trim().startsWith(parent.toString())) {
                    return new Child(p, Path.of(line.trim()));
                }
            }
            throw new IllegalStateException("child exited without a scratch folder");
        }
    }
}
