package org.prune4j.internal.benchmark;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.internal.io.hf.LayerShape;
import org.prune4j.internal.io.onnx.OnnxDataType;
import org.prune4j.internal.io.onnx.export.LlamaOnnxExport;
import org.prune4j.internal.io.onnx.export.OnnxExportOptions;
import org.prune4j.internal.model.llama.LlamaCheckpoint;

/**
 * Prefill and decode of a Llama-family model in ONNX Runtime, through its key/value-cache export: the
 * prefill feeds the prompt with empty past tensors, each decode step feeds one token with the previous
 * step's {@code present.*} tensors as {@code past_key_values.*} (kept in ONNX Runtime, not copied out).
 */
public final class OrtLlmRunner implements LlmBenchmark.Runner, AutoCloseable {
    private final OrtSession session;
    private final List<LayerShape> shapes;
    private final int headDim;

    /** Exports {@code ckpt} (float32, with cache) and opens it; {@code threads} as for {@link OrtSessions#open}. */
    public OrtLlmRunner(LlamaCheckpoint ckpt, String what, int threads) {
        this.session = OrtSessions.open(LlamaOnnxExport.build(ckpt, new OnnxExportOptions(OnnxDataType.FLOAT, true)), what, threads);
        this.shapes = LayerShape.of(ckpt);
        this.headDim = ckpt.config().headDim();
    }

    @Override
    public double[] once(int[] prompt, int[] continuation) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<AutoCloseable> open = new ArrayList<>();
        try {
            Map<String, OnnxTensor> past = new HashMap<>();
            for (int i = 0; i < shapes.size(); i++) {
                if (shapes.get(i).numHeads() == 0) {
                    continue;
                }
                for (String n : LlamaOnnxExport.pastNames(i)) {
                    OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.allocate(0), new long[] {1, shapes.get(i).numKvHeads(), 0, headDim});
                    open.add(t);
                    past.put(n, t);
                }
            }
            long t0 = System.nanoTime();
            OrtSession.Result r = step(env, prompt, 0, past, open);
            long t1 = System.nanoTime();
            for (int k = 0; k < continuation.length; k++) {
                past = presentAsPast(r);
                r = step(env, new int[] {continuation[k]}, prompt.length + k, past, open);
            }
            long t2 = System.nanoTime();
            return new double[] {prompt.length / ((t1 - t0) / 1e9), continuation.length / ((t2 - t1) / 1e9)};
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed during the benchmark: " + e.getMessage(), e);
        } finally {
            for (AutoCloseable c : open) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** Runs {@code tokens} at positions {@code start..}; the result (kept open in {@code open}) holds logits and presents. */
    private OrtSession.Result step(OrtEnvironment env, int[] tokens, int start, Map<String, OnnxTensor> past, List<AutoCloseable> open)
            throws OrtException {
        long[] ids = new long[tokens.length];
        long[] positions = new long[tokens.length];
        for (int k = 0; k < tokens.length; k++) {
            ids[k] = tokens[k];
            positions[k] = start + k;
        }
        long[] mask = new long[start + tokens.length];
        java.util.Arrays.fill(mask, 1);
        Map<String, OnnxTensor> feed = new HashMap<>(past);
        OnnxTensor idT = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {1, tokens.length});
        OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, mask.length});
        OnnxTensor posT = OnnxTensor.createTensor(env, LongBuffer.wrap(positions), new long[] {1, tokens.length});
        open.add(idT);
        open.add(maskT);
        open.add(posT);
        feed.put("input_ids", idT);
        feed.put("attention_mask", maskT);
        feed.put("position_ids", posT);
        OrtSession.Result r = session.run(feed);
        open.add(r);
        ((OnnxTensor) r.get("logits").orElseThrow()).getFloatBuffer(); // read the result, as prune4j's runtime does
        return r;
    }

    private Map<String, OnnxTensor> presentAsPast(OrtSession.Result r) {
        Map<String, OnnxTensor> past = new HashMap<>();
        for (int i = 0; i < shapes.size(); i++) {
            if (shapes.get(i).numHeads() == 0) {
                continue;
            }
            for (int kv = 0; kv < 2; kv++) {
                OnnxValue v = r.get(LlamaOnnxExport.presentNames(i).get(kv)).orElseThrow();
                past.put(LlamaOnnxExport.pastNames(i).get(kv), (OnnxTensor) v);
            }
        }
        return past;
    }

    @Override
    public void close() {
        OrtSessions.close(session);
    }
}
