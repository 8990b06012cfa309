package org.prune4j.internal.prune.structured;

import org.prune4j.api.report.StructuredReport;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.eval.Perplexity;
import org.prune4j.internal.io.AtomicOutput;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.io.IdsFileSpec;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.io.gguf.GgufFormat;
import org.prune4j.internal.io.hf.HfFormat;
import org.prune4j.internal.io.hf.HfWriteOptions;
import org.prune4j.internal.io.format.ModelWriter;
import org.prune4j.internal.io.format.ModelWriters;
import org.prune4j.internal.io.format.WriteOptions;
import org.prune4j.internal.io.hf.LayerShape;
import org.prune4j.internal.io.llama2c.Llama2cFormat;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.CheckpointFormat;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.model.llama.LlamaTensorNames;
import org.prune4j.internal.pipeline.calibrate.CalibrationSet;
import org.prune4j.internal.tokenizer.Tokenizer;

/**
 * One structured pruning run, {@code load → calibrate → evaluate dense → prune (physically) → evaluate
 * pruned → save → report}. The model is loaded whole (float32); the output format follows {@code --out}:
 * a path ending in {@code .bin} is a llama2.c file (only for models whose blocks all have one shape and no
 * bias), anything else a Hugging Face directory (per-layer shapes and biases recorded in its config).
 */
public final class StructuredPruneJob {
    /**
     * Where the run reads and writes.
     *
     * @param model {@code --model}
     * @param tokenizer {@code --tokenizer}, or null
     * @param calibText calibration text, or null
     * @param calibIds calibration id rows, or null
     * @param nsamples windows drawn from the calibration text
     * @param seqLen tokens per calibration window ({@code 0}: the context)
     * @param seed seed of the window positions
     * @param evalText evaluation text, or null
     * @param evalIds evaluation id rows, or null
     * @param evalSeqLen evaluation window length for text ({@code 0}: the context)
     * @param maxEvalWindows at most this many evaluation rows ({@code 0}: all)
     * @param out where the pruned model goes, or null to skip saving
     */
    public record Io(String model, Path tokenizer, Path calibText, IdsFileSpec calibIds, int nsamples, int seqLen,
            long seed, Path evalText, IdsFileSpec evalIds, int evalSeqLen, int maxEvalWindows, Path out, String format) {

        /** Inputs written in the format {@code out}'s path names (a {@code .bin} file is llama2.c, else hf). */
        public Io(String model, Path tokenizer, Path calibText, IdsFileSpec calibIds, int nsamples, int seqLen,
                long seed, Path evalText, IdsFileSpec evalIds, int evalSeqLen, int maxEvalWindows, Path out) {
            this(model, tokenizer, calibText, calibIds, nsamples, seqLen, seed, evalText, evalIds, evalSeqLen, maxEvalWindows,
                    out, null);
        }
    }

    private final PrintStream log;
    private final java.util.function.Function<StructuredReport, String> reportJson;

    /** A job that prints its progress to {@code log}. */
    public StructuredPruneJob(PrintStream log) {
        this(log, r -> toJson(r, true));
    }

    private StructuredPruneJob(PrintStream log, java.util.function.Function<StructuredReport, String> reportJson) {
        this.log = log;
        this.reportJson = reportJson;
    }

    /** This job writing the report file as {@code json} gives it (e.g. with the recipe embedded). */
    public StructuredPruneJob withReportJson(java.util.function.Function<StructuredReport, String> json) {
        return new StructuredPruneJob(log, json);
    }

