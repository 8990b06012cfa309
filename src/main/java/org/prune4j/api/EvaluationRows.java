package org.prune4j.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.prune4j.UserError;
import org.prune4j.eval.TokenWindows;
import org.prune4j.io.IdsFileSpec;
import org.prune4j.model.BundledModels;
import org.prune4j.model.llama.LlamaCheckpoint;
import org.prune4j.prune.llm.CalibrationSet;
import org.prune4j.tokenizer.Tokenizer;
import org.prune4j.tokenizer.Tokenizers;

/**
 * The token rows an {@link EvaluationSettings} names, cut exactly as the pruning job cuts its evaluation
 * rows (so that a staged evaluation equals the job's).
 */
final class EvaluationRows {
    private EvaluationRows() {}

    /** The rows of {@code e}; {@code protocol} names the bundled model whose pinned ids are the default, or is null. */
    static int[][] of(EvaluationSettings e, String protocol, LlamaCheckpoint ckpt) {
        if (!e.enabled()) {
            throw new UserError("evaluation: enabled is false; nothing to evaluate");
        }
        int context = ckpt.config().maxPositions();
        if (e.ids() != null) {
            IdsFileSpec spec = IdsFileSpec.parse(e.ids());
            return firstRows(CalibrationSet.fromIds(spec.read(), spec.toString(), ckpt.config().vocabSize(), context),
                    e.maxWindows());
        }
        if (e.text() != null) {
            int seqLen = e.seqlen() > 0 ? e.seqlen() : context;
            if (seqLen > context) {
                throw new UserError("evaluation.seqlen " + seqLen + ": longer than the model's context of " + context);
            }
            int[] stream = encode(ckpt, Path.of(e.text()));
            return TokenWindows.split(stream, seqLen, e.maxWindows());
        }
        if (protocol != null) {
            IdsFileSpec spec = new IdsFileSpec(BundledModels.protocol(protocol), "eval_ids");
            return firstRows(CalibrationSet.fromIds(spec.read(), protocol + " protocol eval_ids", ckpt.config().vocabSize(),
                    context), e.maxWindows());
        }
        throw new UserError("evaluation: give evaluation.text or evaluation.ids (only bundled models have a pinned protocol)");
    }

    private static int[] encode(LlamaCheckpoint ckpt, Path textFile) {
        Path t = ckpt.tokenizer();
        if (t == null) {
            throw new UserError(ckpt.source() + ": no tokenizer found beside the model; set model.tokenizer");
        }
        String text;
        try {
            text = Files.readString(textFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException ex) {
            throw new UserError("evaluation.text " + textFile + ": no such file");
        } catch (IOException ex) {
            throw new UserError("evaluation.text " + textFile + ": cannot read text: " + ex.getMessage());
        }
        Tokenizer tokenizer = Tokenizers.load(t, ckpt.config().vocabSize());
        try {
            return tokenizer.encode(text, true, false);
        } finally {
            if (tokenizer instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // a read-only tokenizer loses nothing on close
                }
            }
        }
    }

    private static int[][] firstRows(CalibrationSet set, int max) {
        int n = max > 0 ? Math.min(max, set.rows()) : set.rows();
        int[] ids = set.ids();
        int[][] rows = new int[n][set.seqLen()];
        for (int r = 0; r < n; r++) {
            System.arraycopy(ids, r * set.seqLen(), rows[r], 0, set.seqLen());
        }
        return rows;
    }
}
