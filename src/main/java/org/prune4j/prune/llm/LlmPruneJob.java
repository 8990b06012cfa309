package org.prune4j.prune.llm;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.prune4j.io.IdsFileSpec;
import org.prune4j.UserError;
import org.prune4j.eval.Perplexity;
import org.prune4j.eval.TokenWindows;
import org.prune4j.io.AtomicOutput;
import org.prune4j.io.DType;
import org.prune4j.io.TensorData;
import org.prune4j.io.hf.HfFormat;
import org.prune4j.io.hf.HfWriteOptions;
import org.prune4j.io.llama2c.Llama2cFormat;
import org.prune4j.model.BundledModels;
import org.prune4j.model.ModelLocator;
import org.prune4j.model.llama.CheckpointFormat;
import org.prune4j.model.llama.LlamaCheckpoint;
import org.prune4j.model.llama.LlamaModel;
import org.prune4j.model.llama.LlamaTensorNames;
import org.prune4j.model.llama.StreamedBlocks;
import org.prune4j.prune.SparsityPattern;
import org.prune4j.prune.allocation.GlobalAllocation;
import org.prune4j.prune.allocation.OwlAllocation;
import org.prune4j.prune.allocation.PrunableTensor;
import org.prune4j.prune.allocation.SparsityAllocation;
import org.prune4j.prune.linalg.InverseCholesky;
import org.prune4j.prune.oneshot.SparseGpt;
import org.prune4j.prune.oneshot.Wanda;
import org.prune4j.prune.oneshot.WandaStatistics;
import org.prune4j.tokenizer.Tokenizer;
import org.prune4j.tokenizer.Tokenizers;

/**
 * One one-shot pruning job on a Llama-family model, in the order a user thinks of it:
 * {@code load → calibrate → allocate → prune → evaluate → save → report}.
 *
 * <p>Decoder blocks are streamed ({@link StreamedBlocks}): the checkpoint stays memory-mapped, one block at
 * a time is built in float32, pruned, and spilled to a scratch file beside the output, and evaluation
 * runs block by block too. Peak memory is the embedding and classifier, one block's weights and
 * statistics, and the calibration (or evaluation) activations twice — not the whole model.
 */
public final class LlmPruneJob {
    /** Activation memory budget of one calibration batch when the batch size is automatic. */
    private static final long BATCH_BUDGET_BYTES = 256L << 20;

    /**
     * Where the job reads and writes.
     *
     * @param model {@code --model}: bundled name, llama2.c file or HF directory
     * @param tokenizer {@code --tokenizer} override, or null
     * @param calibText calibration text, or null
     * @param calibIds calibration id rows, or null
     * @param evalText evaluation text, or null
     * @param evalIds evaluation id rows, or null
     * @param evalSeqLen evaluation window length for text ({@code 0}: the model's context)
     * @param maxEvalWindows at most this many evaluation windows ({@code 0}: all; {@link #NO_EVALUATION}: none)
     * @param out where the pruned model goes (same format as the input), or null to skip saving
     */
    public record Io(String model, Path tokenizer, Path calibText, IdsFileSpec calibIds, Path evalText,
            IdsFileSpec evalIds, int evalSeqLen, int maxEvalWindows, Path out) {
        /** {@link #maxEvalWindows} value that skips evaluation, even a bundled model's protocol. */
        public static final int NO_EVALUATION = -1;
    }

    private final PrintStream log;

    /** A job that prints its progress lines to {@code log} (standard error on the command line). */
    public LlmPruneJob(PrintStream log) {
        this.log = log;
    }

