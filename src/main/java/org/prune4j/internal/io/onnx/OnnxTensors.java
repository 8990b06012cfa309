package org.prune4j.internal.io.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.prune4j.UserError;
import org.prune4j.internal.io.onnx.proto.Onnx.TensorProto;

/**
 * Reading and making ONNX initializers: their element type and shape, their values as floats or
 * longs, and the same tensor with only some indices kept along one axis.
 *
 * <p>Values stored in the typed fields ({@code float_data}, {@code int64_data}, ...) are normalised to
 * little-endian {@code raw_data}, the layout every method here reads and writes.
 */
public final class OnnxTensors {
    private OnnxTensors() {}

    /** The element type of {@code t}. */
    public static OnnxDataType type(TensorProto t) {
        return OnnxDataType.of(t.getDataType(), "initializer " + t.getName());
    }

    /** The shape of {@code t} as an array. */
    public static long[] shape(TensorProto t) {
        long[] s = new long[t.getDimsCount()];
        for (int i = 0; i < s.length; i++) {
            s[i] = t.getDims(i);
        }
        return s;
    }

    /** The number of elements of {@code t}. */
    public static long elements(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        return n;
    }

    /** {@code t} with its values in {@code raw_data} (little endian), the typed fields cleared. */
    public static TensorProto toRaw(TensorProto t) {
        if (t.hasRawData()) {
            checkSize(t, t.getRawData().size());
            return t;
        }
        OnnxDataType type = type(t);
        long n = elements(t);
        if (type == OnnxDataType.STRING) {
            return t;
        }
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(n * type.bytes())).order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case FLOAT -> {
                requireCount(t, t.getFloatDataCount(), n);
                t.getFloatDataList().forEach(b::putFloat);
            }
            case DOUBLE -> {
                requireCount(t, t.getDoubleDataCount(), n);
                t.getDoubleDataList().forEach(b::putDouble);
            }
            case INT64 -> {
                requireCount(t, t.getInt64DataCount(), n);
                t.getInt64DataList().forEach(b::putLong);
            }
            case UINT32, UINT64 -> {
                requireCount(t, t.getUint64DataCount(), n);
                for (long v : t.getUint64DataList()) {
                    if (type == OnnxDataType.UINT32) {
                        b.putInt((int) v);
                    } else {
                        b.putLong(v);
                    }
                }
            }
            default -> {
                // int32, int16, int8, uint8, uint16, bool, float16, bfloat16 live in int32_data
                requireCount(t, t.getInt32DataCount(), n);
                for (int v : t.getInt32DataList()) {
                    switch (type.bytes()) {
                        case 1 -> b.put((byte) v);
                        case 2 -> b.putShort((short) v);
                        default -> b.putInt(v);
                    }
                }
            }
        }
        return t.toBuilder().clearFloatData().clearDoubleData().clearInt32Data().clearInt64Data().clearUint64Data()
                .setRawData(ByteString.copyFrom(b.array())).build();
    }

    private static void requireCount(TensorProto t, int have, long want) {
        if (have != want) {
            throw new UserError("initializer " + t.getName() + ": shape " + java.util.Arrays.toString(shape(t))
                    + " needs " + want + " values but the tensor holds " + have);
        }
    }

    private static void checkSize(TensorProto t, long bytes) {
        OnnxDataType type = type(t);
        if (type != OnnxDataType.STRING && bytes != elements(t) * type.bytes()) {
            throw new UserError("initializer " + t.getName() + ": shape " + java.util.Arrays.toString(shape(t))
                    + " needs " + elements(t) * type.bytes() + " bytes of " + type + " but raw_data has " + bytes);
        }
    }

    /** The values of a floating-point tensor as floats (float16/bfloat16/double converted). */
    public static float[] toFloats(TensorProto t) {
        TensorProto r = toRaw(t);
        OnnxDataType type = type(r);
        ByteBuffer b = r.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[Math.toIntExact(elements(r))];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (type) {
                case FLOAT -> b.getFloat();
                case DOUBLE -> (float) b.getDouble();
                case FLOAT16 -> Float.float16ToFloat(b.getShort());
                case BFLOAT16 -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
                default -> throw new UserError("initializer " + t.getName() + ": expected a floating-point tensor, found " + type);
            };
        }
        return out;
    }

    /** The values of an integer tensor as longs. */
    public static long[] toLongs(TensorProto t) {
        TensorProto r = toRaw(t);
        OnnxDataType type = type(r);
        ByteBuffer b = r.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[Math.toIntExact(elements(r))];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (type) {
                case INT64, UINT64 -> b.getLong();
                case INT32, UINT32 -> b.getInt();
                case INT16, UINT16 -> b.getShort();
                case INT8, UINT8, BOOL -> b.get();
                default -> throw new UserError("initializer " + t.getName() + ": expected an integer tensor, found " + type);
            };
        }
        return out;
    }

    /** A float32 tensor. */
    public static TensorProto ofFloats(String name, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return build(name, dims, OnnxDataType.FLOAT, b.array(), values.length);
    }

    /** A float16 tensor (values rounded to the nearest float16). */
    public static TensorProto ofFloat16(String name, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(Float.floatToFloat16(v));
        }
        return build(name, dims, OnnxDataType.FLOAT16, b.array(), values.length);
    }

    /** An int64 tensor. */
    public static TensorProto ofLongs(String name, long[] dims, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return build(name, dims, OnnxDataType.INT64, b.array(), values.length);
    }

    private static TensorProto build(String name, long[] dims, OnnxDataType type, byte[] raw, int count) {
        long n = 1;
        TensorProto.Builder tb = TensorProto.newBuilder().setName(name).setDataType(type.code());
        for (long d : dims) {
            tb.addDims(d);
            n *= d;
        }
        if (n != count) {
            throw new IllegalArgumentException(name + ": " + count + " values for shape " + java.util.Arrays.toString(dims));
        }
        return tb.setRawData(ByteString.copyFrom(raw)).build();
    }

    /**
     * {@code t} with only the indices {@code keep} (ascending) along {@code axis}; works on the raw
     * bytes, so any fixed-size element type keeps its type and exact values.
     */
    public static TensorProto select(TensorProto t, int axis, int[] keep) {
        TensorProto r = toRaw(t);
        long[] dims = shape(r);
        int es = type(r).bytes();
        if (es == 0) {
            throw new UserError("initializer " + t.getName() + ": string tensors cannot be pruned");
        }
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= dims[i];
        }
        long inner = es;
        for (int i = axis + 1; i < dims.length; i++) {
            inner *= dims[i];
        }
        int n = (int) dims[axis];
        byte[] src = r.getRawData().toByteArray();
        byte[] dst = new byte[Math.toIntExact(outer * keep.length * inner)];
        int chunk = (int) inner;
        int o = 0;
        for (long a = 0; a < outer; a++) {
            long base = a * n * inner;
            for (int k : keep) {
                System.arraycopy(src, (int) (base + k * inner), dst, o, chunk);
                o += chunk;
            }
        }
        TensorProto.Builder b = r.toBuilder().clearDims();
        for (int i = 0; i < dims.length; i++) {
            b.addDims(i == axis ? keep.length : dims[i]);
        }
        return b.setRawData(ByteString.copyFrom(dst)).build();
    }
}
