package org.prune4j.internal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.internal.io.gguf.GgmlType;
import org.prune4j.internal.io.gguf.GgufFormat;
import org.prune4j.internal.io.gguf.GgufWriteResult;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import picocli.CommandLine.Model.CommandSpec;

/** {@code prune4j convert --to gguf}: a Llama-family checkpoint as a GGUF file for llama.cpp. */
record GgufConversion(String model, Path out, String dtype, Path tokenizer, boolean json) {

    int run(CommandSpec spec) throws IOException {
        GgmlType requested = dtype == null ? null : GgmlType.parse("--dtype", dtype);
        LlamaCheckpoint ckpt = ModelLocator.loadLlama(model, tokenizer);
        ConvertCommand.checkDistinct(ckpt.source(), out);
        GgmlType type = requested != null ? requested : GgufFormat.storageTypeOf(ckpt);
        GgufWriteResult r = GgufFormat.write(ckpt, out, type);
        long bytes = Files.size(out);
        if (!r.fallbackToF16().isEmpty()) {
            spec.commandLine().getErr().println("prune4j: note: " + r.fallbackToF16().size() + " matrices stored as f16: their rows are"
                    + " not whole q8_0 blocks of 32 (" + String.join(", ", r.fallbackToF16().subList(0, Math.min(3, r.fallbackToF16().size())))
                    + (r.fallbackToF16().size() > 3 ? ", ..." : "") + ")");
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("recipe", RecipeOption.tree(spec, "convert"));
            m.put("model", model);
            m.put("source", ckpt.source().toString());
            m.put("format", "gguf");
            m.put("out", out.toString());
            m.put("dtype", type.name().toLowerCase(java.util.Locale.ROOT));
            m.put("architecture", r.architecture());
            m.put("tensors", r.tensors());
            m.put("f16_fallback", r.fallbackToF16());
            m.put("bytes", bytes);
            spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(m));
        } else {
            spec.commandLine().getOut().println("wrote " + out + " (gguf, " + r.architecture() + ", " + type.name().toLowerCase(java.util.Locale.ROOT)
                    + ", " + r.tensors() + " tensors, " + bytes + " bytes)");
        }
        return 0;
    }
}