    /** Runs the whole job and returns its report (also written next to the output when saving). */
    public PruneReport run(Io io, LlmPruneSettings s) {
        long t0 = System.nanoTime();
        Map<String, Double> stages = new LinkedHashMap<>();
        Stopwatch watch = new Stopwatch();

        LlamaCheckpoint ckpt = ModelLocator.loadLlama(io.model(), io.tokenizer());
        checkOutput(io, ckpt);
        Tokenizer tokenizer = needsText(io, s) ? tokenizer(ckpt, io) : null;
        CalibrationSet calib = s.method().needsCalibration() ? calibration(io, s, ckpt, tokenizer) : null;
        int[][] evalRows = evaluationRows(io, ckpt, tokenizer);
        stages.put("load", watch.lap());

        Path scratchParent = io.out() != null ? io.out().toAbsolutePath().getParent()
                : Path.of(System.getProperty("java.io.tmpdir"));
        try (NDManager weights = NDManager.newBaseManager();
                StreamedBlocks blocks = new StreamedBlocks(ckpt, scratchParent)) {
            LlamaModel shell = LlamaModel.loadShell(ckpt, weights);
            stages.put("build", watch.lap());
            Double densePpl = null;
            if (evalRows != null) {
                densePpl = new Perplexity(shell).evaluate(evalRows, blocks).ppl();
                log.printf("dense perplexity %.4f%n", densePpl);
                stages.put("evaluate_dense", watch.lap());
            }
            int batch = s.batchSize() > 0 ? s.batchSize() : autoBatch(ckpt, calib);
            Map<String, Double> allocated = allocate(shell, blocks, calib, s, batch);
            stages.put("allocate", watch.lap());
            Function<String, SparsityPattern> patternOf = name -> allocated == null ? s.pattern()
                    : new SparsityPattern.Unstructured(allocated.get(name));
            SparseGpt sparseGpt = new SparseGpt(s.blockSize(), s.percDamp(), InverseCholesky.Precision.FLOAT64);
            new SequentialPruner(s.method(), sparseGpt, batch).prune(shell, blocks, calib, patternOf);
            stages.put("prune", watch.lap());
            Double prunedPpl = null;
            if (evalRows != null) {
                prunedPpl = new Perplexity(shell).evaluate(evalRows, blocks).ppl();
                log.printf("pruned perplexity %.4f%n", prunedPpl);
                stages.put("evaluate_pruned", watch.lap());
            }
            LlamaCheckpoint pruned = blocks.checkpoint();
            Map<String, Double> matrices = new LinkedHashMap<>();
            long params = 0;
            long zeros = 0;
            List<Double> blockSparsity = new ArrayList<>();
            for (int b = 0; b < ckpt.config().numLayers(); b++) {
                double blockSum = 0;
                for (String rel : LlamaTensorNames.BLOCK_LINEARS) {
                    String name = LlamaTensorNames.linearWeight(b, rel);
                    float[] w = pruned.tensor(name).toFloats();
                    long z = 0;
                    for (float v : w) {
                        z += v == 0f ? 1 : 0;
                    }
                    matrices.put(name, z / (double) w.length);
                    params += w.length;
                    zeros += z;
                    blockSum += patternOf.apply(name).sparsity();
                }
                blockSparsity.add(blockSum / LlamaTensorNames.BLOCK_LINEARS.size());
            }
            if (io.out() != null) {
                save(pruned, ckpt, io.out());
                stages.put("save", watch.lap());
            }
            PruneReport report = new PruneReport(io.model(), io.out() == null ? null : io.out().toString(),
                    s.method().cliName(), s.pattern().toString(), s.allocation().cliName(),
                    calib == null ? null : calib.description(), evaluationDescription(io, evalRows),
                    blockSparsity, matrices, params == 0 ? 0 : zeros / (double) params, params, zeros, densePpl,
                    prunedPpl, stages, (System.nanoTime() - t0) / 1e9);
            if (io.out() != null) {
                writeReport(report, reportPath(io.out()));
            }
            return report;
        }
    }

    /** Where the JSON report of an output goes: beside a file, inside a directory. */
    public static Path reportPath(Path out) {
        return Files.isDirectory(out) ? out.resolve("prune4j_report.json")
                : out.resolveSibling(out.getFileName() + ".report.json");
    }

    /** Serialises a report as indented JSON with snake_case keys ({@code dense_ppl}, {@code pruned_ppl}, ...). */
    public static String toJson(Object report) {
        return toJson(report, true);
    }

    /** Serialises a report as JSON, indented or on one line. */
    public static String toJson(Object report, boolean indent) {
        try {
            return new ObjectMapper().configure(SerializationFeature.INDENT_OUTPUT, indent)
                    .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
                    .writeValueAsString(report);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise report", e);
        }
    }

    private static void writeReport(PruneReport report, Path path) {
        AtomicOutput.writeString(path, toJson(report) + "\n");
    }

