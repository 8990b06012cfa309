package org.prune4j.internal.prune.structural;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.prune4j.internal.nn.Conv2d;
import org.prune4j.internal.nn.HookHandle;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.MultiheadSelfAttention;

/**
 * Multiply-accumulates of one image through a network, counted per layer from the shapes a forward pass
 * produces: a convolution {@code out_numel · in/groups · kh · kw}, a Linear {@code out_numel · in}, an
 * attention layer its fused in-projection {@code S · 3D · E} plus the score and context products {@code 2 ·
 * S² · D} (its out-projection is counted as the Linear it is).
 */
public final class MacCounter {
    private MacCounter() {}

    /** MACs per layer (dotted path) for one image of shape {@code [C, H, W]}, in module order. */
    public static Map<String, Long> perLayer(Module model, UnaryOperator<NDArray> forward, Shape imageShape) {
        Map<String, Long> macs = new LinkedHashMap<>();
        List<HookHandle> hooks = new ArrayList<>();
        for (Map.Entry<String, Module> e : model.namedModules().entrySet()) {
            String path = e.getKey();
            Module m = e.getValue();
            if (m instanceof Conv2d c) {
                hooks.add(c.addForwardHook((mod, in, out) -> macs.merge(path, out.getShape().size()
                        * (c.inChannels() / c.groups()) * c.kernelSize()[0] * c.kernelSize()[1], Long::sum)));
            } else if (m instanceof Linear l) {
                hooks.add(l.addForwardHook((mod, in, out) -> macs.merge(path, out.getShape().size() * l.inFeatures(),
                        Long::sum)));
            } else if (m instanceof MultiheadSelfAttention a) {
                hooks.add(a.addForwardHook((mod, in, out) -> {
                    long s = in.getShape().get(1);
                    long n = in.getShape().get(0);
                    macs.merge(path, n * (s * 3 * a.innerDim() * a.embedDim() + 2 * s * s * a.innerDim()), Long::sum);
                }));
            }
        }
        boolean training = model.isTraining();
        model.train(false);
        try (NDManager scope = NDManager.newBaseManager()) {
            long[] dims = new long[imageShape.dimension() + 1];
            dims[0] = 1;
            System.arraycopy(imageShape.getShape(), 0, dims, 1, imageShape.dimension());
            forward.apply(scope.zeros(new Shape(dims)));
        } finally {
            hooks.forEach(HookHandle::close);
            model.train(training);
        }
        return macs;
    }

    /** Total MACs for one image. */
    public static long total(Module model, UnaryOperator<NDArray> forward, Shape imageShape) {
        return perLayer(model, forward, imageShape).values().stream().mapToLong(Long::longValue).sum();
    }
}
