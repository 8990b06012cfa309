package org.prune4j.internal.nn.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.prune4j.internal.nn.HookHandle;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.Parameter;

/**
 * Finds which channels are coupled by running the model on probes, so that no model needs a hand-written
 * table.
 *
 * <p>Every layer that mixes channels (convolution, linear, attention, channel shortcut) is a
 * <em>boundary</em>: during tracing its output is replaced by zeros, except that a producer under probe
 * writes NaN into some of its output channels. NaN survives every channel-preserving operation between
 * layers (ReLU, batch norm, pooling, residual addition, concatenation, padding, flatten, reshape), so the
 * input channels of the next layers that turn NaN are exactly those the probed channels reach. Each
 * producer with C channels gets 2·⌈log₂ C⌉ probe images in the batch — image 2k has NaN in the channels
 * whose bit k is set, image 2k+1 in those whose bit k is clear — so every consumer index decodes to the one
 * producer channel it comes from, and an index that sees both halves of a bit (a mixing operation the
 * tracer does not know) is detected. Layer norms keep the channel index but mix values, so the tracer
 * re-injects the NaN pattern of their input. Tensors held by modules no pruner knows (e.g. a ViT's class
 * token and position embedding) are set to NaN one at a time to find the channels they touch.
 */
final class ChannelTracer {
    /** Probe images per forward pass. */
    private static final int CHUNK = 32;

    private ChannelTracer() {}

