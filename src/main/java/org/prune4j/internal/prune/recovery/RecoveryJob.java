package org.prune4j.internal.prune.recovery;

import org.prune4j.api.report.RecoveryReport;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.eval.Perplexity;
import org.prune4j.internal.eval.TokenWindows;
import org.prune4j.internal.io.AtomicOutput;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.io.IdsFileSpec;
import org.prune4j.internal.io.SafetensorsWriter;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.io.hf.HfFormat;
import org.prune4j.internal.io.hf.HfWriteOptions;
import org.prune4j.internal.io.llama2c.Llama2cFormat;
import org.prune4j.internal.model.BundledModels;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.CheckpointFormat;
import org.prune4j.internal.model.llama.DecoderBlock;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.model.llama.LlamaTensorNames;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.pipeline.calibrate.Calibration;
import org.prune4j.internal.pipeline.calibrate.CalibrationSet;
import org.prune4j.internal.tokenizer.Tokenizer;
import org.prune4j.internal.tokenizer.Tokenizers;
import org.prune4j.internal.train.lm.LmTrainer;
import org.prune4j.internal.train.lm.NextTokenLoss;
import org.prune4j.internal.train.lm.TokenWindowSet;

/**
 * {@code prune4j recover}: fine-tunes a pruned Llama-family model to win back quality, then writes it in
 * the input's format with a JSON report. The lifecycle (load, check every input, evaluate, train, merge,
 * evaluate, save) lives here; the adapters' math in {@link LowRankAdapter}, the loss of distillation in
 * {@link Distillation}, the training loop in {@link LmTrainer}.
 */
public final class RecoveryJob {
    private final PrintStream log;
    private final java.util.function.Function<RecoveryReport, String> reportJson;

    /** A job that prints its progress to {@code log}. */
    public RecoveryJob(PrintStream log) {
        this(log, r -> r.toJson(true));
    }

    private RecoveryJob(PrintStream log, java.util.function.Function<RecoveryReport, String> reportJson) {
        this.log = log;
        this.reportJson = reportJson;
    }

    /** This job writing the report file as {@code json} gives it (e.g. with the recipe embedded). */
    public RecoveryJob withReportJson(java.util.function.Function<RecoveryReport, String> json) {
        return new RecoveryJob(log, json);
    }

    /** Where the job reads and writes. {@code teacher}, texts, ids and {@code tokenizer} may be null. */
    public record Io(String model, Path tokenizer, String teacher, Path trainText, IdsFileSpec trainIds, Path evalText,
            IdsFileSpec evalIds, int evalSeqLen, int maxEvalWindows, Path out, boolean trackPerplexity) {}

