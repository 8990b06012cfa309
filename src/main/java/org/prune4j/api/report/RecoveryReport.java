package org.prune4j.api.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code prune4j recover} did and measured; {@link #toJson} gives the report's keys ({@code pruned_ppl},
 * {@code recovered_ppl}, {@code sparsity_before}, {@code sparsity_after}, {@code trainable_parameters},
 * {@code steps}, {@code tokens_seen}, {@code seconds}, ...).
 */
public record RecoveryReport(String model, String method, List<String> targets, int rank, float alpha, float dropout,
        Double teacherPpl, Double prunedPpl, Double recoveredPpl, double sparsityBefore, double sparsityAfter,
        long zerosBefore, long zerosAfter, long prunableWeights, long trainableParameters, long steps, long tokensSeen,
        int trainWindows, int validationWindows, int seqLen, Double bestValidationLoss, boolean stoppedEarly,
        long resumedFromStep, double trainSeconds, double seconds, String evaluation, List<TrainingPoint> history,
        List<double[]> perplexityCurve) {

    public String toJson(boolean indent) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("method", method);
        m.put("targets", targets);
        m.put("rank", rank);
        m.put("alpha", alpha);
        m.put("dropout", dropout);
        m.put("evaluation", evaluation);
        m.put("teacher_ppl", teacherPpl);
        m.put("pruned_ppl", prunedPpl);
        m.put("recovered_ppl", recoveredPpl);
        m.put("sparsity_before", sparsityBefore);
        m.put("sparsity_after", sparsityAfter);
        m.put("zeros_before", zerosBefore);
        m.put("zeros_after", zerosAfter);
        m.put("prunable_weights", prunableWeights);
        m.put("trainable_parameters", trainableParameters);
        m.put("steps", steps);
        m.put("tokens_seen", tokensSeen);
        m.put("train_windows", trainWindows);
        m.put("validation_windows", validationWindows);
        m.put("seqlen", seqLen);
        m.put("best_validation_loss", bestValidationLoss);
        m.put("stopped_early", stoppedEarly);
        m.put("resumed_from_step", resumedFromStep);
        m.put("train_seconds", trainSeconds);
        m.put("seconds", seconds);
        List<Map<String, Object>> h = new ArrayList<>();
        for (TrainingPoint p : history) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("step", p.step());
            e.put("train_loss", p.trainLoss());
            e.put("validation_loss", p.validationLoss());
            e.put("lr", p.learningRate());
            h.add(e);
        }
        m.put("history", h);
        List<Map<String, Object>> c = new ArrayList<>();
        for (double[] p : perplexityCurve) {
            c.add(Map.of("step", (long) p[0], "ppl", p[1]));
        }
        m.put("perplexity_curve", c);
        try {
            return new ObjectMapper().configure(SerializationFeature.INDENT_OUTPUT, indent).writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
