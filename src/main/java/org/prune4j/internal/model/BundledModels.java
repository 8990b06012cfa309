package org.prune4j.internal.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.io.AtomicOutput;

/**
 * Models shipped inside prune4j, addressed by name ({@code --model stories260K}). Their files are
 * classpath resources, extracted once to a cache folder so that they can be memory-mapped.
 */
public final class BundledModels {
    private static final String ROOT = "/org/prune4j/models/";
    /** Bundled model name to the files of its folder; the first file is the checkpoint. */
    private static final Map<String, List<String>> MODELS = Map.of(
            "stories260K", List.of("stories260K.bin", "tok512.bin", "PROVENANCE.md", "protocol.safetensors"));

    private BundledModels() {}

    /** Names of the bundled models. */
    public static java.util.Set<String> names() {
        return MODELS.keySet();
    }

    /** True when {@code name} is a bundled model. */
    public static boolean isBundled(String name) {
        return MODELS.containsKey(name);
    }

    /** The extracted checkpoint file of bundled model {@code name}. */
    public static Path checkpoint(String name) {
        List<String> files = MODELS.get(name);
        if (files == null) {
            throw new UserError("no bundled model named '" + name + "' (bundled: " + String.join(", ", names()) + ")");
        }
        Path dir = cacheRoot().resolve(name);
        for (String f : files) {
            Path target = dir.resolve(f);
            try (InputStream in = BundledModels.class.getResourceAsStream(ROOT + name + "/" + f)) {
                if (in == null) {
                    throw new IllegalStateException("bundled resource missing: " + ROOT + name + "/" + f);
                }
                byte[] bytes = in.readAllBytes();
                if (Files.isRegularFile(target) && java.util.Arrays.equals(Files.readAllBytes(target), bytes)) {
                    continue;
                }
                AtomicOutput.writeFile(target, out -> out.write(bytes));
            } catch (IOException e) {
                throw new UserError("cannot extract bundled model " + name + " to " + dir + ": " + e.getMessage());
            }
        }
        return dir.resolve(files.get(0));
    }

    /**
     * The pinned evaluation/calibration protocol of a bundled model ({@code protocol.safetensors}:
     * {@code eval_ids}, {@code calib_ids}, reference perplexities in its metadata).
     */
    public static Path protocol(String name) {
        return checkpoint(name).resolveSibling("protocol.safetensors");
    }

    private static Path cacheRoot() {
        String override = System.getenv("PRUNE4J_CACHE");
        Path base = override != null ? Path.of(override)
                : Path.of(System.getProperty("java.io.tmpdir"), "prune4j-" + System.getProperty("user.name", "user"));
        return base.resolve("bundled");
    }
}