    public RecoveryReport run(Io io, RecoverySettings s) {
        long started = System.nanoTime();
        LlamaCheckpoint ckpt = ModelLocator.loadLlama(io.model(), io.tokenizer());
        checkOutput(ckpt, io.out());
        if (s.method() == RecoveryMethod.DISTILL && io.teacher() == null) {
            throw new UserError("--method distill needs the dense model: --teacher DENSE");
        }
        Engine.getInstance().setRandomSeed((int) s.training().seed());
        try (NDManager weights = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(ckpt, weights);
            LlamaModel teacher = io.teacher() == null ? null : loadTeacher(io.teacher(), ckpt, weights, s);
            Tokenizer tok = io.trainText() != null || io.evalText() != null ? tokenizer(ckpt, io) : null;
            int[][] windows = trainingWindows(io, s, ckpt, tok);
            TokenWindowSet data = TokenWindowSet.split(windows, s.validationFraction(), s.training().seed());
            int[][] evalRows = evaluationRows(io, ckpt, tok);
            List<Linear> targets = targets(model, s);
            Sparsity before = Sparsity.of(model);
            Double teacherPpl = teacher == null || evalRows == null ? null : new Perplexity(teacher).evaluate(evalRows).ppl();
            Double prunedPpl = evalRows == null ? null : new Perplexity(model).evaluate(evalRows).ppl();
            if (prunedPpl != null) {
                log.printf(Locale.ROOT, "pruned perplexity %.4f%n", prunedPpl);
            }
            List<LowRankAdapter> adapters = new ArrayList<>();
            Map<String, Parameter> trainable = trainable(model, s, targets, adapters);
            long trainableCount = trainable.values().stream().mapToLong(Parameter::numel).sum();
            Distillation distill = s.method() == RecoveryMethod.DISTILL
                    ? new Distillation(model, teacher, s.temperature(), s.hiddenMseWeight()) : null;
            LmTrainer.Objective objective = distill != null ? distill::loss
                    : (ids, scope) -> NextTokenLoss.mean(model.logits(scope, ids), ids);
            LmTrainer.Objective validation = (ids, scope) -> NextTokenLoss.mean(model.logits(scope, ids), ids);
            List<double[]> curve = new ArrayList<>();
            if (prunedPpl != null) {
                curve.add(new double[] {0, prunedPpl});
            }
            LmTrainer.Result result;
            setTraining(model, adapters, true);
            try {
                result = new LmTrainer(s.training(), log).train(trainable, data, objective,
                        (ids, scope) -> withTraining(model, adapters, false, () -> validation.loss(ids, scope)), weights,
                        step -> {
                            if (io.trackPerplexity() && evalRows != null) {
                                double p = withTraining(model, adapters, false,
                                        () -> new Perplexity(model).evaluate(evalRows).ppl());
                                curve.add(new double[] {step, p});
                                log.printf(Locale.ROOT, "step %d: perplexity %.4f%n", step, p);
                            }
                        });
            } finally {
                setTraining(model, adapters, false);
            }
            Map<String, TensorData> adapterTensors = new LinkedHashMap<>();
            Double recoveredPpl;
            if (s.keepAdapters()) {
                recoveredPpl = evalRows == null ? null : new Perplexity(model).evaluate(evalRows).ppl();
                for (int i = 0; i < adapters.size(); i++) {
                    LowRankAdapter a = adapters.get(i);
                    String name = adapterName(model, targets.get(i));
                    adapterTensors.put(name + ".lora_A", TensorData.of(a.loraA().value()));
                    adapterTensors.put(name + ".lora_B", TensorData.of(a.loraB().value()));
                    a.remove();
                }
            } else {
                adapters.forEach(LowRankAdapter::merge);
                recoveredPpl = evalRows == null ? null : new Perplexity(model).evaluate(evalRows).ppl();
            }
            if (recoveredPpl != null) {
                log.printf(Locale.ROOT, "recovered perplexity %.4f%n", recoveredPpl);
            }
            Sparsity after = Sparsity.of(model);
            if (s.trained().keepsSparsity() && after.zeros() < before.zeros()) {
                throw new IllegalStateException(s.trained().cliName() + " lost " + (before.zeros() - after.zeros())
                        + " zeros of the pruned weights");
            }
            save(model.toCheckpoint(), ckpt, io.out());
            if (s.keepAdapters()) {
                Map<String, String> meta = Map.of("scale", Float.toString(s.alpha() / s.rank()), "kind",
                        s.trained().cliName(), "rank", Integer.toString(s.rank()));
                SafetensorsWriter.write(adaptersPath(io.out()), adapterTensors, meta);
            }
            RecoveryReport report = new RecoveryReport(io.model(), s.describe(), s.targets(), s.rank(), s.alpha(),
                    s.dropout(), teacherPpl, prunedPpl, recoveredPpl, before.fraction(), after.fraction(), before.zeros(),
                    after.zeros(), before.total(), trainableCount, result.steps(), result.tokensSeen(),
                    data.trainWindows(), data.validationWindows(), data.seqLen(), result.bestValidationLoss(),
                    result.stoppedEarly(), result.resumedFromStep(), result.seconds(), (System.nanoTime() - started) / 1e9,
                    evalRows == null ? null : evalRows.length + " rows of " + evalRows[0].length + " tokens",
                    result.history(), curve);
            AtomicOutput.writeString(reportPath(io.out()), reportJson.apply(report) + "\n");
            return report;
        }
    }

    private static <T> T withTraining(LlamaModel model, List<LowRankAdapter> adapters, boolean on,
            java.util.function.Supplier<T> body) {
        boolean was = model.isTraining();
        setTraining(model, adapters, on);
        try {
            return body.get();
        } finally {
            setTraining(model, adapters, was);
        }
    }

    private static void setTraining(LlamaModel model, List<LowRankAdapter> adapters, boolean on) {
        model.train(on);
        adapters.forEach(a -> a.train(on));
    }

