package org.prune4j.internal.model.llama;

/**
 * The rotary cos/sin tables of a model in Hugging Face's half-split layout: row {@code p} holds, for
 * {@code j < headDim/2}, {@code cos/sin(p · θ^(−2j/headDim))} at columns {@code j} and
 * {@code j + headDim/2} (float32 arithmetic, as PyTorch and run.c do). prune4j's forward pass and its
 * ONNX export use the same tables, so both rotate by identical values.
 *
 * @param cos {@code [maxPositions, headDim]} row-major
 * @param sin {@code [maxPositions, headDim]} row-major
 */
public record RotaryTable(float[] cos, float[] sin) {

    /** The tables for positions {@code 0..maxPositions-1}. */
    public static RotaryTable of(int headDim, int maxPositions, double theta) {
        int half = headDim / 2;
        float[] invFreq = new float[half];
        for (int j = 0; j < half; j++) {
            invFreq[j] = 1.0f / (float) Math.pow(theta, (2.0f * j) / headDim);
        }
        float[] c = new float[maxPositions * headDim];
        float[] s = new float[maxPositions * headDim];
        for (int p = 0; p < maxPositions; p++) {
            for (int j = 0; j < half; j++) {
                float angle = p * invFreq[j];
                float cv = (float) Math.cos(angle);
                float sv = (float) Math.sin(angle);
                c[p * headDim + j] = cv;
                c[p * headDim + half + j] = cv;
                s[p * headDim + j] = sv;
                s[p * headDim + half + j] = sv;
            }
        }
        return new RotaryTable(c, s);
    }
}
