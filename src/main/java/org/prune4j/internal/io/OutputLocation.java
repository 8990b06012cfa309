package org.prune4j.internal.io;

import java.nio.file.Files;
import java.nio.file.Path;
import org.prune4j.UserError;

/**
 * Checks where an output option points before any work is done, and says what is wrong in the option's
 * own words: a directory that does not exist (prune4j does not create directory trees for an output), a
 * parent that is a file, or a directory that cannot be written.
 */
public final class OutputLocation {
    private OutputLocation() {}

    /** Throws a {@link UserError} naming {@code option} unless {@code out} can be created or replaced. */
    public static void check(String option, Path out) {
        Path abs = out.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null) {
            throw new UserError(option + " " + out + ": is the root directory; name a file or directory inside one");
        }
        if (!Files.exists(parent)) {
            throw new UserError(option + " " + out + ": directory " + parent + " does not exist (create it first;"
                    + " prune4j does not create directory trees for an output)");
        }
        if (!Files.isDirectory(parent)) {
            throw new UserError(option + " " + out + ": " + parent + " is not a directory");
        }
        if (!Files.isWritable(parent)) {
            throw new UserError(option + " " + out + ": directory " + parent + " is not writable");
        }
        if (Files.exists(abs) && !Files.isWritable(abs)) {
            throw new UserError(option + " " + out + ": exists and is not writable");
        }
    }
}