    /** Runs the job; the report is also written beside the output. */
    public StructuredReport run(Io io, StructuredSettings s) {
        long t0 = System.nanoTime();
        Map<String, Double> stages = new LinkedHashMap<>();
        long lap = System.nanoTime();
        LlamaCheckpoint ckpt = ModelLocator.loadLlama(io.model(), io.tokenizer());
        ModelWriter writer = writer(io);
        boolean bin = checkOutput(io, ckpt);
        boolean llama2cOut = writer == null ? bin : writer.name().equals("llama2c");
        checkAmounts(s, LayerShape.of(ckpt));
        if (llama2cOut && io.out() != null && s.method() == StructuredMethod.FLAP && s.biasCompensation()) {
            throw new UserError("--out " + io.out() + ": flap's bias compensation adds o_proj/down_proj biases, which llama2.c"
                    + " cannot store; write a Hugging Face directory instead (an --out path not ending in .bin)");
        }
        boolean needsText = io.evalText() != null || (s.method().needsCalibration() && io.calibText() != null);
        Tokenizer tok = needsText ? StructuredData.tokenizer(ckpt, io.tokenizer()) : null;
        CalibrationSet calib = s.method().needsCalibration() ? StructuredData.calibration(io, ckpt, tok) : null;
        if (s.method().needsCalibration() && calib == null) {
            throw new UserError("--method " + s.method().cliName() + " needs calibration data: --calib FILE or --calib-ids FILE");
        }
        int[][] evalRows = StructuredData.evaluation(io, ckpt, tok);
        List<LayerShape> denseShapes = LayerShape.of(ckpt);
        stages.put("load", lap(lap));
        lap = System.nanoTime();
        try (NDManager weights = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(ckpt, weights);
            Double densePpl = null;
            if (evalRows != null) {
                densePpl = new Perplexity(model).evaluate(evalRows).ppl();
                log.printf(Locale.ROOT, "dense perplexity %.4f%n", densePpl);
                stages.put("evaluate_dense", lap(lap));
                lap = System.nanoTime();
            }
            StructuredPlan plan = new StructuredPruner(s, log).prune(model, calib);
            LlamaCheckpoint pruned = StructuredPruner.checkpoint(model, plan);
            stages.put("prune", lap(lap));
            lap = System.nanoTime();
            Double prunedPpl = null;
            if (evalRows != null) {
                try (NDManager pm = NDManager.newBaseManager()) {
                    prunedPpl = new Perplexity(LlamaModel.load(pruned, pm)).evaluate(evalRows).ppl();
                }
                log.printf(Locale.ROOT, "pruned perplexity %.4f%n", prunedPpl);
                stages.put("evaluate_pruned", lap(lap));
                lap = System.nanoTime();
            }
            if (io.out() != null) {
                if (writer != null && !llama2cOut) {
                    writer.write(pruned, io.out(), WriteOptions.defaults().withDtype(storageType(ckpt)));
                } else {
                    save(pruned, ckpt, io.out(), llama2cOut);
                }
                stages.put("save", lap(lap));
            }
            ModelCost before = ModelCost.of(ckpt);
            ModelCost after = ModelCost.of(pruned);
            StructuredReport report = new StructuredReport(io.model(), io.out() == null ? null : io.out().toString(),
                    llama2cOut ? "llama2c" : writer != null ? writer.name() : "hf", s.method().cliName(), StructuredRecipeKeys.unitsName(s.units()),
                    s.method().removesWidth() ? s.allocation().cliName() : null,
                    s.method() == StructuredMethod.FLAP ? s.metric().name() : null, s.ratio(),
                    s.method() == StructuredMethod.FLAP && s.biasCompensation(),
                    calib == null ? null : calib.description(),
                    evalRows == null ? null : evalRows.length + " rows of " + evalRows[0].length + " tokens from "
                            + StructuredData.evaluationSource(io),
                    densePpl, prunedPpl, before.params(), after.params(), before.blockParams(), after.blockParams(),
                    1 - after.blockParams() / (double) before.blockParams(), before.macsPerToken(), after.macsPerToken(),
                    ModelCost.fileBytes(ckpt.source()), io.out() == null ? 0 : ModelCost.fileBytes(io.out()),
                    plan.removedLayers(), layers(plan, denseShapes), stages, (System.nanoTime() - t0) / 1e9);
            if (io.out() != null) {
                AtomicOutput.writeString(reportPath(io.out()), reportJson.apply(report) + "\n");
            }
            return report;
        }
    }

    /** Refuses what the settings cannot do on this model before any work: too many layers, a rounding wider than a layer. */
    private static void checkAmounts(StructuredSettings s, List<LayerShape> shapes) {
        if (!s.method().removesWidth()) {
            DepthPruning.count(s, shapes.size());
            return;
        }
        for (int l = 0; l < shapes.size(); l++) {
            if (s.roundTo() > shapes.get(l).intermediateSize()) {
                throw new UserError("--round-to " + s.roundTo() + ": larger than layer " + l + "'s MLP width "
                        + shapes.get(l).intermediateSize());
            }
        }
    }

