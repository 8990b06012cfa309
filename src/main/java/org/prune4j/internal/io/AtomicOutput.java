package org.prune4j.internal.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.prune4j.UserError;

/**
 * Writes outputs through a temporary sibling that is renamed into place only when complete, so that a
 * crash or an error never leaves a half-written file looking finished, and an existing output is
 * replaced in one step.
 */
public final class AtomicOutput {
    private AtomicOutput() {}

    /** Something that writes into an output stream. */
    @FunctionalInterface
    public interface StreamWriter {
        void write(OutputStream out) throws IOException;
    }

    /** Something that fills a (temporary) directory. */
    @FunctionalInterface
    public interface DirectoryWriter {
        void write(Path dir) throws IOException;
    }

    /** Writes a file atomically. */
    public static void writeFile(Path target, StreamWriter writer) {
        Path dir = parentOf(target);
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                writer.write(out);
            }
            publishPermissions(tmp, false);
            move(tmp, target);
            tmp = null;
        } catch (IOException e) {
            throw new UserError(target + ": cannot write: " + e.getMessage());
        } finally {
            deleteRecursively(tmp);
        }
    }

    /**
     * Temporary files are created private (0600/0700); outputs get the usual {@code rw-r--r--} /
     * {@code rwxr-xr-x} before they are renamed into place (no-op on non-POSIX file systems).
     */
    private static void publishPermissions(Path p, boolean directory) throws IOException {
        try {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(
                    directory ? "rwxr-xr-x" : "rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the defaults
        }
    }

    /** Writes a text file atomically. */
    public static void writeString(Path target, String text) {
        writeFile(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * Builds a directory atomically: {@code writer} fills a temporary sibling directory, which then
     * replaces {@code target}. An existing directory at {@code target} is first renamed aside to a hidden
     * sibling and removed only after the new one is in place; if the final rename fails it is renamed
     * back, so the previous output survives any failure. POSIX offers no atomic swap of two directories:
     * a process killed between the two renames leaves the old output under its hidden name, and the next
     * write to {@code target} puts it back first ({@link #restoreAbandoned}).
     */
    public static void writeDirectory(Path target, DirectoryWriter writer) {
        writeDirectory(target, writer, (from, to) -> Files.move(from, to, StandardCopyOption.ATOMIC_MOVE));
    }

    /** How a directory is renamed; tests pass one that fails. */
    @FunctionalInterface
    interface Renamer {
        void move(Path from, Path to) throws IOException;
    }

    static void writeDirectory(Path target, DirectoryWriter writer, Renamer renamer) {
        Path parent = parentOf(target);
        Path tmp = null;
        Path old = null;
        try {
            Files.createDirectories(parent);
            restoreAbandoned(target);
            tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".");
            writer.write(tmp);
            publishPermissions(tmp, true);
            if (Files.exists(target)) {
                old = Files.createTempDirectory(parent, "." + target.getFileName() + OLD_MARK);
                Files.delete(old);
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            try {
                renamer.move(tmp, target);
            } catch (IOException e) {
                if (old != null) {
                    Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
                    old = null;
                }
                throw e;
            }
            tmp = null;
        } catch (IOException e) {
            throw new UserError(target + ": cannot write: " + e.getMessage());
        } finally {
            deleteRecursively(tmp);
            deleteRecursively(old);
        }
    }

    private static final String OLD_MARK = ".old.";

    /**
     * When {@code target} is missing but a previous output renamed aside by {@link #writeDirectory} is
     * still there (the writer was killed between its two renames), renames the newest such one back.
     */
    static void restoreAbandoned(Path target) throws IOException {
        if (Files.exists(target)) {
            return;
        }
        Path parent = parentOf(target);
        String prefix = "." + target.getFileName() + OLD_MARK;
        Path newest = null;
        try (Stream<Path> s = Files.list(parent)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p)).toList()) {
                if (newest == null || Files.getLastModifiedTime(p).compareTo(Files.getLastModifiedTime(newest)) > 0) {
                    newest = p;
                }
            }
        }
        if (newest != null) {
            Files.move(newest, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static Path parentOf(Path target) {
        Path abs = target.toAbsolutePath();
        return abs.getParent() == null ? abs : abs.getParent();
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes a file or directory tree if present; ignores {@code null}. */
    static void deleteRecursively(Path p) {
        if (p == null || !Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> {
                try {
                    Files.deleteIfExists(x);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort cleanup of a temporary
        }
    }
}
