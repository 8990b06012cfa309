package org.prune4j.internal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.prune4j.internal.io.MaskedTensors;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.io.format.FileSignature;
import org.prune4j.internal.io.pytorch.PyTorchCheckpoint;

/**
 * {@code inspect} for a file of named tensors that is not a Llama-family model: a vision checkpoint
 * ({@code torch.save} or safetensors) or a training checkpoint with {@code <name>_mask} tensors. Lists
 * every tensor with its shape, dtype and share of zeros (after applying its mask), and the totals.
 */
final class StateDictInspection {
    private StateDictInspection() {}

    /** True when {@code model} names a regular file whose content is safetensors or a PyTorch checkpoint. */
    static boolean applies(String model) {
        Path p = Path.of(model);
        if (!Files.isRegularFile(p)) {
            return false;
        }
        return FileSignature.of(p).holdsNamedTensors();
    }

    /** Describes {@code model}; with {@code recipe} non-null, as JSON embedding it. */
    static int run(String model, com.fasterxml.jackson.databind.node.ObjectNode recipe, PrintWriter out) {
        boolean json = recipe != null;
        Path file = Path.of(model);
        FileSignature kind = FileSignature.of(file);
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        SafetensorsFile st = null;
        try {
            if (kind == FileSignature.SAFETENSORS) {
                st = SafetensorsFile.open(file);
                for (String n : st.names()) {
                    tensors.put(n, st.get(n));
                }
            } else {
                tensors.putAll(PyTorchCheckpoint.readStateDict(file));
            }
            boolean masked = MaskedTensors.hasMasks(tensors);
            Map<String, TensorData> effective = MaskedTensors.fold(tensors, model);
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            o.put("model", model);
            o.put("format", kind == FileSignature.SAFETENSORS ? "safetensors" : "pytorch");
            o.put("file_bytes", Files.size(file));
            o.put("masks", masked);
            long params = 0;
            long zeros = 0;
            ArrayNode list = o.putArray("tensors");
            for (Map.Entry<String, TensorData> e : effective.entrySet()) {
                TensorData t = e.getValue();
                long z = t.dtype().isFloating() ? countZeros(t.toFloats()) : 0;
                ObjectNode n = list.addObject();
                n.put("name", e.getKey());
                n.put("dtype", t.dtype().name());
                ArrayNode shape = n.putArray("shape");
                for (long d : t.shape()) {
                    shape.add(d);
                }
                n.put("zeros", z);
                if (t.dtype().isFloating()) {
                    params += t.numel();
                    zeros += z;
                }
            }
            o.put("parameters", params);
            o.put("zero_parameters", zeros);
            o.put("sparsity", params == 0 ? 0.0 : zeros / (double) params);
            if (json) {
                o.set("recipe", recipe);
                out.println(o.toString());
            } else {
                out.printf(Locale.ROOT, "model        %s (%s, %,d bytes)%s%n", model, o.get("format").asText(),
                        Files.size(file), masked ? ", masks applied" : "");
                for (var n : list) {
                    out.printf(Locale.ROOT, "  %-44s %-5s %-18s zeros %.4f%n", n.get("name").asText(),
                            n.get("dtype").asText(), n.get("shape").toString(),
                            n.get("zeros").asLong() / (double) Math.max(1, numel(n.get("shape"))));
                }
                out.printf(Locale.ROOT, "parameters   %,d (floating point), %,d zero: sparsity %.4f%n", params, zeros,
                        params == 0 ? 0.0 : zeros / (double) params);
                out.println("(a tensor file, not a Llama-family model: eval it with --arch ARCH)");
            }
            out.flush();
            return 0;
        } catch (IOException e) {
            throw new org.prune4j.UserError(model + ": cannot read: " + e.getMessage(), e);
        } finally {
            if (st != null) {
                st.close();
            }
        }
    }

    private static long numel(com.fasterxml.jackson.databind.JsonNode shape) {
        long n = 1;
        for (var d : shape) {
            n *= d.asLong();
        }
        return n;
    }

    private static long countZeros(float[] v) {
        long z = 0;
        for (float x : v) {
            if (x == 0f) {
                z++;
            }
        }
        return z;
    }
}
