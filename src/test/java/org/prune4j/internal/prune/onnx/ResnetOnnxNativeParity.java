package org.prune4j.internal.prune.onnx;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.prune4j.internal.cli.Main;
import org.prune4j.internal.data.Cifar10Binary;
import org.prune4j.internal.data.Dataset;
import org.prune4j.internal.eval.ImageClassificationEval;
import org.prune4j.internal.io.onnx.InputTensor;
import org.prune4j.internal.io.onnx.OnnxModelReader;
import org.prune4j.internal.io.onnx.OnnxRunner;
import org.prune4j.internal.io.onnx.OnnxTensors;
import org.prune4j.internal.io.onnx.export.OnnxExportFile;
import org.prune4j.internal.io.onnx.export.OnnxExportOptions;
import org.prune4j.internal.io.onnx.export.VisionOnnxExport;
import org.prune4j.internal.io.onnx.export.VisionOnnxExportTest;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;
import org.prune4j.internal.io.onnx.proto.Onnx.TensorProto;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionModels;

/**
 * A CIFAR ResNet pruned natively ({@code prune --arch NAME --method l2 --scope local --ratio 0.25 --step 0.25}) and on
 * its ONNX export ({@code prune --onnx --method l2 --scope local --group-score sum} at the parameter fraction that
 * removes a quarter of every group's channels), then compared: the natively pruned model's tensors against the
 * ONNX-pruned initializers of the same names, and logits and accuracy (prune4j vs ONNX Runtime) on CIFAR-10
 * images. {@link ResnetOnnxNativeParityTest} explains why the two rankings coincide. Run by hand on another model:
 * {@code java -cp ... org.prune4j.internal.prune.onnx.ResnetOnnxNativeParity ARCH CHECKPOINT CIFAR_BIN WORKDIR}.
 */
final class ResnetOnnxNativeParity {
    private ResnetOnnxNativeParity() {}

    /**
     * What the comparison found.
     *
     * @param pruned       the ONNX-pruned model
     * @param mismatched   names of native tensors missing on the ONNX side or differing in shape or value
     * @param compared     native floating-point tensors compared
     * @param nativeLogits the natively pruned model's logits (prune4j)
     * @param onnxLogits   the ONNX-pruned model's logits (ONNX Runtime)
     */
    record Result(ModelProto pruned, List<String> mismatched, int compared, float[] nativeLogits, float[] onnxLogits,
            double nativeAccuracy, double onnxAccuracy, double denseAccuracy, long paramsDense, long paramsPruned) {
        double maxLogitDifference() {
            double d = 0;
            for (int i = 0; i < nativeLogits.length; i++) {
                d = Math.max(d, Math.abs(nativeLogits[i] - onnxLogits[i]));
            }
            return d;
        }
    }

    static Result run(String arch, Path checkpoint, Path images, Path dir) {
        Path onnx = dir.resolve(arch + ".onnx");
        try (NDManager m = NDManager.newBaseManager()) {
            OnnxExportFile.write(VisionOnnxExport.build(VisionModels.load(arch, checkpoint, m), OnnxExportOptions.defaults()), onnx);
        }
        Path nativePruned = dir.resolve(arch + "-native.safetensors");
        check(Main.run("prune", "--arch", arch, "--model", checkpoint.toString(), "--method", "l2", "--scope", "local", "--ratio", "0.25",
                "--step", "0.25", "--latency-reps", "1", "--out", nativePruned.toString()), "native prune");
        AnalysedModel dense = AnalysedModel.load(onnx);
        Map<Space, Long> quarterOff = new HashMap<>();
        for (GroupAnalysis.Group g : dense.analysis.groups) {
            quarterOff.put(g.root(), g.units() * 3 / 4);
        }
        long p0 = dense.cost.prunableParameters(Map.of());
        // the bisection on the local fraction stops at the first widths that remove this many parameters: 3/4 of each group
        double ratio = (p0 - dense.cost.prunableParameters(quarterOff) - 0.5) / p0;
        Path onnxPruned = dir.resolve(arch + "-pruned.onnx");
        check(Main.run("prune", "--onnx", onnx.toString(), "--method", "l2", "--scope", "local", "--group-score", "sum", "--ratio",
                Double.toString(ratio), "--out", onnxPruned.toString()), "ONNX prune");

        Dataset data = Cifar10Binary.read(images, VisionModels.spec(arch).normalization());
        float[] pixels = VisionOnnxExportTest.images(data);
        Shape shape = new Shape(data.size(), 3, 32, 32);
        float[] expected;
        double nativeAccuracy;
        double denseAccuracy;
        long paramsDense;
        long paramsPruned;
        ModelProto nativeExport;
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel denseModel = VisionModels.load(arch, checkpoint, m);
            denseAccuracy = ImageClassificationEval.evaluate(denseModel, data, 100).accuracy();
            paramsDense = denseModel.parameterCount();
            VisionModel model = VisionModels.load(arch, nativePruned, m);
            nativeAccuracy = ImageClassificationEval.evaluate(model, data, 100).accuracy();
            paramsPruned = model.parameterCount();
            expected = model.forward(m.create(pixels, shape)).toFloatArray();
            nativeExport = VisionOnnxExport.build(model, OnnxExportOptions.defaults());
        }
        ModelProto pruned = OnnxModelReader.read(onnxPruned);
        Map<String, TensorProto> got = new HashMap<>();
        pruned.getGraph().getInitializerList().forEach(t -> got.put(t.getName(), t));
        List<String> mismatched = new java.util.ArrayList<>();
        int compared = 0;
        for (TensorProto want : nativeExport.getGraph().getInitializerList()) {
            if (!OnnxTensors.type(want).isFloating()) {
                continue;
            }
            compared++;
            TensorProto have = got.get(want.getName());
            if (have == null || !java.util.Arrays.equals(OnnxTensors.shape(want), OnnxTensors.shape(have))
                    || !java.util.Arrays.equals(OnnxTensors.toFloats(want), OnnxTensors.toFloats(have))) {
                mismatched.add(want.getName());
            }
        }
        float[] actual;
        try (OnnxRunner ort = OnnxRunner.open(pruned, "pruned " + arch, 1)) {
            actual = ort.run(Map.of("input", InputTensor.ofFloats(shape.getShape(), pixels)), List.of("logits")).get("logits").values();
        }
        return new Result(pruned, mismatched, compared, expected, actual, nativeAccuracy, VisionOnnxExportTest.accuracy(actual, data),
                denseAccuracy, paramsDense, paramsPruned);
    }

    private static void check(int exit, String what) {
        if (exit != 0) {
            throw new IllegalStateException(what + " exited with " + exit);
        }
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        Path dir = Files.createDirectories(Path.of(args[3]));
        Result r = run(args[0], Path.of(args[1]), Path.of(args[2]), dir);
        System.out.printf(Locale.ROOT, "%s: %d native tensors compared, %d differ %s; params %d -> %d; accuracy dense %.4f, native pruned %.4f,"
                + " ONNX pruned (ONNX Runtime) %.4f; max |logit difference| %.3g; %.1f s%n", args[0], r.compared(), r.mismatched().size(),
                r.mismatched(), r.paramsDense(), r.paramsPruned(), r.denseAccuracy(), r.nativeAccuracy(), r.onnxAccuracy(),
                r.maxLogitDifference(), (System.nanoTime() - t0) / 1e9);
    }
}
