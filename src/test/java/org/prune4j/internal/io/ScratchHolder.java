package org.prune4j.internal.io;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A child process for {@link ScratchDirectoryTest}: creates a scratch folder under {@code args[0]} with a
 * file in it, prints the folder's path, and waits to be killed.
 */
public final class ScratchHolder {
    private ScratchHolder() {}

    public static void main(String[] args) throws Exception {
        ScratchDirectory dir = ScratchDirectory.create(Path.of(args[0]), args[1]);
        Files.write(dir.path().resolve("block-0.safetensors"), new byte[4096]);
        System.out.println(dir.path());
        System.out.flush();
        Thread.sleep(120_000);
        dir.close();
    }
}
