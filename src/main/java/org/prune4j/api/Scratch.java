package org.prune4j.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deletes the scratch folders the API creates. */
final class Scratch {
    private Scratch() {}

    /** Deletes {@code dir} and everything under it; a file that cannot be deleted is left behind. */
    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // scratch under java.io.tmpdir: what cannot be deleted now is the system's to clean
        }
    }
}
