package org.prune4j.internal.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor as stored in a file: element type, shape and little-endian row-major bytes.
 *
 * <p>The bytes may be a slice of a memory-mapped file; nothing is copied until {@link #toFloats()} or
 * {@link #toNDArray(NDManager)} is called. This is the neutral exchange type between the checkpoint
 * readers/writers and the compute side.
 *
 * @param dtype element type
 * @param shape dimensions, outermost first ({@code []} for a scalar)
 * @param bytes exactly {@code numel * dtype.byteSize()} bytes, position 0, little-endian
 */
public record TensorData(DType dtype, long[] shape, ByteBuffer bytes) {

    public TensorData {
        shape = shape.clone();
        long expected = numel(shape) * dtype.byteSize();
        if (bytes.remaining() != expected) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " " + dtype
                    + " needs " + expected + " bytes, got " + bytes.remaining());
        }
        bytes = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Number of elements of a shape. */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Number of elements. */
    public long numel() {
        return numel(shape);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** A float32 tensor holding a copy of {@code values}. */
    public static TensorData ofFloats(long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new TensorData(DType.F32, shape, b);
    }

    /** An int32 tensor holding a copy of {@code values}. */
    public static TensorData ofInts(long[] shape, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return new TensorData(DType.I32, shape, b);
    }

    /** A uint8 tensor holding a copy of {@code values}. */
    public static TensorData ofBytes(long[] shape, byte[] values) {
        return new TensorData(DType.U8, shape, ByteBuffer.wrap(values.clone()));
    }

    /** Copies the tensor out of an NDArray (any dtype that {@link DType} knows). */
    public static TensorData of(NDArray array) {
        DType t = DType.fromDjl(array.getDataType());
        ByteBuffer src = array.toByteBuffer();
        ByteBuffer copy = ByteBuffer.allocate(src.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(src.order(ByteOrder.LITTLE_ENDIAN)).flip();
        return new TensorData(t, array.getShape().getShape(), copy);
    }

    /** The values converted to float32 (F16 and BF16 widened exactly, integers converted). */
    public float[] toFloats() {
        int n = Math.toIntExact(numel());
        float[] out = new float[n];
        ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out);
            case F64 -> { for (int i = 0; i < n; i++) out[i] = (float) b.getDouble(i * 8); }
            case F16 -> { for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(b.getShort(i * 2)); }
            case BF16 -> { for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16); }
            case I64 -> { for (int i = 0; i < n; i++) out[i] = b.getLong(i * 8); }
            case I32 -> { for (int i = 0; i < n; i++) out[i] = b.getInt(i * 4); }
            case I16 -> { for (int i = 0; i < n; i++) out[i] = b.getShort(i * 2); }
            case I8 -> { for (int i = 0; i < n; i++) out[i] = b.get(i); }
            case U8, BOOL -> { for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xff; }
        }
        return out;
    }

    /** The values as int64 (integer types only). */
    public long[] toLongs() {
        int n = Math.toIntExact(numel());
        long[] out = new long[n];
        ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case I64 -> { for (int i = 0; i < n; i++) out[i] = b.getLong(i * 8); }
            case I32 -> { for (int i = 0; i < n; i++) out[i] = b.getInt(i * 4); }
            case I16 -> { for (int i = 0; i < n; i++) out[i] = b.getShort(i * 2); }
            case I8 -> { for (int i = 0; i < n; i++) out[i] = b.get(i); }
            case U8, BOOL -> { for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xff; }
            default -> throw new IllegalStateException("toLongs on a " + dtype + " tensor");
        }
        return out;
    }

    /** The values as int32 (integer types only; int64 values must fit). */
    public int[] toInts() {
        long[] l = toLongs();
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = Math.toIntExact(l[i]);
        }
        return out;
    }

    /** The values as float64 (F64 exactly; others via {@link #toFloats()}). */
    public double[] toDoubles() {
        if (dtype == DType.F64) {
            double[] out = new double[Math.toIntExact(numel())];
            bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
            return out;
        }
        float[] f = toFloats();
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    /**
     * Creates an NDArray in {@code manager} holding a copy of the data (never a view of a mapped file).
     * Floating types are loaded as float32 (prune4j computes in fp32), other types keep their type.
     */
    public NDArray toNDArray(NDManager manager) {
        Shape s = new Shape(shape);
        if (dtype.isFloating() && dtype != DType.F32) {
            return manager.create(toFloats(), s);
        }
        // Copy into memory the array owns: the engine may wrap a direct (e.g. memory-mapped) buffer without
        // copying, and an in-place operation on a read-only mapping would crash the process.
        ByteBuffer owned = ByteBuffer.allocateDirect(bytes.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        owned.put(bytes.duplicate()).flip();
        return manager.create(owned, s, dtype.toDjl());
    }

    /** Converts floating data to {@code target} (F32, F16 or BF16; BF16 rounds to nearest even). */
    public TensorData convertTo(DType target) {
        if (target == dtype) {
            return this;
        }
        float[] f = toFloats();
        ByteBuffer out = ByteBuffer.allocate(f.length * target.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (target) {
            case F32 -> out.asFloatBuffer().put(f);
            case F16 -> { for (float v : f) out.putShort(Float.floatToFloat16(v)); out.flip(); }
            case BF16 -> { for (float v : f) out.putShort(toBf16(v)); out.flip(); }
            case F64 -> { for (float v : f) out.putDouble(v); out.flip(); }
            default -> throw new IllegalArgumentException("cannot convert " + dtype + " to " + target);
        }
        return new TensorData(target, shape, out);
    }

    private static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    @Override
    public String toString() {
        return "TensorData[" + dtype + " " + Arrays.toString(shape) + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorData t && t.dtype == dtype && Arrays.equals(t.shape, shape) && t.bytes.equals(bytes);
    }

    @Override
    public int hashCode() {
        return 31 * dtype.hashCode() + Arrays.hashCode(shape);
    }
}
