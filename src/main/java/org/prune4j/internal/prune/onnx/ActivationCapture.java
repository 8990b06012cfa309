package org.prune4j.internal.prune.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.prune4j.internal.io.onnx.InputTensor;
import org.prune4j.internal.io.onnx.OnnxRunner;
import org.prune4j.internal.io.onnx.OutputTensor;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;

/**
 * Captures ‖X_p‖₂ per position along an axis of the tensors that feed the prunable groups' weights, by
 * running the model in ONNX Runtime on the calibration inputs with those tensors exposed as outputs.
 */
final class ActivationCapture {
    private ActivationCapture() {}

    static UnitScores.ActivationNorms capture(ModelProto model, List<GroupAnalysis.Group> groups,
            List<Map<String, InputTensor>> calib, String what) {
        Map<String, Set<Integer>> wanted = new HashMap<>();
        for (GroupAnalysis.Group g : groups) {
            for (Edit.SliceConstant s : g.slices()) {
                if (s.activation() != null) {
                    wanted.computeIfAbsent(s.activation(), k -> new LinkedHashSet<>()).add(s.activationAxis());
                }
            }
        }
        Map<String, Map<Integer, double[]>> sums = new HashMap<>();
        List<String> names = new ArrayList<>(wanted.keySet());
        ModelProto exposed = OnnxRunner.exposeOutputs(model, names);
        try (OnnxRunner r = OnnxRunner.open(exposed, what, 0)) {
            for (Map<String, InputTensor> feed : calib) {
                Map<String, OutputTensor> out = r.run(feed, names);
                for (String n : names) {
                    OutputTensor t = out.get(n);
                    for (int axis : wanted.get(n)) {
                        int len = (int) t.shape()[axis];
                        double[] acc = sums.computeIfAbsent(n, k -> new HashMap<>()).computeIfAbsent(axis, k -> new double[len]);
                        long inner = 1;
                        for (int i = axis + 1; i < t.shape().length; i++) {
                            inner *= t.shape()[i];
                        }
                        float[] v = t.values();
                        for (int i = 0; i < v.length; i++) {
                            acc[(int) ((i / inner) % len)] += (double) v[i] * v[i];
                        }
                    }
                }
            }
        }
        for (Map<Integer, double[]> m : sums.values()) {
            for (double[] a : m.values()) {
                for (int i = 0; i < a.length; i++) {
                    a[i] = Math.sqrt(a[i]);
                }
            }
        }
        return new UnitScores.ActivationNorms(sums);
    }
}
