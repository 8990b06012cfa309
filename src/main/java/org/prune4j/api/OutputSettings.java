package org.prune4j.api;

import java.nio.file.Path;

/**
 * Where the pruned model goes (recipe section {@code output}).
 *
 * @param path a llama2.c file or a Hugging Face directory, in the input's format; the JSON report goes
 *     beside it ({@code FILE.report.json}, or {@code prune4j_report.json} inside a directory).
 *     {@code null}: the model is not saved
 */
public record OutputSettings(String path) {
    /** Not saved. */
    public static OutputSettings none() {
        return new OutputSettings(null);
    }

    /** Saved to {@code path}. */
    public static OutputSettings to(Path path) {
        return new OutputSettings(path.toString());
    }
}
