package org.prune4j.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.prune4j.internal.data.Cifar10Binary;
import org.prune4j.internal.data.IdxFiles;
import org.prune4j.internal.data.Normalization;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.io.IdsFileSpec;
import org.prune4j.internal.io.NonFiniteWeights;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.io.SafetensorsWriter;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.io.TokenIdTensor;
import org.prune4j.internal.io.hf.HfFormat;
import org.prune4j.internal.io.hf.HfWriteOptions;
import org.prune4j.internal.io.hf.TinyCheckpoints;
import org.prune4j.internal.io.llama2c.Llama2cFormat;
import org.prune4j.internal.io.pytorch.PyTorchCheckpoint;
import org.prune4j.internal.io.pytorch.TorchFiles;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.pipeline.calibrate.CalibrationSet;
import org.prune4j.internal.tokenizer.HfTokenizer;
import org.prune4j.internal.tokenizer.Llama2cTokenizer;
import org.prune4j.internal.tokenizer.Tokenizer;

/** Every parser of prune4j as a fuzz target, with small valid seeds built in memory or taken from test resources. */
final class FuzzTargets {
    private static final String TEXT = "Once upon a time, a cat sat. \u00e9\u4e2d!";

    private FuzzTargets() {}

    static List<FuzzTarget> all(Path scratch) throws IOException {
        LlamaCheckpoint tiny = TinyCheckpoints.random(TinyCheckpoints.llama(), 1);
        Path single = scratch.resolve("seed-hf-single");
        HfFormat.write(tiny, single);
        Path sharded = scratch.resolve("seed-hf-sharded");
        HfFormat.write(tiny, sharded, HfWriteOptions.defaults().withMaxShardBytes(5000));
        Path llama2c = scratch.resolve("seed-llama2c.bin");
        Llama2cFormat.write(tiny, llama2c);

        UnaryOperator<byte[]> same = UnaryOperator.identity();
        return List.of(
                new FuzzTarget("safetensors", List.of(Files.readAllBytes(single.resolve("model.safetensors")),
                        safetensors()), same, null, null, FuzzTargets::readSafetensors),
                new FuzzTarget("hf-config", List.of(Files.readAllBytes(single.resolve("config.json"))), same,
                        "config.json", dir -> copy(single.resolve("model.safetensors"), dir.resolve("model.safetensors")),
                        input -> touch(HfFormat.read(input.getParent(), null).tensors())),
                new FuzzTarget("hf-index", List.of(Files.readAllBytes(sharded.resolve("model.safetensors.index.json"))),
                        same, "model.safetensors.index.json", dir -> {
                            try (var files = Files.list(sharded)) {
                                for (Path p : files.toList()) {
                                    if (!p.getFileName().toString().endsWith(".index.json")) {
                                        copy(p, dir.resolve(p.getFileName()));
                                    }
                                }
                            }
                        }, input -> touch(HfFormat.read(input.getParent(), null).tensors())),
                new FuzzTarget("llama2c-checkpoint", List.of(Files.readAllBytes(llama2c)), same, null, null,
                        input -> touch(Llama2cFormat.read(input, null).tensors())),
                new FuzzTarget("llama2c-tokenizer", List.of(resource("/org/prune4j/models/stories260K/tok512.bin")),
                        same, null, null, input -> exercise(Llama2cTokenizer.load(input))),
                new FuzzTarget("hf-tokenizer-json", List.of(resource("/tokenizer/tiny_bpe/tokenizer.json")), same,
                        "tokenizer.json", null, input -> {
                            try (HfTokenizer t = HfTokenizer.load(input, -1, -1)) {
                                exercise(t);
                            }
                        }),
                new FuzzTarget("pytorch-zip-pickle", List.of(TorchFiles.samplePickle()),
                        p -> TorchFiles.zip("model", p, Map.of("0", TorchFiles.floats(12))), null, null,
                        input -> touch(PyTorchCheckpoint.readStateDict(input))),
                new FuzzTarget("pytorch-zip-file", List.of(TorchFiles.sampleZip()), same, null, null,
                        input -> touch(PyTorchCheckpoint.readStateDict(input))),
                new FuzzTarget("pytorch-legacy", List.of(TorchFiles.sampleLegacy()), same, null, null,
                        input -> touch(PyTorchCheckpoint.readStateDict(input))),
                new FuzzTarget("idx-images", List.of(idxImages()), same, null, null, IdxFiles::readImages),
                new FuzzTarget("idx-labels", List.of(idxLabels()), same, null, null, IdxFiles::readLabels),
                new FuzzTarget("cifar10-binary", List.of(cifar()), same, null, null,
                        input -> Cifar10Binary.read(input, Normalization.CIFAR10)),
                new FuzzTarget("ids-safetensors", List.of(ids()), same, null, null, input -> {
                    IdsFileSpec spec = IdsFileSpec.parse(input.toString());
                    TensorData t = spec.read();
                    TokenIdTensor.of(t, spec.toString(), 512);
                    if (t.shape().length == 2) {
                        CalibrationSet.fromIds(t, spec.toString(), 512, 256);
                    }
                }));
    }

    private static void readSafetensors(Path input) {
        try (SafetensorsFile f = SafetensorsFile.open(input)) {
            for (String name : f.names()) {
                NonFiniteWeights.count(f.get(name));
            }
        }
    }

    private static void touch(Map<String, TensorData> tensors) {
        tensors.values().forEach(NonFiniteWeights::count);
    }

    private static void exercise(Tokenizer t) {
        int[] ids = t.encode(TEXT, false, false);
        t.decode(ids);
    }

    private static byte[] safetensors() throws IOException {
        Map<String, TensorData> m = new LinkedHashMap<>();
        m.put("w", TensorData.ofFloats(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
        m.put("i", TensorData.ofInts(new long[] {3}, new int[] {7, 8, 9}));
        m.put("s", TensorData.ofFloats(new long[] {}, new float[] {1}));
        var out = new java.io.ByteArrayOutputStream();
        SafetensorsWriter.write(out, m, Map.of("format", "pt"));
        return out.toByteArray();
    }

    private static byte[] ids() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(2 * 5 * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 10; i++) {
            b.putLong(i * 37 % 512);
        }
        Map<String, TensorData> m = Map.of("ids", new TensorData(DType.I64, new long[] {2, 5}, b.flip()));
        var out = new java.io.ByteArrayOutputStream();
        SafetensorsWriter.write(out, m, Map.of());
        return out.toByteArray();
    }

    private static byte[] idxImages() {
        ByteBuffer b = ByteBuffer.allocate(16 + 3 * 4 * 5).putInt(IdxFiles.IMAGES_MAGIC).putInt(3).putInt(4).putInt(5);
        for (int i = 0; i < 60; i++) {
            b.put((byte) (i * 7));
        }
        return b.array();
    }

    private static byte[] idxLabels() {
        return ByteBuffer.allocate(8 + 4).putInt(IdxFiles.LABELS_MAGIC).putInt(4).put(new byte[] {0, 9, 3, 1}).array();
    }

    private static byte[] cifar() {
        byte[] b = new byte[2 * Cifar10Binary.RECORD_BYTES];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31);
        }
        b[0] = 3;
        b[Cifar10Binary.RECORD_BYTES] = 7;
        return b;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = FuzzTargets.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("test resource " + name + " is missing");
            }
            return in.readAllBytes();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
