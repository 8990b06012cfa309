package org.prune4j.internal.io;

import java.util.Arrays;
import org.prune4j.UserError;

/**
 * A tensor of token ids checked before use: an integer dtype, one or two dimensions none of which is
 * zero, at most {@code Integer.MAX_VALUE} elements, and every id inside the vocabulary. All checks run
 * before anything is sized by the shape, so a 88-byte file declaring {@code [2147483647, 0]} is an error,
 * not an {@code OutOfMemoryError}, and an int64 id of 2^40 is "outside the vocabulary", not an integer
 * overflow.
 *
 * @param shape the tensor's shape (1 or 2 dimensions)
 * @param ids the ids, row-major
 */
public record TokenIdTensor(long[] shape, int[] ids) {

    public TokenIdTensor {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The ids of {@code t}, named {@code source} in errors, checked against a vocabulary of {@code vocabSize}. */
    public static TokenIdTensor of(TensorData t, String source, int vocabSize) {
        long[] shape = t.shape();
        if (t.dtype().isFloating()) {
            throw new UserError(source + ": holds " + t.dtype() + " values, not token ids");
        }
        if (shape.length < 1 || shape.length > 2) {
            throw new UserError(source + ": expected a 1-D or 2-D tensor of token ids, got shape " + Arrays.toString(shape));
        }
        for (long d : shape) {
            if (d <= 0) {
                throw new UserError(source + ": a tensor of shape " + Arrays.toString(shape) + " holds no token ids");
            }
        }
        if (t.numel() > Integer.MAX_VALUE - 16) {
            throw new UserError(source + ": " + t.numel() + " token ids are more than one array holds");
        }
        long[] values = t.toLongs();
        int[] ids = new int[values.length];
        long cols = shape[shape.length - 1];
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] >= vocabSize) {
                throw new UserError(source + ": id " + values[i] + " at row " + (i / cols) + " is outside the vocabulary"
                        + " [0, " + vocabSize + ")");
            }
            ids[i] = (int) values[i];
        }
        return new TokenIdTensor(shape, ids);
    }
}
