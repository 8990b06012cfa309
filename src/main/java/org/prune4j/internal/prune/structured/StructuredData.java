package org.prune4j.internal.prune.structured;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.prune4j.UserError;
import org.prune4j.internal.eval.TokenWindows;
import org.prune4j.internal.io.IdsFileSpec;
import org.prune4j.internal.model.BundledModels;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.pipeline.calibrate.Calibration;
import org.prune4j.internal.pipeline.calibrate.CalibrationSet;
import org.prune4j.internal.tokenizer.Tokenizer;
import org.prune4j.internal.tokenizer.Tokenizers;

/**
 * The calibration and evaluation token rows of a structured run, by the same rules as the unstructured
 * {@code prune}: id rows as given, or windows of a text, or a bundled model's pinned protocol.
 */
final class StructuredData {
    private StructuredData() {}

    static Tokenizer tokenizer(LlamaCheckpoint ckpt, Path override) {
        Path t = override != null ? override : ckpt.tokenizer();
        if (t == null) {
            throw new UserError(ckpt.source() + ": no tokenizer found beside the model; pass --tokenizer FILE");
        }
        return Tokenizers.load(t, ckpt.config().vocabSize());
    }

    static CalibrationSet calibration(StructuredPruneJob.Io io, LlamaCheckpoint ckpt, Tokenizer tok) {
        int context = ckpt.config().maxPositions();
        int vocab = ckpt.config().vocabSize();
        if (io.calibIds() != null) {
            return CalibrationSet.fromIds(io.calibIds().read(), io.calibIds().toString(), vocab, context);
        }
        if (io.calibText() != null) {
            int seqLen = io.seqLen() > 0 ? io.seqLen() : context;
            if (seqLen > context) {
                throw new UserError("--seqlen " + seqLen + ": longer than the model's context of " + context);
            }
            return CalibrationSet.fromText(tok, Calibration.readText(io.calibText()), io.calibText().toString(), io.nsamples(), seqLen,
                    io.seed());
        }
        if (BundledModels.isBundled(io.model())) {
            IdsFileSpec spec = new IdsFileSpec(BundledModels.protocol(io.model()), "calib_ids");
            return CalibrationSet.fromIds(spec.read(), io.model() + " protocol calib_ids", vocab, context);
        }
        return null;
    }

    static int[][] evaluation(StructuredPruneJob.Io io, LlamaCheckpoint ckpt, Tokenizer tok) {
        int context = ckpt.config().maxPositions();
        int vocab = ckpt.config().vocabSize();
        if (io.evalIds() != null) {
            return CalibrationSet.fromIds(io.evalIds().read(), io.evalIds().toString(), vocab, context).firstRows(io.maxEvalWindows());
        }
        if (io.evalText() != null) {
            int seqLen = io.evalSeqLen() > 0 ? io.evalSeqLen() : context;
            if (seqLen > context) {
                throw new UserError("--eval-seqlen " + seqLen + ": longer than the model's context of " + context);
            }
            return TokenWindows.split(tok.encode(Calibration.readText(io.evalText()), true, false), seqLen, io.maxEvalWindows());
        }
        if (BundledModels.isBundled(io.model())) {
            IdsFileSpec spec = new IdsFileSpec(BundledModels.protocol(io.model()), "eval_ids");
            return CalibrationSet.fromIds(spec.read(), io.model() + " protocol eval_ids", vocab, context).firstRows(io.maxEvalWindows());
        }
        return null;
    }

    static String evaluationSource(StructuredPruneJob.Io io) {
        return io.evalIds() != null ? io.evalIds().toString()
                : io.evalText() != null ? io.evalText().toString() : io.model() + " protocol eval_ids";
    }
}