    private static LlamaModel loadTeacher(String path, LlamaCheckpoint student, NDManager weights, RecoverySettings s) {
        LlamaCheckpoint t = ModelLocator.loadLlama(path, null);
        if (t.config().vocabSize() != student.config().vocabSize()) {
            throw new UserError("--teacher " + path + ": vocabulary of " + t.config().vocabSize()
                    + " tokens, the model's has " + student.config().vocabSize());
        }
        if (t.config().hiddenSize() != student.config().hiddenSize() || t.config().numLayers() != student.config().numLayers()) {
            throw new UserError("--teacher " + path + ": " + t.config().numLayers() + " blocks of width "
                    + t.config().hiddenSize() + ", the model has " + student.config().numLayers() + " of width "
                    + student.config().hiddenSize());
        }
        return LlamaModel.load(t, weights);
    }

    private static Tokenizer tokenizer(LlamaCheckpoint ckpt, Io io) {
        Path t = io.tokenizer() != null ? io.tokenizer() : ckpt.tokenizer();
        if (t == null) {
            throw new UserError(ckpt.source() + ": no tokenizer found beside the model; pass --tokenizer FILE");
        }
        return Tokenizers.load(t, ckpt.config().vocabSize());
    }

    private static int[][] trainingWindows(Io io, RecoverySettings s, LlamaCheckpoint ckpt, Tokenizer tok) {
        int context = ckpt.config().maxPositions();
        if (io.trainIds() != null) {
            CalibrationSet set = CalibrationSet.fromIds(io.trainIds().read(), io.trainIds().toString(),
                    ckpt.config().vocabSize(), context);
            if (set.seqLen() < 2) {
                throw new UserError("--train-ids " + io.trainIds() + ": rows of " + set.seqLen() + " token; a window needs 2");
            }
            return set.firstRows(0);
        }
        if (io.trainText() == null) {
            throw new UserError("training data is needed: --train TEXT or --train-ids IDS");
        }
        int seqLen = s.seqLen() > 0 ? s.seqLen() : Math.min(256, context);
        if (seqLen > context) {
            throw new UserError("--seqlen " + seqLen + ": longer than the model's context of " + context);
        }
        int[] stream = tok.encode(Calibration.readText(io.trainText()), true, false);
        return TokenWindowSet.windows(stream, seqLen, "--train " + io.trainText());
    }

    private static int[][] evaluationRows(Io io, LlamaCheckpoint ckpt, Tokenizer tok) {
        int context = ckpt.config().maxPositions();
        if (io.evalIds() != null) {
            return CalibrationSet.fromIds(io.evalIds().read(), io.evalIds().toString(), ckpt.config().vocabSize(),
                    context).firstRows(io.maxEvalWindows());
        }
        if (io.evalText() != null) {
            int seqLen = io.evalSeqLen() > 0 ? io.evalSeqLen() : context;
            if (seqLen > context) {
                throw new UserError("--eval-seqlen " + seqLen + ": longer than the model's context of " + context);
            }
            return TokenWindows.split(tok.encode(Calibration.readText(io.evalText()), true, false), seqLen, io.maxEvalWindows());
        }
        if (BundledModels.isBundled(io.model())) {
            IdsFileSpec spec = new IdsFileSpec(BundledModels.protocol(io.model()), "eval_ids");
            return CalibrationSet.fromIds(spec.read(), io.model() + " protocol eval_ids", ckpt.config().vocabSize(),
                    context).firstRows(io.maxEvalWindows());
        }
        return null;
    }

    /** The Linears that get adapters, block by block in target order; checks the rank against their sides. */
    private static List<Linear> targets(LlamaModel model, RecoverySettings s) {
        List<Linear> out = new ArrayList<>();
        if (!s.trained().usesAdapters()) {
            return out;
        }
        for (DecoderBlock b : model.blocks()) {
            Map<String, Module> mods = b.namedModules();
            for (String t : s.targets()) {
                Linear l = (Linear) mods.get(RecoverySettings.TARGETS.get(t));
                long side = Math.min(l.inFeatures(), l.outFeatures());
                if (s.rank() > side) {
                    throw new UserError("--rank " + s.rank() + ": larger than block " + b.index() + " " + t + "'s smaller side of "
                            + side + " (" + l.outFeatures() + "x" + l.inFeatures() + ")");
                }
                out.add(l);
            }
        }
        return out;
    }

