package org.prune4j.internal.io.format;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.model.llama.CheckpointFormat;

/**
 * The output formats, by name. A new format is a {@link ModelWriter} and one line in the static block.
 * Formats planned but not written yet are named in {@link #NOT_YET}, so that asking for them is a clear
 * "not supported yet" rather than "unknown".
 */
public final class ModelWriters {
    private static final Map<String, ModelWriter> REGISTRY = new LinkedHashMap<>();
    /** Output path suffix to the planned format it names. */
    private static final Map<String, String> NOT_YET = Map.of(".onnx", "onnx");

    static {
        register(new HfDirectoryWriter());
        register(new Llama2cWriter());
        register(new GgufWriter());
        register(new HfSparseWriter("hf-sparse-bitmask", org.prune4j.internal.io.hf.SparseCompression.SPARSE_BITMASK));
        register(new HfSparseWriter("hf-sparse-24", org.prune4j.internal.io.hf.SparseCompression.SPARSE_24_BITMASK));
        register(new NemotronNasWriter());
    }

    private ModelWriters() {}

    private static void register(ModelWriter w) {
        REGISTRY.put(w.name(), w);
    }

    /** The registered format names. */
    public static java.util.Set<String> names() {
        return java.util.Collections.unmodifiableSet(REGISTRY.keySet());
    }

    /** The writer called {@code name} (case-insensitive). */
    public static ModelWriter byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        ModelWriter w = REGISTRY.get(n);
        if (w == null) {
            if (NOT_YET.containsValue(n)) {
                throw new UserError("--format " + name + ": writing " + n + " is not supported yet (formats: "
                        + String.join(", ", REGISTRY.keySet()) + ")");
            }
            throw new UserError("--format " + name + ": unknown format (" + String.join(", ", REGISTRY.keySet()) + ")");
        }
        return w;
    }

    /** The writer for the format a checkpoint was read in (its default output format). */
    public static ModelWriter of(CheckpointFormat format) {
        return byName(format.name().toLowerCase(Locale.ROOT));
    }

    /**
     * The writer for {@code out}: {@code format} when given; else the format the path names (a
     * {@code .bin} file is llama2.c, an existing model directory is HF); else {@code inputFormat}, the
     * format the model was read in.
     */
    public static ModelWriter forOutput(Path out, String format, CheckpointFormat inputFormat) {
        if (format != null) {
            return byName(format);
        }
        String file = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
        for (Map.Entry<String, String> e : NOT_YET.entrySet()) {
            if (file.endsWith(e.getKey())) {
                throw new UserError("--out " + out + ": writing " + e.getValue() + " is not supported yet (formats: "
                        + String.join(", ", REGISTRY.keySet()) + ")");
            }
        }
        for (ModelWriter w : REGISTRY.values()) {
            if (w.claims(out)) {
                return w;
            }
        }
        return of(inputFormat);
    }
}
