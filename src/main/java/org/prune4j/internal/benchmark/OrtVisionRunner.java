package org.prune4j.internal.benchmark;

import ai.djl.ndarray.NDArray;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import org.prune4j.internal.io.onnx.export.OnnxExportOptions;
import org.prune4j.internal.io.onnx.export.VisionOnnxExport;
import org.prune4j.internal.model.vision.VisionModel;

/** One forward pass of a vision model's ONNX export in ONNX Runtime (the input copied in before the clock starts). */
public final class OrtVisionRunner implements VisionBenchmark.Runner, AutoCloseable {
    private final OrtSession session;

    /** Exports {@code model} (float32) and opens it; {@code threads} as for {@link OrtSessions#open}. */
    public OrtVisionRunner(VisionModel model, String what, int threads) {
        this.session = OrtSessions.open(VisionOnnxExport.build(model, OnnxExportOptions.defaults()), what, threads);
    }

    @Override
    public double seconds(NDArray images) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(images.toFloatArray()), images.getShape().getShape())) {
            long t0 = System.nanoTime();
            try (OrtSession.Result r = session.run(Map.of("input", x))) {
                ((OnnxTensor) r.get("logits").orElseThrow()).getFloatBuffer();
                return (System.nanoTime() - t0) / 1e9;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed during the benchmark: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        OrtSessions.close(session);
    }
}