    private static String adapterName(LlamaModel model, Linear l) {
        for (Map.Entry<String, Module> e : model.namedModules().entrySet()) {
            if (e.getValue() == l) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("adapter target not in the model");
    }

    private static Map<String, Parameter> trainable(LlamaModel model, RecoverySettings s, List<Linear> targets,
            List<LowRankAdapter> adapters) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        switch (s.trained()) {
            case LORA, MASKED_LORA, SCALE_LORA -> {
                LowRankAdapter.Kind kind = s.trained() == RecoveryMethod.LORA ? LowRankAdapter.Kind.PLAIN
                        : s.trained() == RecoveryMethod.MASKED_LORA ? LowRankAdapter.Kind.MASKED : LowRankAdapter.Kind.SCALED;
                for (int i = 0; i < targets.size(); i++) {
                    LowRankAdapter a = new LowRankAdapter(targets.get(i), kind, s.rank(), s.alpha(), s.dropout(),
                            s.training().seed() * 1_000_003L + i);
                    a.install();
                    adapters.add(a);
                    String name = adapterName(model, targets.get(i));
                    out.put(name + ".lora_A", a.loraA());
                    out.put(name + ".lora_B", a.loraB());
                }
            }
            case NORMS_BIASES -> model.namedParameters().forEach((k, p) -> {
                if (k.endsWith("norm.weight") || k.endsWith(".bias")) {
                    out.put(k, p);
                }
            });
            case FULL -> model.namedParameters().forEach((k, p) -> {
                if (Sparsity.isPrunable(k, p)) {
                    try (NDManager scope = p.value().getManager().newSubManager()) {
                        NDArray keep = p.value().neq(0).toType(DataType.FLOAT32, false);
                        keep.attach(scope);
                        p.setMask(keep);
                    }
                }
                out.put(k, p);
            });
            case DISTILL -> throw new IllegalStateException("distill trains its student");
        }
        if (out.isEmpty()) {
            throw new UserError("--method " + s.trained().cliName() + ": the model has no parameter of that kind to train");
        }
        return out;
    }

    private static void checkOutput(LlamaCheckpoint ckpt, Path outPath) {
        if (ckpt.source() == null) {
            return;
        }
        Path in = ckpt.source().toAbsolutePath().normalize();
        Path out = outPath.toAbsolutePath().normalize();
        if (in.equals(out) || (Files.isDirectory(in) && out.startsWith(in))) {
            throw new UserError("--out " + outPath + ": is the input model; write the recovered model somewhere else");
        }
        if (ckpt.format() == CheckpointFormat.LLAMA2C && Files.isDirectory(out)) {
            throw new UserError("--out " + outPath + ": is a directory; a llama2.c model is written to a file");
        }
    }

    private static void save(LlamaCheckpoint recovered, LlamaCheckpoint input, Path out) {
        if (input.format() == CheckpointFormat.LLAMA2C) {
            Llama2cFormat.write(recovered, out);
            Path tok = input.tokenizer();
            Path target = out.toAbsolutePath().resolveSibling(tok == null ? "none" : tok.getFileName().toString());
            if (tok != null && !Files.exists(target)) {
                try {
                    byte[] bytes = Files.readAllBytes(tok);
                    AtomicOutput.writeFile(target, o -> o.write(bytes));
                } catch (IOException e) {
                    throw new UserError(tok + ": cannot copy the tokenizer beside the output: " + e.getMessage());
                }
            }
        } else {
            TensorData embed = input.tensor(LlamaTensorNames.EMBED);
            DType dtype = embed.dtype().isFloating() ? embed.dtype() : DType.F32;
            HfFormat.write(recovered, out, HfWriteOptions.defaults().withDtype(dtype));
        }
    }

    /** {@code FILE.report.json} beside a file, {@code recover_report.json} inside a directory. */
    public static Path reportPath(Path out) {
        return Files.isDirectory(out) ? out.resolve("recover_report.json")
                : out.resolveSibling(out.getFileName() + ".report.json");
    }

    /** {@code FILE.adapters.safetensors} beside a file, {@code adapters.safetensors} inside a directory. */
    public static Path adaptersPath(Path out) {
        return Files.isDirectory(out) ? out.resolve("adapters.safetensors")
                : out.resolveSibling(out.getFileName() + ".adapters.safetensors");
    }

}
