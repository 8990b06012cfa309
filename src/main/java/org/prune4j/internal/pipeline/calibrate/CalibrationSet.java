package org.prune4j.internal.pipeline.calibrate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.prune4j.UserError;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.tokenizer.Tokenizer;

/**
 * Token-id sequences of equal length used to calibrate data-aware pruning (Wanda, SparseGPT, OWL).
 *
 * @param rows number of sequences ("samples")
 * @param seqLen tokens per sequence
 * @param ids row-major {@code [rows, seqLen]}
 * @param description where the sequences came from, for reports
 */
public record CalibrationSet(int rows, int seqLen, int[] ids, String description) {

    public CalibrationSet {
        if (rows <= 0 || seqLen <= 0 || (long) rows * seqLen != ids.length) {
            throw new IllegalArgumentException("calibration set of " + ids.length + " ids is not " + rows + "x" + seqLen);
        }
        ids = ids.clone();
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    /**
     * Draws {@code nsamples} windows of {@code seqLen} tokens from {@code text}, the recipe of the
     * SparseGPT/Wanda reference code: the text is tokenized once (BOS at the start), and each window
     * starts at a position drawn uniformly from {@code [0, tokens − seqLen − 1]} by a
     * {@link SplittableRandom} seeded with {@code seed}; windows may overlap.
     */
    public static CalibrationSet fromText(Tokenizer tokenizer, String text, String source, int nsamples, int seqLen,
            long seed) {
        if (nsamples <= 0 || seqLen <= 1) {
            throw new UserError("--nsamples and --seqlen must be positive (got " + nsamples + ", " + seqLen + ")");
        }
        int[] stream = tokenizer.encode(text, true, false);
        if ((long) nsamples * seqLen > stream.length) {
            throw new UserError(source + ": holds " + stream.length + " tokens, fewer than --nsamples " + nsamples
                    + " x --seqlen " + seqLen + " = " + ((long) nsamples * seqLen) + "; use fewer samples or a longer text");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[] ids = new int[nsamples * seqLen];
        for (int s = 0; s < nsamples; s++) {
            int start = rng.nextInt(stream.length - seqLen);
            System.arraycopy(stream, start, ids, s * seqLen, seqLen);
        }
        return new CalibrationSet(nsamples, seqLen, ids,
                nsamples + " windows of " + seqLen + " tokens from " + source + " (seed " + seed + ")");
    }

    /** Uses the rows of an integer tensor {@code [rows, seqLen]} as given, after checking them. */
    public static CalibrationSet fromIds(TensorData tensor, String source, int vocabSize, int maxPositions) {
        long[] shape = tensor.shape();
        if (shape.length != 2 || tensor.dtype().isFloating()) {
            throw new UserError(source + ": calibration ids must be an integer tensor [rows, seqlen], got "
                    + tensor.dtype() + " " + java.util.Arrays.toString(shape));
        }
        if (shape[1] > maxPositions) {
            throw new UserError(source + ": sequences of " + shape[1] + " tokens are longer than the model's context of "
                    + maxPositions);
        }
        int[] ids = org.prune4j.internal.io.TokenIdTensor.of(tensor, source, vocabSize).ids();
        return new CalibrationSet((int) shape[0], (int) shape[1], ids, shape[0] + " rows of " + shape[1] + " ids from " + source);
    }

    /** Rows {@code [from, to)} as an int32 NDArray {@code [to-from, seqLen]} in {@code manager}. */
    public NDArray rows(NDManager manager, int from, int to) {
        int[] slice = java.util.Arrays.copyOfRange(ids, from * seqLen, to * seqLen);
        return manager.create(slice, new Shape(to - from, seqLen));
    }

    /** The first {@code max} rows (every row when {@code max <= 0}) as arrays of ids. */
    public int[][] firstRows(int max) {
        int n = max > 0 ? Math.min(max, rows) : rows;
        int[][] out = new int[n][seqLen];
        for (int r = 0; r < n; r++) {
            System.arraycopy(ids, r * seqLen, out[r], 0, seqLen);
        }
        return out;
    }
}
