package org.prune4j.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.prune4j.UserError;

/**
 * A hidden scratch folder (e.g. spilled blocks beside {@code --out}) that is never left behind: it is
 * deleted on {@link #close}, by a shutdown hook when the JVM exits otherwise (SIGINT, SIGTERM,
 * {@code System.exit}), and, after a SIGKILL, by the next run: each folder holds a lock file locked by its
 * owner for as long as the owner lives (the operating system releases the lock when the process dies),
 * so a folder whose lock can be taken is provably abandoned.
 */
public final class ScratchDirectory implements AutoCloseable {
    /** The lock file inside every scratch folder; it also records the owner's process id. */
    static final String LOCK_FILE = "owner.lock";

    private final Path path;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Thread hook;
    private boolean closed;

    private ScratchDirectory(Path path, FileChannel lockChannel, FileLock lock) {
        this.path = path;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.hook = new Thread(() -> deleteTree(path), "prune4j-scratch-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Creates a scratch folder {@code parent/<prefix><random>}, after removing the abandoned folders with
     * that prefix in {@code parent}.
     */
    public static ScratchDirectory create(Path parent, String prefix) {
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UserError(parent + ": cannot create a scratch folder there: " + e.getMessage());
        }
        removeAbandoned(parent, prefix);
        Path dir;
        try {
            dir = Files.createTempDirectory(parent, prefix);
        } catch (IOException e) {
            throw new UserError(parent + ": cannot create a scratch folder there: " + e.getMessage());
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            FileLock lock = ch.lock();
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            return new ScratchDirectory(dir, ch, lock);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            deleteTree(dir);
            throw new UserError(parent + ": cannot lock a scratch folder there: " + e.getMessage());
        }
    }

    /**
     * Deletes the folders {@code parent/<prefix>*} whose owner is gone (their lock file can be locked).
     * Folders without a lock file, or locked by a live process (this one included), are left alone.
     *
     * @return the folders deleted
     */
    public static List<Path> removeAbandoned(Path parent, String prefix) {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(parent)) {
            return removed;
        }
        List<Path> candidates;
        try (var s = Files.list(parent)) {
            candidates = s.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p)).toList();
        } catch (IOException e) {
            return removed;
        }
        for (Path dir : candidates) {
            if (isAbandoned(dir)) {
                deleteTree(dir);
                removed.add(dir);
            }
        }
        return removed;
    }

    private static boolean isAbandoned(Path dir) {
        Path lockFile = dir.resolve(LOCK_FILE);
        if (!Files.isRegularFile(lockFile)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return false;
            }
            l.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // this JVM owns it
        } catch (IOException e) {
            return false;
        }
    }

    /** The folder. */
    public Path path() {
        return path;
    }

    /** Deletes the folder and everything in it. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        deleteTree(path);
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // the folder is gone; the lock dies with the channel
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it finds nothing left
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // best effort: an abandoned folder is removed by the next run
        }
    }
}
