package org.prune4j.internal.prune.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.io.onnx.InputTensor;
import org.prune4j.internal.io.onnx.OnnxDataType;
import org.prune4j.internal.io.onnx.OnnxRunner;

/**
 * Calibration inputs for activation-aware scores, as model feeds:
 * <ul>
 *   <li>{@code FILE.safetensors}: one tensor per model input, named as the input, the first axis the
 *       samples; fed one sample at a time;</li>
 *   <li>a text file with {@code --tokenizer tokenizer.json}: one sample per non-empty line, tokenized with
 *       the tokenizer's special tokens, fed as {@code input_ids} (+ {@code attention_mask} of ones and
 *       {@code token_type_ids} of zeros when the model has them).</li>
 * </ul>
 */
final class CalibrationInputs {
    private CalibrationInputs() {}

    static List<Map<String, InputTensor>> load(Path file, Path tokenizer, OnnxRunner runner, int max) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("--calib: " + file + ": no such file");
        }
        Map<String, OnnxRunner.InputSpec> specs = runner.inputs();
        if (file.getFileName().toString().endsWith(".safetensors")) {
            return fromSafetensors(file, specs, max);
        }
        if (tokenizer == null) {
            throw new UserError("--calib " + file + ": a text file needs --tokenizer (or give a .safetensors file of model inputs)");
        }
        return fromText(file, tokenizer, specs, max);
    }

    private static List<Map<String, InputTensor>> fromSafetensors(Path file, Map<String, OnnxRunner.InputSpec> specs, int max) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            long samples = -1;
            Map<String, TensorData> data = new LinkedHashMap<>();
            for (OnnxRunner.InputSpec s : specs.values()) {
                if (!f.contains(s.name())) {
                    throw new UserError("--calib " + file + ": no tensor named after model input " + s.name());
                }
                TensorData t = f.get(s.name());
                if (t.shape().length != s.shape().length) {
                    throw new UserError("--calib " + file + ": tensor " + s.name() + " has rank " + t.shape().length
                            + " but the model input has rank " + s.shape().length);
                }
                samples = samples < 0 ? t.shape()[0] : Math.min(samples, t.shape()[0]);
                data.put(s.name(), t);
            }
            List<Map<String, InputTensor>> out = new ArrayList<>();
            for (int i = 0; i < Math.min(samples, max); i++) {
                Map<String, InputTensor> feed = new LinkedHashMap<>();
                for (OnnxRunner.InputSpec s : specs.values()) {
                    TensorData t = data.get(s.name());
                    long[] shape = t.shape().clone();
                    shape[0] = 1;
                    int per = Math.toIntExact(TensorData.numel(shape));
                    if (s.type().isFloating()) {
                        float[] all = t.toFloats();
                        feed.put(s.name(), InputTensor.ofFloats(shape, Arrays.copyOfRange(all, i * per, (i + 1) * per)));
                    } else {
                        long[] all = t.toLongs();
                        feed.put(s.name(), InputTensor.ofLongs(s.type(), shape, Arrays.copyOfRange(all, i * per, (i + 1) * per)));
                    }
                }
                out.add(feed);
            }
            return out;
        }
    }

    private static List<Map<String, InputTensor>> fromText(Path file, Path tokenizer, Map<String, OnnxRunner.InputSpec> specs, int max) {
        if (!specs.containsKey("input_ids")) {
            throw new UserError("--calib " + file + ": text calibration needs a model input named input_ids");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file).stream().map(String::strip).filter(s -> !s.isEmpty()).limit(max).toList();
        } catch (IOException e) {
            throw new UserError("--calib " + file + ": cannot read: " + e.getMessage());
        }
        if (!Files.isRegularFile(tokenizer)) {
            throw new UserError("--tokenizer: " + tokenizer + ": no such file");
        }
        List<Map<String, InputTensor>> out = new ArrayList<>();
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizer).optTruncation(true)
                .optMaxLength(256).build()) {
            for (String line : lines) {
                Encoding enc = tok.encode(line);
                out.add(textFeed(enc.getIds(), specs));
            }
        } catch (IOException e) {
            throw new UserError("--tokenizer " + tokenizer + ": " + e.getMessage());
        }
        return out;
    }

    /** The feed for one tokenized text: input_ids, and attention_mask / token_type_ids when the model has them. */
    static Map<String, InputTensor> textFeed(long[] ids, Map<String, OnnxRunner.InputSpec> specs) {
        long[] shape = {1, ids.length};
        Map<String, InputTensor> feed = new LinkedHashMap<>();
        for (OnnxRunner.InputSpec s : specs.values()) {
            long[] v = switch (s.name()) {
                case "input_ids" -> ids;
                case "attention_mask" -> filled(ids.length, 1);
                case "token_type_ids" -> filled(ids.length, 0);
                default -> throw new UserError("text calibration: model input " + s.name() + " is not input_ids, attention_mask or token_type_ids");
            };
            feed.put(s.name(), InputTensor.ofLongs(s.type() == OnnxDataType.INT32 ? OnnxDataType.INT32 : OnnxDataType.INT64, shape, v));
        }
        return feed;
    }

    private static long[] filled(int n, long v) {
        long[] a = new long[n];
        Arrays.fill(a, v);
        return a;
    }
}
