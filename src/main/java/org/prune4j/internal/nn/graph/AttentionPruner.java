package org.prune4j.internal.nn.graph;

import java.util.List;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.MultiheadSelfAttention;

/**
 * {@link MultiheadSelfAttention} with its fused {@code in_proj}: IN = the embedding columns of {@code
 * in_proj_weight}; OUT = the rows of {@code out_proj}; HEADS = whole heads, i.e. head {@code h}'s {@code
 * head_dim} rows in each of the query, key and value blocks of {@code in_proj_weight}/{@code in_proj_bias}
 * and its columns of {@code out_proj.weight}. Channels never move between heads.
 */
final class AttentionPruner implements LayerPruner {
    static final AttentionPruner INSTANCE = new AttentionPruner();

    private AttentionPruner() {}

    @Override
    public TraceKind traceKind() {
        return TraceKind.BOUNDARY;
    }

    @Override
    public List<Role> roles() {
        return List.of(Role.OUT, Role.IN, Role.HEADS);
    }

    @Override
    public long width(Module module, Role role) {
        MultiheadSelfAttention a = (MultiheadSelfAttention) module;
        return switch (role) {
            case OUT, IN -> a.embedDim();
            case HEADS -> a.numHeads();
        };
    }

    @Override
    public List<ParamAxis> tensors(String path, Module module, Role role) {
        MultiheadSelfAttention a = (MultiheadSelfAttention) module;
        Linear out = a.outProj();
        String outPath = LayerPruner.join(path, "out_proj");
        return switch (role) {
            case IN -> List.of(ParamAxis.direct(LayerPruner.join(path, "in_proj_weight"), a.inProjWeight(), 1));
            case OUT -> out.bias() == null ? List.of(ParamAxis.direct(outPath + ".weight", out.weight(), 0))
                    : List.of(ParamAxis.direct(outPath + ".weight", out.weight(), 0),
                            ParamAxis.direct(outPath + ".bias", out.bias(), 0));
            case HEADS -> {
                int dh = Math.toIntExact(a.headDim());
                int inner = Math.toIntExact(a.innerDim());
                ParamAxis w = new ParamAxis(LayerPruner.join(path, "in_proj_weight"), a.inProjWeight(), 0,
                        h -> qkvRows(h, dh, inner));
                ParamAxis o = new ParamAxis(outPath + ".weight", out.weight(), 1, h -> headColumns(h, dh));
                yield a.inProjBias() == null ? List.of(w, o)
                        : List.of(w, new ParamAxis(LayerPruner.join(path, "in_proj_bias"), a.inProjBias(), 0,
                                h -> qkvRows(h, dh, inner)), o);
            }
        };
    }

    private static int[] qkvRows(int head, int dh, int inner) {
        int[] rows = new int[3 * dh];
        for (int block = 0; block < 3; block++) {
            for (int i = 0; i < dh; i++) {
                rows[block * dh + i] = block * inner + head * dh + i;
            }
        }
        return rows;
    }

    private static int[] headColumns(int head, int dh) {
        int[] cols = new int[dh];
        for (int i = 0; i < dh; i++) {
            cols[i] = head * dh + i;
        }
        return cols;
    }

    @Override
    public Module prune(Module module, Role role, int[] keep) {
        MultiheadSelfAttention a = (MultiheadSelfAttention) module;
        Linear out = a.outProj();
        switch (role) {
            case IN -> a.inProjWeight().setValue(AxisSelection.keep(a.inProjWeight().value(), 1, keep));
            case OUT -> {
                out.weight().setValue(AxisSelection.keep(out.weight().value(), 0, keep));
                if (out.bias() != null) {
                    out.bias().setValue(AxisSelection.keep(out.bias().value(), 0, keep));
                }
            }
            case HEADS -> {
                int dh = Math.toIntExact(a.headDim());
                int inner = Math.toIntExact(a.innerDim());
                int[] rows = new int[3 * dh * keep.length];
                int[] cols = new int[dh * keep.length];
                for (int block = 0; block < 3; block++) {
                    for (int k = 0; k < keep.length; k++) {
                        for (int i = 0; i < dh; i++) {
                            rows[(block * keep.length + k) * dh + i] = block * inner + keep[k] * dh + i;
                        }
                    }
                }
                for (int k = 0; k < keep.length; k++) {
                    for (int i = 0; i < dh; i++) {
                        cols[k * dh + i] = keep[k] * dh + i;
                    }
                }
                Linear newOut = new Linear(AxisSelection.keep(out.weight().value(), 1, cols),
                        out.bias() == null ? null : out.bias().value().duplicate());
                return new MultiheadSelfAttention(AxisSelection.keep(a.inProjWeight().value(), 0, rows),
                        a.inProjBias() == null ? null : AxisSelection.keep(a.inProjBias().value(), 0, rows), newOut,
                        keep.length, a.attentionDropout());
            }
            default -> throw new IllegalStateException();
        }
        return a;
    }
}
