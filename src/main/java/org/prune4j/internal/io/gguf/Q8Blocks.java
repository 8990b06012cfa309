package org.prune4j.internal.io.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * ggml's {@code Q8_0} block quantization: every 32 consecutive values of a row share one float16 scale
 * {@code d = max|x| / 127}; each value is stored as {@code round(x / d)} in an int8. Dequantized value:
 * {@code d * q}.
 */
final class Q8Blocks {
    static final int BLOCK = 32;

    private Q8Blocks() {}

    /** Quantizes {@code values} (a multiple of 32 of them) into little-endian Q8_0 blocks. */
    static byte[] quantize(float[] values) {
        if (values.length % BLOCK != 0) {
            throw new IllegalArgumentException(values.length + " values are not whole Q8_0 blocks");
        }
        ByteBuffer out = ByteBuffer.allocate(values.length / BLOCK * GgmlType.Q8_0.blockBytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int b = 0; b < values.length; b += BLOCK) {
            float amax = 0;
            for (int i = 0; i < BLOCK; i++) {
                amax = Math.max(amax, Math.abs(values[b + i]));
            }
            float d = amax / 127f;
            float inv = d != 0 ? 1f / d : 0f;
            out.putShort(Float.floatToFloat16(d));
            for (int i = 0; i < BLOCK; i++) {
                out.put((byte) roundHalfAway(values[b + i] * inv));
            }
        }
        return out.array();
    }

    /** C's {@code roundf}: halves round away from zero (ggml's reference quantizer uses it). */
    private static int roundHalfAway(float x) {
        return (int) Math.copySign(Math.floor(Math.abs(x) + 0.5f), x);
    }

    /** Dequantizes {@code count} values from Q8_0 blocks in {@code bytes} (position 0, little-endian). */
    static float[] dequantize(ByteBuffer bytes, int count) {
        ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[count];
        int pos = 0;
        for (int i = 0; i < count; i += BLOCK) {
            float d = Float.float16ToFloat(b.getShort(pos));
            for (int k = 0; k < BLOCK; k++) {
                out[i + k] = d * b.get(pos + 2 + k);
            }
            pos += GgmlType.Q8_0.blockBytes();
        }
        return out;
    }
}
