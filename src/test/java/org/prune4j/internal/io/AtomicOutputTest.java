package org.prune4j.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;

/** The previous output survives every failure of {@link AtomicOutput} (issue 14). */
class AtomicOutputTest {
    @TempDir
    Path dir;

    private Path oldOutput() throws IOException {
        Path target = dir.resolve("out");
        AtomicOutput.writeDirectory(target, d -> Files.writeString(d.resolve("a.txt"), "old"));
        return target;
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFailedFinalRenamePutsThePreviousOutputBack() throws IOException {
        Path target = oldOutput();
        AtomicOutput.Renamer failing = (from, to) -> {
            if (from.getFileName().toString().startsWith(".out.") && !from.getFileName().toString().contains(".old.")) {
                throw new IOException("simulated rename failure");
            }
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        };
        UserError e = assertThrows(UserError.class, () -> AtomicOutput.writeDirectory(target,
                d -> Files.writeString(d.resolve("a.txt"), "new"), failing));
        assertTrue(e.getMessage().contains("simulated rename failure"), e.getMessage());
        assertEquals("old", Files.readString(target.resolve("a.txt")));
        assertEquals(List.of("out"), names(), "no temporaries left behind");
    }

    @Test
    void aFailingWriterLeavesThePreviousOutputUntouched() throws IOException {
        Path target = oldOutput();
        assertThrows(UserError.class, () -> AtomicOutput.writeDirectory(target, d -> {
            Files.writeString(d.resolve("a.txt"), "half");
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(target.resolve("a.txt")));
        assertEquals(List.of("out"), names());
    }

    @Test
    void anOutputAbandonedBetweenTheTwoRenamesIsRestoredByTheNextWrite() throws IOException {
        Path target = oldOutput();
        // what a kill -9 between "old aside" and "new in place" leaves
        Files.move(target, dir.resolve(".out.old.12345"), StandardCopyOption.ATOMIC_MOVE);
        assertThrows(UserError.class, () -> AtomicOutput.writeDirectory(target, d -> {
            throw new IOException("fails before finishing");
        }));
        assertEquals("old", Files.readString(target.resolve("a.txt")));
        assertEquals(List.of("out"), names());
    }

    @Test
    void outputOptionsAreCheckedInTheirOwnWords() throws IOException {
        UserError missing = assertThrows(UserError.class,
                () -> OutputLocation.check("--out", dir.resolve("nonexistent-dir/x.bin")));
        assertEquals("--out " + dir.resolve("nonexistent-dir/x.bin") + ": directory " + dir.resolve("nonexistent-dir")
                + " does not exist (create it first; prune4j does not create directory trees for an output)",
                missing.getMessage());
        assertFalse(Files.exists(dir.resolve("nonexistent-dir")));
        Path file = Files.writeString(dir.resolve("f"), "x");
        UserError notDir = assertThrows(UserError.class, () -> OutputLocation.check("--out", file.resolve("x.bin")));
        assertTrue(notDir.getMessage().endsWith(file + " is not a directory"), notDir.getMessage());
        OutputLocation.check("--out", dir.resolve("fine.bin"));
    }
}
