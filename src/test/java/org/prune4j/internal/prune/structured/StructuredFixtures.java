package org.prune4j.internal.prune.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.internal.eval.Perplexity;
import org.prune4j.internal.io.IdsFileSpec;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.model.BundledModels;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.model.llama.LlamaTensorNames;
import org.prune4j.internal.pipeline.calibrate.CalibrationSet;

/** The stories260K models, protocol rows and reference values the structured tests share. */
final class StructuredFixtures {
    private StructuredFixtures() {}

    /** The original GQA stories260K (bundled). */
    static LlamaCheckpoint gqa() {
        return ModelLocator.loadLlama("stories260K", null);
    }

    /** The exact multi-head copy FLAP ran on (test resource). */
    static LlamaCheckpoint mha() {
        return ModelLocator.loadLlama(resource("/reference/structured/stories260K_mha.bin").toString(), null);
    }

    static Path resource(String name) {
        try {
            return Path.of(StructuredFixtures.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode refs() {
        try (InputStream in = StructuredFixtures.class.getResourceAsStream("/reference/structured/structured_refs_subset.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CalibrationSet calib(int rows) {
        TensorData ids = new IdsFileSpec(BundledModels.protocol("stories260K"), "calib_ids").read();
        CalibrationSet all = CalibrationSet.fromIds(ids, "calib_ids", 512, 512);
        if (rows >= all.rows()) {
            return all;
        }
        int[] v = java.util.Arrays.copyOf(all.ids(), rows * all.seqLen());
        return new CalibrationSet(rows, all.seqLen(), v, "first " + rows + " calib rows");
    }

    static int[][] evalRows() {
        TensorData ids = new IdsFileSpec(BundledModels.protocol("stories260K"), "eval_ids").read();
        int[] v = ids.toInts();
        int rows = (int) ids.shape()[0];
        int t = (int) ids.shape()[1];
        int[][] out = new int[rows][t];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(v, r * t, out[r], 0, t);
        }
        return out;
    }

    static double ppl(LlamaCheckpoint ckpt) {
        try (NDManager m = NDManager.newBaseManager()) {
            return new Perplexity(LlamaModel.load(ckpt, m)).evaluate(evalRows()).ppl();
        }
    }

    static float[] logits(LlamaCheckpoint ckpt, int[][] rows) {
        try (NDManager m = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(ckpt, m);
            int t = rows[0].length;
            int[] flat = new int[rows.length * t];
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(rows[r], 0, flat, r * t, t);
            }
            NDArray ids = m.create(flat, new Shape(rows.length, t));
            return model.logits(m, ids).toFloatArray();
        }
    }

    /**
     * The original model with {@code plan}'s removed units masked out instead of cut: the o_proj columns
     * of removed heads and down_proj columns of removed neurons zeroed, the compensation biases added,
     * and a removed layer's o_proj and down_proj zeroed entirely (the block then adds nothing).
     */
    static LlamaCheckpoint masked(LlamaCheckpoint dense, StructuredPlan plan) {
        Map<String, TensorData> t = new LinkedHashMap<>(dense.tensors());
        int hd = dense.config().headDim();
        for (int l = 0; l < plan.layers().size(); l++) {
            LayerPlan p = plan.layers().get(l);
            String o = LlamaTensorNames.linearWeight(l, "self_attn.o_proj");
            String d = LlamaTensorNames.linearWeight(l, "mlp.down_proj");
            boolean gone = plan.isRemoved(l);
            t.put(o, zeroColumns(t.get(o), gone ? new int[0] : BlockSurgery.blockRows(p.keptHeads(), hd)));
            t.put(d, zeroColumns(t.get(d), gone ? new int[0] : p.keptNeurons()));
            if (!gone && p.oProjBias() != null) {
                t.put(LlamaTensorNames.linearBias(l, "self_attn.o_proj"), TensorData.ofFloats(new long[] {p.oProjBias().length}, p.oProjBias()));
            }
            if (!gone && p.downProjBias() != null) {
                t.put(LlamaTensorNames.linearBias(l, "mlp.down_proj"), TensorData.ofFloats(new long[] {p.downProjBias().length}, p.downProjBias()));
            }
        }
        return dense.withTensors(t);
    }

    private static TensorData zeroColumns(TensorData w, int[] keep) {
        long[] s = w.shape();
        int rows = (int) s[0];
        int cols = (int) s[1];
        float[] v = w.toFloats();
        boolean[] kept = new boolean[cols];
        for (int k : keep) {
            kept[k] = true;
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (!kept[c]) {
                    v[r * cols + c] = 0;
                }
            }
        }
        return TensorData.ofFloats(s, v);
    }
}
