package org.prune4j.internal.prune.onnx;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.io.onnx.InputTensor;
import org.prune4j.internal.io.onnx.OnnxModelWriter;
import org.prune4j.internal.io.onnx.OnnxRunner;
import org.prune4j.internal.io.onnx.OutputTensor;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;

/**
 * Structured pruning of any ONNX model: read → resolve shapes (ONNX Runtime) → build the groups → score →
 * allocate → remove → check the pruned model runs in ONNX Runtime with the same output shapes → write.
 * Nothing is written when any step fails.
 */
public final class OnnxPruneJob {
    private final PrintStream progress;

    /** A job that reports progress on {@code progress} (stderr in the CLI). */
    public OnnxPruneJob(PrintStream progress) {
        this.progress = progress;
    }

    /** Prunes {@code in} into {@code out} (a different path). */
    public OnnxPruneReport run(Path in, Path out, OnnxPruneSettings s) {
        long t0 = System.nanoTime();
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new UserError("--out: must differ from the input model " + in);
        }
        AnalysedModel m = AnalysedModel.load(in, s.dims());
        List<GroupAnalysis.Group> groups = m.analysis.groups;
        if (groups.isEmpty()) {
            throw new UserError(in + ": nothing prunable: " + (m.analysis.stopped.isEmpty() ? "no Conv, Gemm or MatMul with constant weights"
                    : "every group is stopped (" + String.join("; ", m.stoppedBy().keySet().stream().limit(3).toList()) + ")"));
        }
        UnitScores.ActivationNorms acts = null;
        if (s.method() == ImportanceMethod.ACTIVATION) {
            List<Map<String, InputTensor>> calib;
            try (OnnxRunner r = OnnxRunner.open(m.model, in.toString(), 0)) {
                calib = CalibrationInputs.load(s.calib(), s.tokenizer(), r, s.maxCalib());
            }
            if (calib.isEmpty()) {
                throw new UserError("--calib " + s.calib() + ": no calibration samples");
            }
            progress.printf(Locale.ROOT, "%s: %d prunable groups, %d stopped; capturing activations on %d calibration samples%n",
                    in, groups.size(), m.analysis.stopped.size(), calib.size());
            acts = ActivationCapture.capture(m.model, groups, calib, in.toString());
        }
        if (acts == null) {
            progress.printf(Locale.ROOT, "%s: %d prunable groups, %d stopped%n", in, groups.size(), m.analysis.stopped.size());
        }
        Map<Integer, double[]> scores = new LinkedHashMap<>();
        for (GroupAnalysis.Group g : groups) {
            scores.put(g.id(), UnitScores.score(g, m.graph, s.method(), s.groupScore(), acts, s.seed()));
        }
        Map<Space, int[]> keep = UnitAllocation.allocate(groups, scores, m.cost, s.target(), s.scope(), s.roundTo());
        ModelProto pruned = GraphSurgery.remove(m.analysis, keep);
        checkRuns(m, pruned, in);
        if (m.externalData) {
            OnnxModelWriter.writeWithExternalData(pruned, out, out.getFileName() + ".data", OnnxModelWriter.DEFAULT_EXTERNAL_THRESHOLD);
        } else {
            OnnxModelWriter.write(pruned, out);
        }
        long bytesAfter = AnalysedModel.size(out) + (m.externalData ? AnalysedModel.size(out.toAbsolutePath().resolveSibling(out.getFileName() + ".data")) : 0);
        Map<Space, Long> counts = AnalysedModel.counts(keep);
        List<OnnxPruneReport.GroupOutcome> outcomes = new ArrayList<>();
        for (GroupAnalysis.Group g : groups) {
            outcomes.add(new OnnxPruneReport.GroupOutcome(g.id(), g.origin(), g.units(), keep.get(g.root()).length,
                    AnalysedModel.channelsPerUnit(g), AnalysedModel.tensors(g)));
        }
        String target = switch (s.target()) {
            case PruneTarget.ParameterRatio r -> String.format(Locale.ROOT, "ratio %s of the prunable groups' parameters", r.ratio());
            case PruneTarget.MacsFraction f -> String.format(Locale.ROOT, "MACs at most %s of dense", f.fraction());
        };
        return new OnnxPruneReport(in.toString(), out.toString(), s.method().cliName(), s.scope().name().toLowerCase(Locale.ROOT),
                target, m.cost.parameters(Map.of()), m.cost.parameters(counts), m.cost.macs(Map.of()), m.cost.macs(counts),
                m.fileBytes, bytesAfter, m.probeShapes(), outcomes, m.stoppedBy(), (System.nanoTime() - t0) / 1e9);
    }

    /** The pruned model must load in ONNX Runtime and give outputs of the original's shapes on the probe inputs. */
    private static void checkRuns(AnalysedModel m, ModelProto pruned, Path in) {
        Map<String, OutputTensor> before;
        try (OnnxRunner r = OnnxRunner.open(m.model, in.toString(), 0)) {
            before = r.run(m.probeInputs, List.of());
        }
        Map<String, OutputTensor> after;
        try (OnnxRunner r = OnnxRunner.open(pruned, "pruned " + in, 0)) {
            after = r.run(m.probeInputs, List.of());
        } catch (UserError e) {
            throw new IllegalStateException("the pruned model does not run: " + e.getMessage(), e);
        }
        for (Map.Entry<String, OutputTensor> e : before.entrySet()) {
            OutputTensor a = after.get(e.getKey());
            if (a == null || !java.util.Arrays.equals(a.shape(), e.getValue().shape())) {
                throw new IllegalStateException("the pruned model's output " + e.getKey() + " changed shape");
            }
        }
    }

    /** The groups of {@code in} without pruning (for {@code inspect --groups}); {@code dims} as in {@link OnnxPruneSettings}. */
    public static OnnxGroupListing inspect(Path in, Map<String, Long> dims) {
        AnalysedModel m = AnalysedModel.load(in, dims);
        return OnnxGroupListing.of(m);
    }
}
