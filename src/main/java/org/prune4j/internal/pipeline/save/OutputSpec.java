package org.prune4j.internal.pipeline.save;

import java.nio.file.Path;

/**
 * Where and how a job writes the pruned model.
 *
 * @param out the output path, or {@code null} to write nothing (the report is then only returned)
 * @param format output format name ({@code hf}, {@code llama2c}), or {@code null}: the one the path
 *     names, else the input's (see {@link org.prune4j.internal.io.format.ModelWriters#forOutput})
 */
public record OutputSpec(Path out, String format) {
    /** Nothing written. */
    public static final OutputSpec NONE = new OutputSpec(null, null);

    /** Written to {@code out} in the format its path or the input implies. */
    public static OutputSpec to(Path out) {
        return new OutputSpec(out, null);
    }
}