    private static void checkOutput(Io io, LlamaCheckpoint ckpt) {
        if (io.out() == null) {
            return;
        }
        Path in = ckpt.source().toAbsolutePath().normalize();
        Path out = io.out().toAbsolutePath().normalize();
        if (in.equals(out) || (Files.isDirectory(in) && out.startsWith(in))) {
            throw new UserError("--out " + io.out() + ": is the input model; write the pruned model somewhere else");
        }
        if (ckpt.format() == CheckpointFormat.LLAMA2C && Files.isDirectory(out)) {
            throw new UserError("--out " + io.out() + ": is a directory; a llama2.c model is written to a file");
        }
    }

    private static boolean needsText(Io io, LlmPruneSettings s) {
        return io.evalText() != null || (s.method().needsCalibration() && io.calibText() != null);
    }

    private static Tokenizer tokenizer(LlamaCheckpoint ckpt, Io io) {
        Path t = io.tokenizer() != null ? io.tokenizer() : ckpt.tokenizer();
        if (t == null) {
            throw new UserError(ckpt.source() + ": no tokenizer found beside the model; pass --tokenizer FILE");
        }
        return Tokenizers.load(t, ckpt.config().vocabSize());
    }

    private static CalibrationSet calibration(Io io, LlmPruneSettings s, LlamaCheckpoint ckpt, Tokenizer tok) {
        int context = ckpt.config().maxPositions();
        if (io.calibIds() != null) {
            return CalibrationSet.fromIds(io.calibIds().read(), io.calibIds().toString(), ckpt.config().vocabSize(), context);
        }
        if (io.calibText() != null) {
            int seqLen = s.seqLen() > 0 ? s.seqLen() : context;
            if (seqLen > context) {
                throw new UserError("--seqlen " + seqLen + ": longer than the model's context of " + context);
            }
            return CalibrationSet.fromText(tok, readText(io.calibText()), io.calibText().toString(), s.nsamples(), seqLen,
                    s.seed());
        }
        if (BundledModels.isBundled(io.model())) {
            IdsFileSpec spec = new IdsFileSpec(BundledModels.protocol(io.model()), "calib_ids");
            return CalibrationSet.fromIds(spec.read(), io.model() + " protocol calib_ids", ckpt.config().vocabSize(), context);
        }
        throw new UserError("--method " + s.method().cliName() + " needs calibration data: --calib FILE or --calib-ids FILE");
    }

    private static int[][] evaluationRows(Io io, LlamaCheckpoint ckpt, Tokenizer tok) {
        if (io.maxEvalWindows() == Io.NO_EVALUATION) {
            return null;
        }
        int context = ckpt.config().maxPositions();
        if (io.evalIds() != null) {
            CalibrationSet rows = CalibrationSet.fromIds(io.evalIds().read(), io.evalIds().toString(),
                    ckpt.config().vocabSize(), context);
            return toRows(rows, io.maxEvalWindows());
        }
        if (io.evalText() != null) {
            int seqLen = io.evalSeqLen() > 0 ? io.evalSeqLen() : context;
            if (seqLen > context) {
                throw new UserError("--eval-seqlen " + seqLen + ": longer than the model's context of " + context);
            }
            int[] stream = tok.encode(readText(io.evalText()), true, false);
            return TokenWindows.split(stream, seqLen, io.maxEvalWindows());
        }
        if (BundledModels.isBundled(io.model())) {
            IdsFileSpec spec = new IdsFileSpec(BundledModels.protocol(io.model()), "eval_ids");
            return toRows(CalibrationSet.fromIds(spec.read(), io.model() + " protocol eval_ids", ckpt.config().vocabSize(),
                    context), io.maxEvalWindows());
        }
        return null;
    }

    private static String evaluationDescription(Io io, int[][] rows) {
        if (rows == null) {
            return null;
        }
        String src = io.evalIds() != null ? io.evalIds().toString()
                : io.evalText() != null ? io.evalText().toString() : io.model() + " protocol eval_ids";
        return rows.length + " rows of " + rows[0].length + " tokens from " + src;
    }

