package org.prune4j.internal.io.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.prune4j.UserError;
import org.prune4j.internal.io.onnx.proto.Onnx.GraphProto;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;
import org.prune4j.internal.io.onnx.proto.Onnx.ValueInfoProto;

/**
 * Runs an ONNX model with ONNX Runtime (CPU). Intermediate tensors are read by first making them graph
 * outputs ({@link #exposeOutputs}); this is how shapes are resolved and calibration activations captured.
 */
public final class OnnxRunner implements AutoCloseable {
    private final OrtSession session;
    private final String what;

    private OnnxRunner(OrtSession session, String what) {
        this.session = session;
        this.what = what;
    }

    /**
     * Opens {@code model} in ONNX Runtime; {@code what} names it in errors; {@code threads} bounds the
     * intra-op threads (0: ONNX Runtime's default). A model ONNX Runtime refuses is a {@link UserError}.
     */
    public static OnnxRunner open(ModelProto model, String what, int threads) {
        return open(model.toByteArray(), what, threads, true);
    }

    /** As {@link #open(ModelProto, String, int)}, from serialized bytes, with or without graph optimisations. */
    public static OnnxRunner open(byte[] model, String what, int threads, boolean optimize) {
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
            if (threads > 0) {
                opts.setIntraOpNumThreads(threads);
                opts.setInterOpNumThreads(1);
            }
            opts.setOptimizationLevel(optimize ? OrtSession.SessionOptions.OptLevel.ALL_OPT
                    : OrtSession.SessionOptions.OptLevel.NO_OPT);
            return new OnnxRunner(env.createSession(model, opts), what);
        } catch (OrtException e) {
            throw new UserError(what + ": ONNX Runtime refuses the model: " + oneLine(e.getMessage()));
        }
    }

    /** {@code model} with the named tensors added as graph outputs (those already outputs are kept once). */
    public static ModelProto exposeOutputs(ModelProto model, Collection<String> names) {
        GraphProto g = model.getGraph();
        Set<String> have = new LinkedHashSet<>();
        for (ValueInfoProto v : g.getOutputList()) {
            have.add(v.getName());
        }
        GraphProto.Builder gb = g.toBuilder();
        Map<String, ValueInfoProto> declared = new HashMap<>();
        for (ValueInfoProto v : g.getValueInfoList()) {
            declared.put(v.getName(), v);
        }
        for (String n : names) {
            if (have.add(n)) {
                ValueInfoProto v = declared.get(n);
                gb.addOutput(v != null && v.hasType() ? v : ValueInfoProto.newBuilder().setName(n).build());
            }
        }
        return model.toBuilder().setGraph(gb).build();
    }

    /** The model inputs: name → (element type, shape with -1 for dynamic axes). */
    public Map<String, InputSpec> inputs() {
        try {
            Map<String, InputSpec> out = new LinkedHashMap<>();
            for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
                if (e.getValue().getInfo() instanceof TensorInfo ti) {
                    out.put(e.getKey(), new InputSpec(e.getKey(), typeOf(ti, e.getKey()), ti.getShape()));
                } else {
                    throw new UserError(what + ": input " + e.getKey() + " is not a tensor (not supported yet)");
                }
            }
            return out;
        } catch (OrtException e) {
            throw new UserError(what + ": " + oneLine(e.getMessage()));
        }
    }

    /** A model input: its name, element type and shape (-1 for a dynamic axis). */
    public record InputSpec(String name, OnnxDataType type, long[] shape) {}

    private OnnxDataType typeOf(TensorInfo ti, String name) {
        return switch (ti.type) {
            case FLOAT -> OnnxDataType.FLOAT;
            case DOUBLE -> OnnxDataType.DOUBLE;
            case INT64 -> OnnxDataType.INT64;
            case INT32 -> OnnxDataType.INT32;
            case INT8 -> OnnxDataType.INT8;
            case UINT8 -> OnnxDataType.UINT8;
            case BOOL -> OnnxDataType.BOOL;
            case FLOAT16 -> OnnxDataType.FLOAT16;
            default -> throw new UserError(what + ": input " + name + " has element type " + ti.type + " (not supported yet)");
        };
    }

    /** The model's output names in order. */
    public List<String> outputNames() {
        return new ArrayList<>(session.getOutputNames());
    }

    /** Runs the model and returns the requested outputs (all outputs when {@code outputs} is empty). */
    public Map<String, OutputTensor> run(Map<String, InputTensor> inputs, Collection<String> outputs) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, InputTensor> e : inputs.entrySet()) {
                feed.put(e.getKey(), toOrt(env, e.getValue()));
            }
            Set<String> want = outputs.isEmpty() ? session.getOutputNames() : new LinkedHashSet<>(outputs);
            try (OrtSession.Result r = session.run(feed, want)) {
                Map<String, OutputTensor> out = new LinkedHashMap<>();
                for (String n : want) {
                    OnnxValue v = r.get(n).orElseThrow();
                    if (v instanceof OnnxTensor t) {
                        TensorInfo info = t.getInfo();
                        float[] values = null;
                        if (info.type == ai.onnxruntime.OnnxJavaType.FLOAT) {
                            FloatBuffer fb = t.getFloatBuffer();
                            values = new float[fb.remaining()];
                            fb.get(values);
                        }
                        out.put(n, new OutputTensor(info.getShape(), values));
                    }
                }
                return out;
            }
        } catch (OrtException e) {
            throw new UserError(what + ": ONNX Runtime failed to run the model: " + oneLine(e.getMessage()));
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private static OnnxTensor toOrt(OrtEnvironment env, InputTensor t) throws OrtException {
        int n = Math.toIntExact(t.elements());
        return switch (t.type()) {
            case FLOAT -> OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats()), t.shape());
            case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(t.longs()), t.shape());
            case INT32 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (int) t.longs()[i];
                }
                yield OnnxTensor.createTensor(env, IntBuffer.wrap(v), t.shape());
            }
            case BOOL, UINT8, INT8 -> {
                ByteBuffer b = ByteBuffer.allocateDirect(n);
                for (int i = 0; i < n; i++) {
                    b.put((byte) t.longs()[i]);
                }
                b.flip();
                yield OnnxTensor.createTensor(env, b, t.shape(), switch (t.type()) {
                    case BOOL -> ai.onnxruntime.OnnxJavaType.BOOL;
                    case UINT8 -> ai.onnxruntime.OnnxJavaType.UINT8;
                    default -> ai.onnxruntime.OnnxJavaType.INT8;
                });
            }
            default -> throw new UserError("input of type " + t.type() + " is not supported yet");
        };
    }

    static String oneLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        return s.replace('\n', ' ').replaceAll("\\s+", " ").trim();
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