    /** Traces {@code model}, run by {@code forward} on images of shape {@code [C, H, W]}. */
    static Trace trace(Module model, UnaryOperator<NDArray> forward, Shape imageShape) {
        List<Layer> layers = knownLayers(model);
        List<Integer> producers = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).pruner().traceKind() == TraceKind.BOUNDARY) {
                producers.add(i);
            }
        }
        Map<String, List<int[]>[]> found = new LinkedHashMap<>();
        Map<Integer, String> pinned = new HashMap<>();
        boolean wasTraining = model.isTraining();
        model.train(false);
        try {
            int p = 0;
            while (p < producers.size()) {
                int end = p;
                int samples = 0;
                while (end < producers.size() && (end == p || samples + probes(layers, producers.get(end)) <= CHUNK)) {
                    samples += probes(layers, producers.get(end));
                    end++;
                }
                probeChunk(model, forward, imageShape, layers, producers, p, end, samples, found, pinned);
                p = end;
            }
            Map<String, Map<Integer, String>> touched = probeForeign(model, forward, imageShape, layers);
            Map<String, int[][]> sources = new LinkedHashMap<>();
            found.forEach((path, perIndex) -> {
                int[][] flat = new int[perIndex.length][];
                for (int j = 0; j < perIndex.length; j++) {
                    List<int[]> l = perIndex[j] == null ? List.of() : perIndex[j];
                    flat[j] = new int[2 * l.size()];
                    for (int k = 0; k < l.size(); k++) {
                        flat[j][2 * k] = l.get(k)[0];
                        flat[j][2 * k + 1] = l.get(k)[1];
                    }
                }
                sources.put(path, flat);
            });
            return new Trace(layers, producers, sources, pinned, touched);
        } finally {
            model.train(wasTraining);
        }
    }

    /** The known layers in module order; the children of a known layer belong to it and are skipped. */
    static List<Layer> knownLayers(Module model) {
        List<Layer> out = new ArrayList<>();
        List<String> owned = new ArrayList<>();
        for (Map.Entry<String, Module> e : model.namedModules().entrySet()) {
            String path = e.getKey();
            if (owned.stream().anyMatch(o -> path.startsWith(o + "."))) {
                continue;
            }
            LayerPruner.of(e.getValue()).ifPresent(pr -> {
                out.add(new Layer(path, e.getValue(), pr));
                owned.add(path);
            });
        }
        return out;
    }

    private static int bits(long width) {
        int b = 1;
        while ((1L << b) < width) {
            b++;
        }
        return b;
    }

    private static int probes(List<Layer> layers, int layer) {
        Layer l = layers.get(layer);
        return 2 * bits(l.pruner().width(l.module(), Role.OUT));
    }

    private static NDArray image(NDManager m, Shape imageShape, int batch) {
        long[] dims = new long[imageShape.dimension() + 1];
        dims[0] = batch;
        for (int i = 0; i < imageShape.dimension(); i++) {
            dims[i + 1] = imageShape.get(i);
        }
        return m.ones(new Shape(dims)).mul(0.5f);
    }

    /** Per (sample, channel on {@code axis}): does the tensor hold a NaN there? */
    private static boolean[][] nanPattern(NDArray x, int axis) {
        int nd = x.getShape().dimension();
        List<Integer> reduce = new ArrayList<>();
        for (int a = 1; a < nd; a++) {
            if (a != axis) {
                reduce.add(a);
            }
        }
        NDArray nan = x.isNaN().toType(DataType.INT32, false);
        NDArray counts = reduce.isEmpty() ? nan : nan.sum(reduce.stream().mapToInt(Integer::intValue).toArray());
        int[] flat = counts.toType(DataType.INT32, false).toIntArray();
        int b = Math.toIntExact(x.getShape().get(0));
        int c = Math.toIntExact(x.getShape().get(axis));
        boolean[][] out = new boolean[b][c];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < c; j++) {
                out[i][j] = flat[i * c + j] > 0;
            }
        }
        return out;
    }

    private static void zero(NDArray x) {
        x.set(new NDIndex("..."), 0f);
    }

    @SuppressWarnings("unchecked")
    private static void probeChunk(Module model, UnaryOperator<NDArray> forward, Shape imageShape, List<Layer> layers,
            List<Integer> producers, int from, int to, int samples, Map<String, List<int[]>[]> found,
            Map<Integer, String> pinned) {
        Map<Integer, Integer> offset = new HashMap<>();
        int o = 0;
        for (int p = from; p < to; p++) {
            offset.put(producers.get(p), o);
            o += probes(layers, producers.get(p));
        }
        Map<String, boolean[][]> seen = new LinkedHashMap<>();
        List<HookHandle> hooks = new ArrayList<>();
        try (NDManager scope = NDManager.newBaseManager()) {
            for (int li = 0; li < layers.size(); li++) {
                Layer layer = layers.get(li);
                Integer off = offset.get(li);
                hooks.add(layer.module().addForwardHook((mod, in, out) -> {
                    if (layer.pruner().roles().contains(Role.IN)) {
                        seen.put(layer.path(), nanPattern(in, layer.pruner().inputAxis(in)));
                    }
                    switch (layer.pruner().traceKind()) {
                        case BOUNDARY -> {
                            zero(out);
                            if (off != null) {
                                out.addi(probePattern(out, layer.pruner().outputAxis(out), off, samples));
                            }
                        }
                        case NORMALISING -> {
                            NDArray mask = in.isNaN();
                            zero(out);
                            out.set(mask, Float.NaN);
                        }
                        case CHANNELWISE -> { }
                    }
                }));
            }
            NDArray logits = forward.apply(image(scope, imageShape, samples));
            boolean[][] atOutput = nanPattern(logits, logits.getShape().dimension() - 1);
            for (int p = from; p < to; p++) {
                int li = producers.get(p);
                int off = offset.get(li);
                for (int s = off; s < off + probes(layers, li); s++) {
                    for (boolean b : atOutput[s]) {
                        if (b) {
                            pinned.putIfAbsent(p, "reaches the model output");
                        }
                    }
                }
            }
        } finally {
            hooks.forEach(HookHandle::close);
        }
        for (Map.Entry<String, boolean[][]> e : seen.entrySet()) {
            boolean[][] nan = e.getValue();
            int width = nan[0].length;
            List<int[]>[] perIndex = found.computeIfAbsent(e.getKey(), k -> new List[width]);
            if (perIndex.length != width) {
                throw new IllegalStateException(e.getKey() + " changed its input width between probe passes");
            }
            for (int p = from; p < to; p++) {
                int li = producers.get(p);
                int off = offset.get(li);
                int nbits = probes(layers, li) / 2;
                long pw = layers.get(li).pruner().width(layers.get(li).module(), Role.OUT);
                for (int j = 0; j < width; j++) {
                    int c = 0;
                    int hits = 0;
                    boolean mixed = false;
                    for (int k = 0; k < nbits; k++) {
                        boolean set = nan[off + 2 * k][j];
                        boolean clear = nan[off + 2 * k + 1][j];
                        if (set && clear) {
                            mixed = true;
                        }
                        if (set || clear) {
                            hits++;
                        }
                        if (set) {
                            c |= 1 << k;
                        }
                    }
                    if (hits == 0) {
                        continue;
                    }
                    if (mixed || hits != nbits || c >= pw) {
                        pinned.putIfAbsent(p, "its channels are mixed by an operation outside the known layers before "
                                + e.getKey());
                        continue;
                    }
                    if (perIndex[j] == null) {
                        perIndex[j] = new ArrayList<>();
                    }
                    perIndex[j].add(new int[] {p, c});
                }
            }
        }
    }

    /** A {@code [samples, 1.., C, 1..]} tensor: NaN where the probe images of one producer mark a channel. */
    private static NDArray probePattern(NDArray out, int axis, int offset, int samples) {
        int c = Math.toIntExact(out.getShape().get(axis));
        int nbits = bits(c);
        float[] v = new float[samples * c];
        for (int k = 0; k < nbits; k++) {
            for (int ch = 0; ch < c; ch++) {
                boolean set = ((ch >> k) & 1) == 1;
                v[(offset + 2 * k + (set ? 0 : 1)) * c + ch] = Float.NaN;
            }
        }
        long[] dims = new long[out.getShape().dimension()];
        java.util.Arrays.fill(dims, 1);
        dims[0] = samples;
        dims[axis] = c;
        return out.getManager().create(v, new Shape(dims));
    }

    /** For every tensor of a module no pruner knows: which consumer indices it reaches. */
    private static Map<String, Map<Integer, String>> probeForeign(Module model, UnaryOperator<NDArray> forward,
            Shape imageShape, List<Layer> layers) {
        Map<String, Map<Integer, String>> touched = new LinkedHashMap<>();
        Map<String, Parameter> all = model.namedParameters();
        List<String> knownTensors = new ArrayList<>();
        for (Layer l : layers) {
            String prefix = l.path().isEmpty() ? "" : l.path() + ".";
            all.keySet().stream().filter(n -> n.startsWith(prefix)).forEach(knownTensors::add);
        }
        for (Map.Entry<String, Parameter> e : all.entrySet()) {
            if (knownTensors.contains(e.getKey())) {
                continue;
            }
            Parameter param = e.getValue();
            NDArray original = param.value().duplicate();
            Map<String, boolean[][]> seen = new LinkedHashMap<>();
            List<HookHandle> hooks = new ArrayList<>();
            try (NDManager scope = NDManager.newBaseManager()) {
                param.setValue(param.value().mul(Float.NaN));
                for (Layer layer : layers) {
                    hooks.add(layer.module().addForwardHook((mod, in, out) -> {
                        if (layer.pruner().roles().contains(Role.IN)) {
                            seen.put(layer.path(), nanPattern(in, layer.pruner().inputAxis(in)));
                        }
                        switch (layer.pruner().traceKind()) {
                            case BOUNDARY -> zero(out);
                            case NORMALISING -> {
                                NDArray mask = in.isNaN();
                                zero(out);
                                out.set(mask, Float.NaN);
                            }
                            case CHANNELWISE -> { }
                        }
                    }));
                }
                forward.apply(image(scope, imageShape, 1));
            } finally {
                hooks.forEach(HookHandle::close);
                param.setValue(original);
            }
            seen.forEach((path, nan) -> {
                for (int j = 0; j < nan[0].length; j++) {
                    if (nan[0][j]) {
                        touched.computeIfAbsent(path, k -> new HashMap<>()).putIfAbsent(j, e.getKey());
                    }
                }
            });
        }
        return touched;
    }
}
