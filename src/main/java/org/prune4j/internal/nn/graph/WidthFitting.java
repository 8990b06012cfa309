package org.prune4j.internal.nn.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.prune4j.UserError;
import org.prune4j.internal.nn.ChannelShortcut;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.Parameter;

/**
 * Shrinks a freshly built model to the widths of a structurally pruned checkpoint, so that any command can
 * load it by name: the tensor shapes give every group's width (the model keeps its first channels; the
 * weights are loaded afterwards), and what shapes cannot say — the channel map of each {@link
 * ChannelShortcut} — comes from the checkpoint metadata key {@code <path>.source}, a JSON list with the
 * input channel each output channel copies, or -1.
 */
public final class WidthFitting {
    /** Metadata key suffix of a shortcut's channel map. */
    public static final String SOURCE_KEY = ".source";

    private WidthFitting() {}

    /** True when some parameter of {@code model} has another shape in {@code shapes} (names without prefix). */
    public static boolean differs(Module model, Map<String, long[]> shapes) {
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            long[] want = shapes.get(e.getKey());
            if (want != null && !java.util.Arrays.equals(want, e.getValue().value().getShape().getShape())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Prunes {@code model} to the widths of {@code shapes} (tensor name → shape, names as the model's) and
     * sets the shortcut maps from {@code metadata} (keys with the same names). Inconsistent shapes are a
     * {@link UserError} naming {@code source}.
     */
    public static void fit(Module model, UnaryOperator<NDArray> forward, Shape imageShape, Map<String, long[]> shapes,
            Map<String, String> metadata, String source) {
        DependencyGraph graph = DependencyGraph.build(model, forward, imageShape);
        for (Group g : graph.groups()) {
            int want = -1;
            String from = null;
            for (Member m : g.members()) {
                for (ParamAxis t : graph.tensors(m)) {
                    long[] shape = shapes.get(t.name());
                    if (shape == null || shape.length <= t.axis() || m.role() == Role.IN && m.indicesOf(0).length != 1) {
                        continue;
                    }
                    int per = t.expand().apply(0).length;
                    long size = shape[t.axis()];
                    int w = (int) (size / per);
                    if (size % per != 0 || w < 1 || w > g.width()) {
                        throw new UserError(source + ": tensor " + t.name() + " has " + size + " along dimension "
                                + t.axis() + ", which does not fit the architecture (at most " + (long) g.width() * per + ")");
                    }
                    if (want < 0) {
                        want = w;
                        from = t.name();
                    } else if (w != want) {
                        throw new UserError(source + ": tensors " + from + " and " + t.name()
                                + " disagree on the width of a coupled group (" + want + " vs " + w + ")");
                    }
                }
            }
            if (want > 0 && want < g.width()) {
                if (!g.prunable() && !g.pinned().equals("a single channel")) {
                    throw new UserError(source + ": tensor " + from + " is narrower than the architecture, but its group"
                            + " cannot be pruned (" + g.pinned() + ")");
                }
                int[] remove = new int[g.width() - want];
                for (int i = 0; i < remove.length; i++) {
                    remove[i] = want + i;
                }
                graph = graph.forcePrune(g.id(), remove);
            }
        }
        for (Map.Entry<String, Module> e : model.namedModules().entrySet()) {
            if (!(e.getValue() instanceof ChannelShortcut sc)) {
                continue;
            }
            String json = metadata.get(e.getKey() + SOURCE_KEY);
            if (json == null) {
                throw new UserError(source + ": the tensors are narrower than the architecture but the metadata lacks "
                        + e.getKey() + SOURCE_KEY + " (the channel map of that shortcut)");
            }
            int[] src = parseList(json, source, e.getKey() + SOURCE_KEY);
            if (src.length != sc.outChannels()) {
                throw new UserError(source + ": metadata " + e.getKey() + SOURCE_KEY + " has " + src.length
                        + " entries but the block has " + sc.outChannels() + " output channels");
            }
            for (int v : src) {
                if (v < -1 || v >= sc.inChannels()) {
                    throw new UserError(source + ": metadata " + e.getKey() + SOURCE_KEY + " names input channel " + v
                            + " of " + sc.inChannels());
                }
            }
            int dot = e.getKey().lastIndexOf('.');
            Module parent = model.namedModules().get(dot < 0 ? "" : e.getKey().substring(0, dot));
            parent.replaceChild(e.getKey().substring(dot + 1), new ChannelShortcut(sc.stride(), sc.inChannels(), src));
        }
    }

    /** The shortcut maps of {@code model} as metadata entries ({@code <path>.source} → JSON list). */
    public static Map<String, String> shortcutMetadata(Module model, String prefix) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        model.namedModules().forEach((path, m) -> {
            if (m instanceof ChannelShortcut sc) {
                out.put(prefix + path + SOURCE_KEY, java.util.Arrays.toString(sc.source()).replace(" ", ""));
            }
        });
        return out;
    }

    private static int[] parseList(String json, String source, String key) {
        String t = json.trim();
        if (!t.startsWith("[") || !t.endsWith("]")) {
            throw new UserError(source + ": metadata " + key + " is not a JSON list of integers: " + json);
        }
        String body = t.substring(1, t.length() - 1).trim();
        if (body.isEmpty()) {
            return new int[0];
        }
        try {
            return java.util.Arrays.stream(body.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new UserError(source + ": metadata " + key + " is not a JSON list of integers: " + json);
        }
    }
}