    private static int[][] toRows(CalibrationSet set, int max) {
        int n = max > 0 ? Math.min(max, set.rows()) : set.rows();
        int[] ids = set.ids();
        int[][] rows = new int[n][set.seqLen()];
        for (int r = 0; r < n; r++) {
            System.arraycopy(ids, r * set.seqLen(), rows[r], 0, set.seqLen());
        }
        return rows;
    }

    private static String readText(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError(p + ": no such file");
        } catch (IOException e) {
            throw new UserError(p + ": cannot read text: " + e.getMessage());
        }
    }

    /** Per-matrix sparsities from the chosen allocation, or null for uniform. */
    private Map<String, Double> allocate(LlamaModel shell, StreamedBlocks blocks, CalibrationSet calib,
            LlmPruneSettings s, int batch) {
        double target = s.pattern().sparsity();
        LlamaCheckpoint dense = blocks.checkpoint();
        return switch (s.allocation()) {
            case UNIFORM -> null;
            case GLOBAL -> {
                List<PrunableTensor> tensors = new ArrayList<>();
                forEachPrunable(dense, (name, block) -> tensors.add(new PrunableTensor(name, block,
                        dense.tensor(name).shape(), () -> abs(dense.tensor(name).toFloats()))));
                yield log(new GlobalAllocation(s.minDensity()), tensors, target);
            }
            case OWL -> {
                Map<String, WandaStatistics> stats = SequentialPruner.denseWandaStatistics(shell, blocks, calib, batch);
                List<PrunableTensor> tensors = new ArrayList<>();
                forEachPrunable(dense, (name, block) -> {
                    long[] shape = dense.tensor(name).shape();
                    tensors.add(new PrunableTensor(name, block, shape, () -> Wanda.metric(dense.tensor(name).toFloats(),
                            (int) shape[0], (int) shape[1], stats.get(name).scalerRow())));
                });
                yield log(new OwlAllocation(s.owlM(), s.owlLambda()), tensors, target);
            }
        };
    }

    private static void forEachPrunable(LlamaCheckpoint ckpt, java.util.function.ObjIntConsumer<String> action) {
        for (int b = 0; b < ckpt.config().numLayers(); b++) {
            for (String rel : LlamaTensorNames.BLOCK_LINEARS) {
                action.accept(LlamaTensorNames.linearWeight(b, rel), b);
            }
        }
    }

    private Map<String, Double> log(SparsityAllocation a, List<PrunableTensor> tensors, double target) {
        Map<String, Double> out = a.allocate(tensors, target);
        log.printf("%s allocation for target %.4f%n", a.name(), target);
        return out;
    }

    private static float[] abs(float[] w) {
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.abs(w[i]);
        }
        return w;
    }

    /** Rows per calibration forward so that one batch's activations stay within a fixed budget. */
    private static int autoBatch(LlamaCheckpoint ckpt, CalibrationSet calib) {
        if (calib == null) {
            return 1;
        }
        var c = ckpt.config();
        long t = calib.seqLen();
        long perRow = 4L * (t * t * c.numHeads() + 3 * t * Math.max(c.intermediateSize(), c.hiddenSize()) + 4 * t * c.hiddenSize());
        return (int) Math.max(1, Math.min(calib.rows(), BATCH_BUDGET_BYTES / Math.max(1, perRow)));
    }

    /** Writes the pruned model in the input's format (HF keeps the input's storage dtype). */
    private static void save(LlamaCheckpoint pruned, LlamaCheckpoint input, Path out) {
        if (input.format() == CheckpointFormat.LLAMA2C) {
            Llama2cFormat.write(pruned, out);
            copyTokenizerBeside(input, out);
        } else {
            TensorData embed = input.tensor(LlamaTensorNames.EMBED);
            DType dtype = embed.dtype().isFloating() ? embed.dtype() : DType.F32;
            HfFormat.write(pruned, out, HfWriteOptions.defaults().withDtype(dtype));
        }
    }

    /** A llama2.c model finds its tokenizer beside it: copy it there unless one is already present. */
    private static void copyTokenizerBeside(LlamaCheckpoint input, Path out) {
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

    /** Wall-clock laps in seconds. */
    private static final class Stopwatch {
        private long last = System.nanoTime();

        double lap() {
            long now = System.nanoTime();
            double s = (now - last) / 1e9;
            last = now;
            return s;
        }
    }
}
