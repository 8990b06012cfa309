package org.prune4j.internal.pipeline.save;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.prune4j.UserError;
import org.prune4j.internal.io.AtomicOutput;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.io.format.ModelWriter;
import org.prune4j.internal.io.format.ModelWriters;
import org.prune4j.internal.io.format.WriteOptions;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaTensorNames;

/**
 * The save stage: the chosen writer for the output, checked before any work is done, and the write
 * itself (a pruned model keeps the input's storage dtype; a llama2.c file gets its tokenizer copied
 * beside it).
 */
public final class OutputTarget {
    private final Path out;
    private final ModelWriter writer;
    private final LlamaCheckpoint input;

    private OutputTarget(Path out, ModelWriter writer, LlamaCheckpoint input) {
        this.out = out;
        this.writer = writer;
        this.input = input;
    }

    /** Resolves and checks where {@code spec} writes a model pruned from {@code input}; null when nothing is written. */
    public static OutputTarget resolve(OutputSpec spec, LlamaCheckpoint input) {
        if (spec.out() == null) {
            if (spec.format() != null) {
                throw new UserError("--format " + spec.format() + ": needs --out");
            }
            return null;
        }
        Path in = input.source() == null ? null : input.source().toAbsolutePath().normalize();
        Path o = spec.out().toAbsolutePath().normalize();
        if (in != null && (in.equals(o) || (Files.isDirectory(in) && o.startsWith(in)))) {
            throw new UserError("--out " + spec.out() + ": is the input model; write the pruned model somewhere else");
        }
        ModelWriter w = ModelWriters.forOutput(spec.out(), spec.format(), input.format());
        OutputTarget t = new OutputTarget(spec.out(), w, input);
        w.checkTarget(spec.out(), t.options());
        return t;
    }

    /** The output path. */
    public Path out() {
        return out;
    }

    /** The writer's format name. */
    public String format() {
        return writer.name();
    }

    private WriteOptions options() {
        TensorData embed = input.tensor(LlamaTensorNames.EMBED);
        DType dtype = embed.dtype().isFloating() ? embed.dtype() : DType.F32;
        return writer.name().equals("llama2c") ? WriteOptions.defaults() : WriteOptions.defaults().withDtype(dtype);
    }

    /** Writes {@code pruned}. */
    public void write(LlamaCheckpoint pruned) {
        writer.write(pruned, out, options());
        if (writer.name().equals("llama2c")) {
            copyTokenizerBeside();
        }
    }

    /** A llama2.c model finds its tokenizer beside it: copy it there unless one is already present. */
    private void copyTokenizerBeside() {
        Path tok = input.tokenizer();
        if (tok == null) {
            return;
        }
        Path target = out.toAbsolutePath().resolveSibling(tok.getFileName());
        if (Files.exists(target) || target.equals(tok.toAbsolutePath())) {
            return;
        }
        try {
            byte[] bytes = Files.readAllBytes(tok);
            AtomicOutput.writeFile(target, o -> o.write(bytes));
        } catch (IOException e) {
            throw new UserError(tok + ": cannot copy the tokenizer beside the output: " + e.getMessage());
        }
    }
}
