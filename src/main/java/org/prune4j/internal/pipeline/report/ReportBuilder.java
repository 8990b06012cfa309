package org.prune4j.internal.pipeline.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.prune4j.UserError;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaTensorNames;
import org.prune4j.internal.pipeline.calibrate.CalibrationSet;
import org.prune4j.internal.pipeline.evaluate.EvaluationRows;
import org.prune4j.internal.pipeline.evaluate.ModelEvaluation;
import org.prune4j.internal.pipeline.load.SourceModel;
import org.prune4j.internal.pipeline.load.WorkingModel;
import org.prune4j.internal.pipeline.prune.MatrixPatterns;
import org.prune4j.internal.pipeline.prune.PruningSpec;
import org.prune4j.internal.pipeline.save.OutputTarget;

/** Collects what each stage of a job measured, with the wall-clock time of each stage, into a {@link PruneReport}. */
public final class ReportBuilder {
    private final String model;
    private final PruningSpec pruning;
    private final long t0 = System.nanoTime();
    private long last = t0;
    private final Map<String, Double> stages = new LinkedHashMap<>();
    private String residency;
    private String calibration;
    private String evaluation;
    private long inputBytes;
    private Path sourcePath;
    private ModelEvaluation dense;
    private ModelEvaluation pruned;
    private MatrixPatterns patterns;
    private final Map<String, Double> matrices = new LinkedHashMap<>();
    private final List<Double> blockSparsity = new ArrayList<>();
    private long params;
    private long zeros;
    private OutputTarget saved;

    /** A report of pruning {@code model} as {@code pruning} says, its clock started now. */
    public ReportBuilder(String model, PruningSpec pruning) {
        this.model = model;
        this.pruning = pruning;
    }

    /** Ends the stage called {@code name}: its time is the time since the previous stage ended. */
    public void stage(String name) {
        long now = System.nanoTime();
        stages.merge(name, (now - last) / 1e9, Double::sum);
        last = now;
    }

    /** The model is built; ends stage {@code build}. */
    public void built(SourceModel source, WorkingModel model, CalibrationSet calib, EvaluationRows rows) {
        residency = model.residency().name().toLowerCase(java.util.Locale.ROOT);
        calibration = calib == null ? null : calib.description();
        evaluation = rows == null ? null : rows.description();
        sourcePath = source.checkpoint().source();
        inputBytes = sizeOnDisk(sourcePath);
        stage("build");
    }

    /** The dense model was evaluated; ends stage {@code evaluate_dense}. */
    public void dense(ModelEvaluation e) {
        dense = e;
        stage("evaluate_dense");
    }

    /** Sparsities were allocated; ends stage {@code allocate}. */
    public void allocated(MatrixPatterns p) {
        patterns = p;
        stage("allocate");
    }

    /** The pruned model was evaluated; ends stage {@code evaluate_pruned}. */
    public void pruned(ModelEvaluation e) {
        pruned = e;
        stage("evaluate_pruned");
    }

    /** Counts the zeros of every pruned matrix of {@code prunedModel}. */
    public void measure(LlamaCheckpoint prunedModel) {
        for (int b = 0; b < prunedModel.config().numLayers(); b++) {
            double blockSum = 0;
            for (String rel : LlamaTensorNames.BLOCK_LINEARS) {
                String name = LlamaTensorNames.linearWeight(b, rel);
                float[] w = prunedModel.tensor(name).toFloats();
                long z = 0;
                for (float v : w) {
                    z += v == 0f ? 1 : 0;
                }
                matrices.put(name, z / (double) w.length);
                params += w.length;
                zeros += z;
                blockSum += patterns.of(name).sparsity();
            }
            blockSparsity.add(blockSum / LlamaTensorNames.BLOCK_LINEARS.size());
        }
    }

    /** The pruned model was written; ends stage {@code save}. */
    public void saved(OutputTarget target) {
        saved = target;
        stage("save");
    }

    /** The report. */
    public PruneReport build() {
        return new PruneReport(model, saved == null ? null : saved.out().toString(),
                saved == null ? null : saved.format(), pruning.method().name(), pruning.method().settings(),
                pruning.pattern().toString(), pruning.allocation().kind().cliName(), residency, calibration, evaluation,
                blockSparsity, matrices, params == 0 ? 0 : zeros / (double) params, params,
                PruneReport.PRUNED_PARAMETERS_COUNTS, zeros,
                dense == null ? null : dense.ppl(), pruned == null ? null : pruned.ppl(),
                dense == null ? null : dense.tokensPerSecond(), pruned == null ? null : pruned.tokensPerSecond(),
                inputBytes, saved == null ? null : sizeOnDisk(saved.out()),
                saved != null && saved.format().startsWith("hf-sparse") ? PruneReport.COMPRESSED_STORAGE : PruneReport.DENSE_STORAGE, stages,
                (System.nanoTime() - t0) / 1e9);
    }

    /** Bytes of a file, or of every file under a directory (0 for a model without a path). */
    public static long sizeOnDisk(Path p) {
        if (p == null || !Files.exists(p)) {
            return 0;
        }
        try {
            if (!Files.isDirectory(p)) {
                return Files.size(p);
            }
            try (Stream<Path> s = Files.walk(p)) {
                return s.filter(Files::isRegularFile).mapToLong(f -> {
                    try {
                        return Files.size(f);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).sum();
            }
        } catch (IOException | UncheckedIOException e) {
            throw new UserError(p + ": cannot read its size: " + e.getMessage());
        }
    }
}
