package org.prune4j.internal.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.io.hf.HfFormat;
import org.prune4j.internal.io.llama2c.Llama2cFormat;
import org.prune4j.internal.model.ModelLocator;

/** The Hugging Face copy of stories260K (q/k rows permuted for HF's rotary layout) computes the same logits. */
class ConvertedLogitsTest {
    @TempDir
    Path dir;

    @Test
    void hfAndBackGiveIdenticalLogits() {
        LlamaCheckpoint original = ModelLocator.loadLlama("stories260K", null);
        Path hf = dir.resolve("hf");
        HfFormat.write(original, hf);
        LlamaCheckpoint viaHf = ModelLocator.loadLlama(hf.toString(), null);
        Path back = dir.resolve("back.bin");
        Llama2cFormat.write(viaHf, back);
        LlamaCheckpoint roundTrip = ModelLocator.loadLlama(back.toString(), null);
        int[] prompt = {1, 403, 407, 261, 378, 280, 294, 269, 265, 400, 428};
        float[] expected = logits(original, prompt);
        assertArrayEquals(expected, logits(viaHf, prompt), 0f, "HF copy");
        assertArrayEquals(expected, logits(roundTrip, prompt), 0f, "llama2.c -> HF -> llama2.c");
    }

    private static float[] logits(LlamaCheckpoint ckpt, int[] ids) {
        try (NDManager m = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(ckpt, m);
            return model.logits(m, m.create(ids, new Shape(1, ids.length))).toFloatArray();
        }
    }
}
