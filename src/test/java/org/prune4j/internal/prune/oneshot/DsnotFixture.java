package org.prune4j.internal.prune.oneshot;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.RotaryLayout;
import org.prune4j.internal.prune.PruningMask;

/**
 * The zyxxmu/DSnoT reference runs on stories260K of {@code src/test/resources/reference/recovery} (see its
 * README): masks, recorded statistics and errors per matrix, in llama2.c's q/k row order.
 */
public final class DsnotFixture {
    /** The matrices of a block as the fixtures name them, with their canonical Hugging Face paths. */
    public static final Map<String, String> MATRICES = new LinkedHashMap<>();

    static {
        MATRICES.put("q_proj", "self_attn.q_proj");
        MATRICES.put("k_proj", "self_attn.k_proj");
        MATRICES.put("v_proj", "self_attn.v_proj");
        MATRICES.put("o_proj", "self_attn.o_proj");
        MATRICES.put("gate_proj", "mlp.gate_proj");
        MATRICES.put("up_proj", "mlp.up_proj");
        MATRICES.put("down_proj", "mlp.down_proj");
    }

    public static final List<String> RUNS = List.of("dsnot_wanda_unstructured50", "dsnot_wanda_unstructured60",
            "dsnot_wanda_2of4", "dsnot_magnitude_unstructured50", "dsnot_magnitude_unstructured60", "dsnot_magnitude_2of4");

    private final SafetensorsFile file;

    private DsnotFixture(SafetensorsFile file) {
        this.file = file;
    }

    public static DsnotFixture open(String run) {
        try {
            Path p = Path.of(DsnotFixture.class.getResource("/reference/recovery/" + run + ".safetensors").toURI());
            return new DsnotFixture(SafetensorsFile.open(p));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public String metadata(String key) {
        return file.metadata().get(key);
    }

    public double ppl() {
        return Double.parseDouble(metadata("ppl"));
    }

    public boolean has(String name) {
        return file.names().contains(name);
    }

    public float[] floats(String name) {
        return file.get(name).toFloats();
    }

    /** Mask {@code layers.i.x_proj.final|initial} in llama2.c row order. */
    public PruningMask mask(int block, String matrix, String which) {
        String base = "layers." + block + "." + matrix;
        int[] shape = file.get(base + ".shape").toInts();
        TensorData bits = file.get(base + "." + which);
        byte[] packed = new byte[(int) bits.numel()];
        bits.bytes().duplicate().get(packed);
        boolean[] pruned = new boolean[shape[0] * shape[1]];
        for (int i = 0; i < pruned.length; i++) {
            pruned[i] = ((packed[i >> 3] >> (i & 7)) & 1) != 0;
        }
        return new PruningMask(shape[0], shape[1], pruned);
    }

    public Dsnot.Statistics statistics(int block, String matrix) {
        String base = "layers." + block + "." + matrix;
        return new Dsnot.Statistics(floats(base + ".scaler_row"), floats(base + ".sum_metric_row"), floats(base + ".var"));
    }

    /** The dense weight of stories260K in llama2.c row order (q/k rows converted back from the HF layout). */
    public static float[] denseWeight(LlamaCheckpoint ckpt, int block, String matrix) {
        String name = "model.layers." + block + "." + MATRICES.get(matrix) + ".weight";
        TensorData t = ckpt.tensors().get(name);
        float[] w = t.toFloats();
        int rows = (int) t.shape()[0];
        int cols = (int) t.shape()[1];
        int hd = ckpt.config().headDim();
        if (matrix.equals("q_proj") || matrix.equals("k_proj")) {
            w = RotaryLayout.halfSplitToInterleaved(w, rows / hd, hd, cols);
        }
        return w;
    }

    public static LlamaCheckpoint stories260K() {
        return ModelLocator.loadLlama("stories260K", null);
    }
}
