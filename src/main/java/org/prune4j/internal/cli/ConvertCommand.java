package org.prune4j.internal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.prune4j.UserError;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.io.format.ModelWriters;
import org.prune4j.internal.io.format.WriteOptions;
import org.prune4j.internal.io.hf.HfFormat;
import org.prune4j.internal.io.hf.HfWriteOptions;
import org.prune4j.internal.io.llama2c.Llama2cFormat;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code prune4j convert}: rewrites a Llama-family checkpoint in another format (Hugging Face directory,
 * llama2.c file, GGUF or ONNX) and/or storage dtype; with {@code --arch}, exports a vision checkpoint to ONNX. Tensors are carried over exactly (q/k rows permuted between
 * the rotary layouts); the input is never modified and the output appears only when complete.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a Llama-family checkpoint between Hugging Face, llama2.c and GGUF formats, or export it (or a vision checkpoint with --arch) to ONNX.")
final class ConvertCommand implements Callable<Integer> {
    /** Hugging Face directory layouts written through {@link ModelWriters}: compressed sparse weights, DeciLM blocks. */
    private static final java.util.List<String> HF_LAYOUTS = java.util.List.of("hf-sparse-bitmask", "hf-sparse-24",
            "nemotron-nas");
    private static final Pattern BYTE_SIZE = Pattern.compile("(\\d+)\\s*([kmgt]i?b?|b)?", Pattern.CASE_INSENSITIVE);

    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "Model: a bundled name (stories260K), a llama2.c file or a Hugging Face directory; with --arch a vision checkpoint (.th/.pt or .safetensors).")
    String model;

    @Option(names = "--to", required = true, paramLabel = "FORMAT", description = "Output format: hf, llama2c, gguf, onnx, or hf-sparse-bitmask / hf-sparse-24 (hf with the blocks' Linear weights "
                    + "in the compressed-tensors sparse-bitmask / sparse-24-bitmask layout; saves disk, not time), "
                    + "nemotron-nas (hf in the DeciLM block_configs layout, for models whose blocks differ).")
    String to;

    @Option(names = "--out", required = true, paramLabel = "PATH",
            description = "Output directory (hf, hf-sparse-*, nemotron-nas) or file (llama2c, gguf, onnx); must differ from the input.")
    Path out;

    @Option(names = "--dtype", paramLabel = "TYPE",
            description = "Storage dtype: f32, f16 or bf16; for gguf also q8_0; for onnx f32 (default) or f16 weights (default: keep; llama2.c is always f32).")
    String dtype;

    @Option(names = "--tokenizer", paramLabel = "PATH",
            description = "Tokenizer to carry into an hf output instead of the one found beside the model.")
    Path tokenizer;

    @Option(names = "--max-shard-size", paramLabel = "SIZE", defaultValue = "5GB",
            description = "Largest safetensors file of an hf output before sharding, e.g. 5GB, 500MB, 2GiB (default: ${DEFAULT-VALUE}).")
    String maxShardSize;

    @Option(names = "--arch", paramLabel = "NAME",
            description = "With --to onnx: the vision architecture of the --model checkpoint (e.g. resnet20).")
    String arch;

    @Option(names = "--kv-cache",
            description = "With --to onnx (Llama family): add past_key_values.*/present.* cache inputs and outputs, attention_mask and position_ids.")
    boolean kvCache;

    @Option(names = "--json", description = "Print one JSON object describing the result.")
    boolean json;

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    RecipeOption recipe = new RecipeOption();

    @Override
    public Integer call() throws IOException {
        if (recipe.printed(spec, "convert")) {
            return 0;
        }
        String format = to.toLowerCase(Locale.ROOT);
        if (format.equals("onnx")) {
            refuse("--tokenizer", tokenizer != null, "onnx");
            refuse("--max-shard-size", spec.commandLine().getParseResult().hasMatchedOption("--max-shard-size"), "onnx");
            return new OnnxConversion(model, arch, out, dtype, kvCache, json).run(spec);
        }
        refuse("--arch", arch != null, format);
        refuse("--kv-cache", kvCache, format);
        if (format.equals("gguf")) {
            return new GgufConversion(model, out, dtype, tokenizer, json).run(spec);
        }
        boolean hfLayout = HF_LAYOUTS.contains(format);
        if (!format.equals("hf") && !format.equals("llama2c") && !hfLayout) {
            throw new UserError("--to: unknown format '" + to + "' (expected hf, llama2c, gguf, onnx, " + String.join(", ", HF_LAYOUTS) + ")");
        }
        org.prune4j.internal.io.OutputLocation.check("--out", out);
        DType storage = dtype == null ? null : parseDtype(dtype);
        long shardBytes = parseByteSize(maxShardSize);
        if (format.equals("llama2c") && storage != null && storage != DType.F32) {
            throw new UserError("--dtype " + dtype + ": llama2.c checkpoints store float32 only");
        }
        LlamaCheckpoint ckpt = ModelLocator.loadLlama(model, tokenizer);
        checkDistinct(ckpt.source(), out);
        if (hfLayout) {
            ModelWriters.byName(format).write(ckpt, out, new WriteOptions(storage, shardBytes));
        } else if (format.equals("hf")) {
            HfFormat.write(ckpt, out, new HfWriteOptions(storage, shardBytes));
        } else {
            Llama2cFormat.write(ckpt, out);
            if (ckpt.tokenizer() != null) {
                spec.commandLine().getErr().println("prune4j: note: llama2.c files hold no tokenizer; pass --tokenizer "
                        + ckpt.tokenizer() + " when loading " + out);
            }
        }
        long bytes = sizeOf(out);
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model);
            m.put("source", ckpt.source().toString());
            m.put("format", format);
            m.put("out", out.toString());
            m.put("dtype", storage == null ? null : storage.safetensorsName());
            m.put("tensors", ckpt.tensors().size());
            m.put("bytes", bytes);
            m.put("recipe", RecipeOption.tree(spec, "convert"));
            spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(m));
        } else {
            spec.commandLine().getOut().println("wrote " + out + " (" + format + ", " + ckpt.tensors().size() + " tensors, " + bytes + " bytes)");
        }
        return 0;
    }

    private static void refuse(String option, boolean given, String format) {
        if (given) {
            throw new UserError(option + ": does not apply to --to " + format);
        }
    }

    /** The output must not be the input, nor a directory that contains it (replacing it would delete the input). */
    static void checkDistinct(Path source, Path out) {
        Path in = canonical(source);
        Path target = canonical(out);
        if (in.startsWith(target)) {
            throw new UserError("--out " + out + ": is or contains the input " + source + "; write the output elsewhere");
        }
    }

    private static Path canonical(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            return Files.exists(abs) ? abs.toRealPath() : abs;
        } catch (IOException e) {
            return abs;
        }
    }

    static DType parseDtype(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "f32", "float32", "fp32" -> DType.F32;
            case "f16", "float16", "fp16" -> DType.F16;
            case "bf16", "bfloat16" -> DType.BF16;
            default -> throw new UserError("--dtype: unknown type '" + s + "' (expected f32, f16 or bf16)");
        };
    }

    /** Parses {@code 5GB} (decimal units), {@code 2GiB} (binary units) or a plain byte count. */
    static long parseByteSize(String s) {
        Matcher m = BYTE_SIZE.matcher(s.trim());
        if (!m.matches()) {
            throw new UserError("--max-shard-size: cannot read '" + s + "' (e.g. 5GB, 500MB, 2GiB or a byte count)");
        }
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        boolean binary = unit.contains("i");
        int power = switch (unit.charAt(0)) {
            case 'k' -> 1;
            case 'm' -> 2;
            case 'g' -> 3;
            case 't' -> 4;
            default -> 0;
        };
        try {
            long value = Long.parseLong(m.group(1));
            for (int i = 0; i < power; i++) {
                value = Math.multiplyExact(value, binary ? 1024L : 1000L);
            }
            if (value <= 0) {
                throw new UserError("--max-shard-size: must be positive, got '" + s + "'");
            }
            return value;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UserError("--max-shard-size: '" + s + "' is too large");
        }
    }

    private static long sizeOf(Path p) throws IOException {
        if (!Files.isDirectory(p)) {
            return Files.size(p);
        }
        try (Stream<Path> s = Files.walk(p)) {
            long total = 0;
            for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                total += Files.size(f);
            }
            return total;
        }
    }
}