    private static double lap(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static List<StructuredReport.Layer> layers(StructuredPlan plan, List<LayerShape> dense) {
        List<StructuredReport.Layer> out = new ArrayList<>();
        for (int l = 0; l < plan.layers().size(); l++) {
            LayerPlan p = plan.layers().get(l);
            LayerShape s = dense.get(l);
            if (plan.isRemoved(l)) {
                out.add(new StructuredReport.Layer(l, true, new int[0], new int[0], new int[0], false, false));
                continue;
            }
            int[] kv = s.numKvHeads() == 0 ? new int[0]
                    : KvLayout.of(p.keptHeads(), s.numHeads() / s.numKvHeads()).kvHeads();
            out.add(new StructuredReport.Layer(l, false, p.keptHeads(), kv, p.keptNeurons(), p.oProjBias() != null,
                    p.downProjBias() != null));
        }
        return out;
    }

    /** Where the JSON report of an output goes: beside a file, inside a directory. */
    public static Path reportPath(Path out) {
        return Files.isDirectory(out) ? out.resolve("prune4j_report.json")
                : out.resolveSibling(out.getFileName() + ".report.json");
    }

    /** The report as JSON with snake_case keys, indented or on one line. */
    public static String toJson(StructuredReport report, boolean indent) {
        try {
            return new ObjectMapper().configure(SerializationFeature.INDENT_OUTPUT, indent)
                    .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).writeValueAsString(report);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise report", e);
        }
    }

    /** Checks {@code --out} before any work; true when it names a llama2.c file. */
    private static boolean checkOutput(Io io, LlamaCheckpoint ckpt) {
        if (io.out() == null) {
            return ckpt.format() == CheckpointFormat.LLAMA2C;
        }
        String name = io.out().getFileName().toString().toLowerCase(Locale.ROOT);
        Path in = ckpt.source().toAbsolutePath().normalize();
        Path out = io.out().toAbsolutePath().normalize();
        if (in.equals(out) || (Files.isDirectory(in) && out.startsWith(in))) {
            throw new UserError("--out " + io.out() + ": is the input model; write the pruned model somewhere else");
        }
        if (GgufFormat.hasExtension(out)) {
            if (Files.isDirectory(out)) {
                throw new UserError("--out " + io.out() + ": is a directory; a GGUF model is a file");
            }
            return false; // GGUF (llama.cpp's deci architecture when the blocks differ), see save
        }
        boolean bin = name.endsWith(".bin");
        if (bin && Files.isDirectory(out)) {
            throw new UserError("--out " + io.out() + ": is a directory; a llama2.c model (.bin) is a file");
        }
        if (!bin && Files.isRegularFile(out)) {
            throw new UserError("--out " + io.out() + ": is a file; a Hugging Face model is a directory (or name a .bin for llama2.c)");
        }
        return bin;
    }

    private void save(LlamaCheckpoint pruned, LlamaCheckpoint input, Path out, boolean llama2c) {
        if (GgufFormat.hasExtension(out)) {
            GgufFormat.write(pruned, out, GgufFormat.storageTypeOf(input));
        } else if (llama2c) {
            Llama2cFormat.write(pruned, out);
            copyTokenizerBeside(input, out);
        } else {
            HfFormat.write(pruned, out, HfWriteOptions.defaults().withDtype(storageType(input)));
        }
    }

    /** An hf output keeps an hf input's floating storage dtype; other inputs are written as F32. */
    private static DType storageType(LlamaCheckpoint input) {
        TensorData embed = input.tensor(LlamaTensorNames.EMBED);
        return input.format() == CheckpointFormat.HF && embed.dtype().isFloating() ? embed.dtype() : DType.F32;
    }

    /** The writer {@code --format} names, checked against {@code --out} before any work; null without --format. */
    private static ModelWriter writer(Io io) {
        if (io.format() == null) {
            return null;
        }
        if (io.out() == null) {
            throw new UserError("--format " + io.format() + ": needs --out");
        }
        ModelWriter w = ModelWriters.byName(io.format());
        w.checkTarget(io.out(), WriteOptions.defaults());
        return w;
    }

    private static void copyTokenizerBeside(LlamaCheckpoint input, Path out) {
        Path tok = input.tokenizer();
        if (tok == null) {
            return;
        }
        Path target = out.toAbsolutePath().resolveSibling(tok.getFileName());
        if (Files.exists(target)) {
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
