package org.prune4j.internal.pipeline.calibrate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.prune4j.UserError;
import org.prune4j.internal.io.IdsFileSpec;
import org.prune4j.internal.model.BundledModels;
import org.prune4j.internal.model.llama.LlamaConfig;
import org.prune4j.internal.pipeline.load.SourceModel;

/** The calibration stage: turns a {@link CalibrationSpec} into the {@link CalibrationSet} a method reads. */
public final class Calibration {
    /** Activation memory budget of one calibration batch when the batch size is automatic. */
    private static final long BATCH_BUDGET_BYTES = 256L << 20;

    private Calibration() {}

    /** The calibration rows for {@code model}; {@code methodName} is named in the error when none is given. */
    public static CalibrationSet prepare(CalibrationSpec spec, SourceModel model, String methodName) {
        LlamaConfig c = model.checkpoint().config();
        int context = c.maxPositions();
        if (spec.ids() != null) {
            return CalibrationSet.fromIds(spec.ids().read(), spec.ids().toString(), c.vocabSize(), context);
        }
        if (spec.text() != null) {
            int seqLen = spec.seqLen() > 0 ? spec.seqLen() : context;
            if (seqLen > context) {
                throw new UserError("--seqlen " + seqLen + ": longer than the model's context of " + context);
            }
            return CalibrationSet.fromText(model.tokenizer(), readText(spec.text()), spec.text().toString(),
                    spec.nsamples(), seqLen, spec.seed());
        }
        String name = model.spec().model();
        if (BundledModels.isBundled(name)) {
            IdsFileSpec ids = new IdsFileSpec(BundledModels.protocol(name), "calib_ids");
            return CalibrationSet.fromIds(ids.read(), name + " protocol calib_ids", c.vocabSize(), context);
        }
        throw new UserError("--method " + methodName + " needs calibration data: --calib FILE or --calib-ids FILE");
    }

    /** Rows per calibration forward pass: the spec's, or as many as fit a fixed activation budget. */
    public static int batchSize(CalibrationSpec spec, LlamaConfig c, CalibrationSet calib) {
        if (spec.batchSize() > 0) {
            return spec.batchSize();
        }
        if (calib == null) {
            return 1;
        }
        long t = calib.seqLen();
        long perRow = 4L * (t * t * c.numHeads() + 3 * t * Math.max(c.intermediateSize(), c.hiddenSize()) + 4 * t * c.hiddenSize());
        return (int) Math.max(1, Math.min(calib.rows(), BATCH_BUDGET_BYTES / Math.max(1, perRow)));
    }

    /** Reads a UTF-8 text file named by an option. */
    public static String readText(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError(p + ": no such file");
        } catch (IOException e) {
            throw new UserError(p + ": cannot read text: " + e.getMessage());
        }
    }
}
