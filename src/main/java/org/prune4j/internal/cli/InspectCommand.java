package org.prune4j.internal.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.prune4j.UserError;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.io.hf.CompressedStorage;
import org.prune4j.internal.io.hf.HfFormat;
import org.prune4j.internal.model.llama.Attention;
import org.prune4j.internal.model.llama.DecoderBlock;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaConfig;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.model.llama.LlamaTensorNames;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.Parameter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code prune4j inspect}: what a Llama-family model is made of: architecture and per-block sizes,
 * parameters per module, stored dtypes, the sparsity of every matrix, multiply-accumulates per token, and
 * the size on disk (and, for a model stored in a compressed sparse layout, dense against stored bytes per
 * compressed weight and in total).
 *
 * <p>MACs per token count the Linear layers (dense, and nonzero weights only) and the classifier; the
 * attention products {@code QKᵀ} and {@code AV} depend on the position and are given as their mean over
 * a full context window ({@code heads · headDim · (context + 1)} per block).
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Describe a model: architecture, parameters, dtypes, sparsity, MACs per token, file size.",
            "ONNX models: prune4j inspect --onnx MODEL.onnx --groups (the structured pruning groups)."})
final class InspectCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "Model: a bundled name (stories260K), a llama2.c file or a Hugging Face directory.")
    String model;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--arch", description = "Vision architecture of the checkpoint (CNN/ViT); with --groups prints its dependency groups.")
    String arch;

    @Option(names = "--groups", description = "With --arch: the coupled channel groups structural pruning sees (tensors and dimensions of each).")
    boolean groups;

    @Spec
    CommandSpec spec;

    private record Matrix(String name, long rows, long cols, long nonzero) {
        double sparsity() {
            return 1.0 - nonzero / (double) (rows * cols);
        }
    }

    @picocli.CommandLine.Mixin
    RecipeOption recipe = new RecipeOption();

    @Override
    public Integer call() {
        if (recipe.printed(spec, "inspect")) {
            return 0;
        }
        if (arch != null) {
            return VisionGroups.print(arch, Path.of(model), groups, spec.commandLine().getOut());
        }
        if (groups) {
            throw new UserError("--groups needs --arch NAME (the checkpoint's vision architecture)");
        }
        if (StateDictInspection.applies(model)) {
            return StateDictInspection.run(model, json ? RecipeOption.tree(spec, "inspect") : null, spec.commandLine().getOut());
        }
        try (LlamaRuntime rt = LlamaRuntime.openShell(model, null)) {
            ObjectNode report = describe(rt.checkpoint(), rt.model());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                report.set("recipe", RecipeOption.tree(spec, "inspect"));
                out.println(report.toString());
            } else {
                printText(out, report);
            }
            out.flush();
        }
        return 0;
    }

    private ObjectNode describe(LlamaCheckpoint ckpt, LlamaModel m) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode o = mapper.createObjectNode();
        LlamaConfig c = m.config();
        o.put("model", model);
        o.put("source", String.valueOf(ckpt.source()));
        o.put("format", ckpt.format().name().toLowerCase(Locale.ROOT));
        o.put("file_bytes", sizeOnDisk(ckpt.source()));
        CompressedStorage storage = ckpt.source() == null ? null : HfFormat.compressedStorage(ckpt.source());
        if (storage != null) {
            ObjectNode so = o.putObject("compressed_storage");
            so.put("format", storage.format().formatName());
            so.put("dense_bytes", storage.denseBytes());
            so.put("stored_bytes", storage.storedBytes());
            ArrayNode ts = so.putArray("tensors");
            for (CompressedStorage.Tensor t : storage.tensors()) {
                if (t.compressed()) {
                    ts.addObject().put("name", t.name()).put("dense_bytes", t.denseBytes()).put("stored_bytes", t.storedBytes());
                }
            }
        }

        ObjectNode arch = o.putObject("architecture");
        arch.put("architecture", c.architecture());
        arch.put("hidden_size", c.hiddenSize());
        arch.put("intermediate_size", c.intermediateSize());
        arch.put("layers", c.numLayers());
        arch.put("heads", c.numHeads());
        arch.put("kv_heads", c.numKvHeads());
        arch.put("head_dim", c.headDim());
        arch.put("vocab_size", c.vocabSize());
        arch.put("context", c.maxPositions());
        arch.put("rope_theta", c.ropeTheta());
        arch.put("rms_norm_eps", c.rmsNormEps());
        arch.put("tied_embeddings", m.tiedEmbeddings());

        // m is a shell (embedding, final norm, classifier): decoder blocks are built one at a time from the
        // memory-mapped checkpoint and freed, so the whole model is never held in float32
        Map<String, Matrix> matrices = new LinkedHashMap<>();
        Map<String, Long> moduleParameters = new LinkedHashMap<>();
        ArrayNode blocks = o.putArray("blocks");
        long[] nonzero = {0};
        long attentionMacs = 0;
        long blockParameters = 0;
        boolean blocksDone = false;
        try (NDManager scope = NDManager.newBaseManager(m.manager().getDevice())) {
            for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) {
                if (!blocksDone && !e.getKey().equals(LlamaTensorNames.EMBED)) {
                    blocksDone = true;
                    for (int i = 0; i < c.numLayers(); i++) {
                        try (NDManager blockWeights = m.manager().newSubManager()) {
                            DecoderBlock b = LlamaModel.loadBlock(ckpt, i, blockWeights);
                            String prefix = LlamaTensorNames.block(i);
                            b.namedParameters().forEach((name, p) -> count(scope, prefix + name, p, matrices, nonzero));
                            b.namedModules().forEach((name, mod) -> ownParameters(prefix + name, mod, moduleParameters));
                            Attention a = b.selfAttn();
                            ObjectNode bo = blocks.addObject();
                            bo.put("index", b.index());
                            bo.put("heads", a.numHeads());
                            bo.put("kv_heads", a.numKvHeads());
                            bo.put("intermediate_size", b.mlp().intermediateSize());
                            bo.put("parameters", b.parameterCount());
                            blockParameters += b.parameterCount();
                            attentionMacs += (long) a.numHeads() * a.headDim() * (c.maxPositions() + 1L);
                        }
                    }
                }
                count(scope, e.getKey(), e.getValue(), matrices, nonzero);
            }
        }
        for (Map.Entry<String, Module> e : m.namedModules().entrySet()) {
            if (LlamaTensorNames.EMBED.equals(e.getKey() + ".weight")) {
                Map<String, Long> rest = new LinkedHashMap<>(moduleParameters);
                moduleParameters.clear();
                ownParameters(e.getKey(), e.getValue(), moduleParameters);
                moduleParameters.putAll(rest);
            } else {
                ownParameters(e.getKey(), e.getValue(), moduleParameters);
            }
        }

        long total = m.parameterCount() + blockParameters;
        long embedding = m.backbone().embedTokens().weight().numel();
        ObjectNode params = o.putObject("parameters");
        params.put("total", total);
        params.put("embedding", embedding);
        params.put("non_embedding", total - embedding);
        params.put("nonzero", nonzero[0]);

        ObjectNode modules = o.putObject("modules");
        moduleParameters.forEach(modules::put);

        Map<String, Long> dtypes = new TreeMap<>();
        for (TensorData t : ckpt.tensors().values()) {
            dtypes.merge(t.dtype().safetensorsName(), t.numel(), Long::sum);
        }
        ObjectNode dt = o.putObject("stored_dtypes");
        dtypes.forEach(dt::put);
        o.put("compute_dtype", "F32");

        ArrayNode mats = o.putArray("matrices");
        long linearMacs = 0;
        long linearNonzero = 0;
        long blockWeights = 0;
        long blockZeros = 0;
        for (Matrix x : matrices.values()) {
            ObjectNode mo = mats.addObject();
            mo.put("name", x.name());
            mo.putArray("shape").add(x.rows()).add(x.cols());
            mo.put("nonzero", x.nonzero());
            mo.put("sparsity", x.sparsity());
            if (x.name().startsWith(LlamaTensorNames.BLOCKS)) {
                linearMacs += x.rows() * x.cols();
                linearNonzero += x.nonzero();
                blockWeights += x.rows() * x.cols();
                blockZeros += x.rows() * x.cols() - x.nonzero();
            }
        }
        o.put("block_linear_sparsity", blockWeights == 0 ? 0.0 : blockZeros / (double) blockWeights);

        Module head = m.lmHead();
        long headMacs = head instanceof Linear l ? l.inFeatures() * l.outFeatures()
                : m.backbone().embedTokens().weight().numel();
        ObjectNode macs = o.putObject("macs_per_token");
        macs.put("block_linears", linearMacs);
        macs.put("block_linears_nonzero", linearNonzero);
        macs.put("lm_head", headMacs);
        macs.put("attention_mean_over_context", attentionMacs);
        macs.put("total", linearMacs + headMacs + attentionMacs);
        macs.put("total_nonzero", linearNonzero + headMacs + attentionMacs);
        return o;
    }

    /** Counts the nonzeros of parameter {@code name}, recording it when it is a matrix. */
    private static void count(NDManager scope, String name, Parameter p, Map<String, Matrix> matrices, long[] nonzero) {
        NDArray v = p.value();
        long nz = nonzero(scope, v);
        nonzero[0] += nz;
        if (v.getShape().dimension() == 2) {
            matrices.put(name, new Matrix(name, v.getShape().get(0), v.getShape().get(1), nz));
        }
    }

    /** Records the parameters a module holds itself (not its children's), when it holds any. */
    private static void ownParameters(String name, Module module, Map<String, Long> out) {
        long own = module.parameters().values().stream().mapToLong(Parameter::numel).sum();
        if (own > 0) {
            out.put(name, own);
        }
    }

    /** Nonzero entries of {@code v}, computed in {@code scope} (nothing is left in the weights' manager). */
    private static long nonzero(NDManager scope, NDArray v) {
        NDArray zero = v.eq(0);
        zero.attach(scope);
        NDArray count = zero.toType(DataType.INT64, false).sum();
        return v.size() - count.getLong();
    }

    private static long sizeOnDisk(Path source) {
        if (source == null) {
            return 0;
        }
        try {
            if (Files.isDirectory(source)) {
                try (Stream<Path> s = Files.walk(source)) {
                    return s.filter(Files::isRegularFile).mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }).sum();
                }
            }
            return Files.size(source);
        } catch (IOException | UncheckedIOException e) {
            throw new UserError(source + ": cannot read its size: " + e.getMessage());
        }
    }

    private static void printText(PrintWriter out, ObjectNode r) {
        ObjectNode a = (ObjectNode) r.get("architecture");
        out.printf(Locale.ROOT, "model        %s (%s, %s, %s bytes)%n", r.get("model").asText(), r.get("format").asText(),
                r.get("source").asText(), group(r.get("file_bytes").asLong()));
        out.printf(Locale.ROOT, "architecture %s: hidden %d, %d layers, %d heads / %d kv heads of %d, MLP %d, vocab %d,"
                        + " context %d, rope theta %s, eps %s, %s embeddings%n",
                a.get("architecture").asText(), a.get("hidden_size").asInt(), a.get("layers").asInt(),
                a.get("heads").asInt(), a.get("kv_heads").asInt(), a.get("head_dim").asInt(),
                a.get("intermediate_size").asInt(), a.get("vocab_size").asInt(), a.get("context").asInt(),
                a.get("rope_theta").asText(), a.get("rms_norm_eps").asText(),
                a.get("tied_embeddings").asBoolean() ? "tied" : "untied");
        if (r.has("compressed_storage")) {
            var cs = r.get("compressed_storage");
            out.printf(Locale.ROOT, "storage      %s: %s bytes of tensors stored in %s (%.1f%% of dense); runtimes decompress to dense on load%n",
                    cs.get("format").asText(), group(cs.get("dense_bytes").asLong()), group(cs.get("stored_bytes").asLong()),
                    100.0 * cs.get("stored_bytes").asLong() / Math.max(1, cs.get("dense_bytes").asLong()));
        }
        ObjectNode p = (ObjectNode) r.get("parameters");
        out.printf(Locale.ROOT, "parameters   %s total (%s embedding, %s other), %s nonzero%n", group(p.get("total").asLong()),
                group(p.get("embedding").asLong()), group(p.get("non_embedding").asLong()), group(p.get("nonzero").asLong()));
        StringBuilder dt = new StringBuilder();
        r.get("stored_dtypes").fields().forEachRemaining(e -> dt.append(e.getKey()).append(' ')
                .append(group(e.getValue().asLong())).append("  "));
        out.printf(Locale.ROOT, "dtypes       stored: %s; computed in F32%n", dt.toString().trim());
        ObjectNode macs = (ObjectNode) r.get("macs_per_token");
        out.printf(Locale.ROOT, "MACs/token   %s (block linears %s, nonzero %s; lm_head %s; attention at full context %s)%n",
                group(macs.get("total").asLong()), group(macs.get("block_linears").asLong()),
                group(macs.get("block_linears_nonzero").asLong()), group(macs.get("lm_head").asLong()),
                group(macs.get("attention_mean_over_context").asLong()));
        out.printf(Locale.ROOT, "sparsity     %.2f%% of block linear weights are zero%n",
                100 * r.get("block_linear_sparsity").asDouble());
        out.println();
        out.println("block  heads  kv  mlp     parameters");
        for (var b : r.get("blocks")) {
            out.printf(Locale.ROOT, "%5d  %5d  %2d  %-6d  %s%n", b.get("index").asInt(), b.get("heads").asInt(),
                    b.get("kv_heads").asInt(), b.get("intermediate_size").asInt(), group(b.get("parameters").asLong()));
        }
        out.println();
        out.println("module                                        parameters");
        r.get("modules").fields().forEachRemaining(e ->
                out.printf(Locale.ROOT, "%-45s %s%n", e.getKey(), group(e.getValue().asLong())));
        out.println();
        if (r.has("compressed_storage")) {
            out.println("compressed weight                             dense bytes  stored bytes");
            for (var t : r.get("compressed_storage").get("tensors")) {
                out.printf(Locale.ROOT, "%-45s %11s  %12s%n", t.get("name").asText(), group(t.get("dense_bytes").asLong()),
                        group(t.get("stored_bytes").asLong()));
            }
            out.println();
        }
        out.println("matrix                                        shape          sparsity");
        for (var x : r.get("matrices")) {
            out.printf(Locale.ROOT, "%-45s %-14s %7.2f%%%n", x.get("name").asText(),
                    x.get("shape").get(0).asLong() + "x" + x.get("shape").get(1).asLong(), 100 * x.get("sparsity").asDouble());
        }
    }

    private static String group(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
