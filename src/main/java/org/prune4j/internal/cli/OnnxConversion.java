package org.prune4j.internal.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.io.onnx.OnnxDataType;
import org.prune4j.internal.io.onnx.export.LlamaOnnxExport;
import org.prune4j.internal.io.onnx.export.OnnxExportFile;
import org.prune4j.internal.io.onnx.export.OnnxExportOptions;
import org.prune4j.internal.io.onnx.export.VisionOnnxExport;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;
import org.prune4j.internal.io.onnx.proto.Onnx.ValueInfoProto;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.vision.VisionModels;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code prune4j convert --to onnx}: a Llama-family model ({@code --model}), or a vision checkpoint of
 * architecture {@code --arch}, as an ONNX model for ONNX Runtime.
 */
record OnnxConversion(String model, String arch, Path out, String dtype, boolean kvCache, boolean json) {

    int run(CommandSpec spec) {
        OnnxExportOptions options = new OnnxExportOptions(weightType(dtype), kvCache);
        org.prune4j.internal.io.OutputLocation.check("--out", out);
        ModelProto m;
        String source;
        if (arch != null) {
            if (kvCache) {
                throw new UserError("--kv-cache: vision models have no key/value cache (it applies to the Llama family only)");
            }
            Path ckpt = Path.of(model);
            if (!Files.isRegularFile(ckpt)) {
                throw new UserError("--model " + model + ": no such checkpoint file");
            }
            ConvertCommand.checkDistinct(ckpt, out);
            try (NDManager manager = NDManager.newBaseManager()) {
                m = VisionOnnxExport.build(VisionModels.load(arch, ckpt, manager), options);
            }
            source = ckpt.toString();
        } else {
            refuseVisionCheckpoint(model);
            LlamaCheckpoint ckpt = ModelLocator.loadLlama(model, null);
            ConvertCommand.checkDistinct(ckpt.source(), out);
            m = LlamaOnnxExport.build(ckpt, options);
            source = ckpt.source().toString();
        }
        long bytes = OnnxExportFile.write(m, out);
        List<String> inputs = m.getGraph().getInputList().stream().map(ValueInfoProto::getName).toList();
        List<String> outputs = m.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList();
        String type = options.weightType() == OnnxDataType.FLOAT16 ? "f16" : "f32";
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("recipe", RecipeOption.tree(spec, "convert"));
            o.put("model", model);
            o.put("source", source);
            o.put("architecture", arch);
            o.put("format", "onnx");
            o.put("out", out.toString());
            o.put("dtype", type);
            o.put("kv_cache", kvCache);
            o.put("opset", m.getOpsetImport(0).getVersion());
            o.put("inputs", inputs);
            o.put("outputs", outputs);
            o.put("nodes", m.getGraph().getNodeCount());
            o.put("bytes", bytes);
            try {
                spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(o));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            spec.commandLine().getOut().println("wrote " + out + " (onnx, opset " + m.getOpsetImport(0).getVersion() + ", " + type
                    + ", inputs " + String.join(", ", inputs.size() > 4 ? List.of(inputs.get(0), inputs.get(1), inputs.get(2), "...") : inputs)
                    + ", " + m.getGraph().getNodeCount() + " nodes, " + bytes + " bytes)");
        }
        return 0;
    }

    /** The ONNX weight type for {@code --dtype} (default f32). */
    static OnnxDataType weightType(String dtype) {
        if (dtype == null) {
            return OnnxDataType.FLOAT;
        }
        return switch (dtype.toLowerCase(Locale.ROOT)) {
            case "f32", "float32", "fp32" -> OnnxDataType.FLOAT;
            case "f16", "float16", "fp16" -> OnnxDataType.FLOAT16;
            default -> throw new UserError("--dtype " + dtype + ": not supported for onnx (expected f32 or f16)");
        };
    }

    /** A PyTorch pickle or a safetensors file without a token embedding is a vision checkpoint: it needs --arch. */
    private static void refuseVisionCheckpoint(String model) {
        String name = model.toLowerCase(Locale.ROOT);
        boolean pickle = name.endsWith(".th") || name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".tar");
        if (pickle && Files.isRegularFile(Path.of(model))) {
            throw new UserError("--model " + model + ": a PyTorch checkpoint is a vision model here: pass its --arch (one of "
                    + String.join(", ", VisionModels.names()) + ")");
        }
        if (name.endsWith(".safetensors") && Files.isRegularFile(Path.of(model))) {
            try (org.prune4j.internal.io.SafetensorsFile f = org.prune4j.internal.io.SafetensorsFile.open(Path.of(model))) {
                if (!f.names().contains(org.prune4j.internal.model.llama.LlamaTensorNames.EMBED)) {
                    throw new UserError("--model " + model + ": no token embedding, so not a Llama-family model; for a vision"
                            + " checkpoint pass its --arch (one of " + String.join(", ", VisionModels.names()) + ")");
                }
            }
        }
    }
}
