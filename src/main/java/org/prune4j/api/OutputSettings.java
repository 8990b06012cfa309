package org.prune4j.api;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the pruned model goes (recipe section {@code output}).
 *
 * @param path a llama2.c file or a Hugging Face directory; the JSON report goes beside it
 *     ({@code FILE.report.json}, or {@code prune4j_report.json} inside a directory). {@code null}: the model
 *     is not saved
 * @param format {@code hf} or {@code llama2c}, or {@code null}: the format the path names (a {@code .bin}
 *     file is llama2c), else the input's
 */
public record OutputSettings(String path, String format) {
    /** Lower-cases the format. */
    public OutputSettings {
        format = format == null ? null : format.strip().toLowerCase(Locale.ROOT);
    }

    /** Not saved. */
    public static OutputSettings none() {
        return new OutputSettings(null, null);
    }

    /** Saved to {@code path} in the format the path or the input implies. */
    public static OutputSettings to(Path path) {
        return new OutputSettings(path.toString(), null);
    }
}
