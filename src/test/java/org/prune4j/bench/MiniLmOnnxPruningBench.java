package org.prune4j.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.prune4j.internal.io.onnx.InputTensor;
import org.prune4j.internal.io.onnx.OnnxDataType;
import org.prune4j.internal.io.onnx.OnnxModelReader;
import org.prune4j.internal.io.onnx.OnnxRunner;
import org.prune4j.internal.prune.onnx.ImportanceMethod;
import org.prune4j.internal.prune.onnx.MiniLmArtifact;
import org.prune4j.internal.prune.onnx.OnnxPruneJob;
import org.prune4j.internal.prune.onnx.OnnxPruneReport;
import org.prune4j.internal.prune.onnx.OnnxPruneSettings;
import org.prune4j.internal.prune.onnx.PruneScope;
import org.prune4j.internal.prune.onnx.PruneTarget;
import org.prune4j.internal.prune.onnx.SentenceEmbeddings;

/**
 * all-MiniLM-L6-v2 (from the local Maven repository) with attention heads and FFN neurons pruned by 25%
 * and 50% of their parameters: parameters, file size, ONNX Runtime latency (batch 1 and 32, sequence 128,
 * runs interleaved), and quality as the mean cosine dense vs pruned and the Spearman correlation of
 * pairwise similarities on 400 sentences (first sentences of WikiText-2 test paragraphs and TinyStories
 * validation stories from ../shared/data). Run by hand:
 * {@code java -cp ... org.prune4j.bench.MiniLmOnnxPruningBench ../shared/data WORKDIR}.
 */
public final class MiniLmOnnxPruningBench {
    private MiniLmOnnxPruningBench() {}

    static List<String> firstSentences(Path file, boolean wiki, int count, int skip) throws Exception {
        List<String> out = new ArrayList<>();
        int seen = 0;
        for (String para : Files.readString(file).split("\n")) {
            String p = para.strip();
            if (p.isEmpty() || p.startsWith("=")) {
                continue;
            }
            int end = p.indexOf(". ");
            String s = end > 0 ? p.substring(0, end + 1) : p;
            if (wiki) {
                s = s.replace(" @-@ ", "-").replace(" @,@ ", ",").replace(" @.@ ", ".").replace(" ,", ",").replace(" .", ".");
            }
            if (s.length() < 30 || s.length() > 250) {
                continue;
            }
            if (seen++ < skip) {
                continue;
            }
            out.add(s);
            if (out.size() == count) {
                break;
            }
        }
        return out;
    }

    static Map<String, InputTensor> randomBatch(OnnxRunner r, int batch, int seq, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] ids = new long[batch * seq];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1000 + rnd.nextInt(28000);
        }
        long[] ones = new long[ids.length];
        Arrays.fill(ones, 1);
        long[] zeros = new long[ids.length];
        long[] shape = {batch, seq};
        Map<String, InputTensor> feed = new LinkedHashMap<>();
        for (String n : r.inputs().keySet()) {
            feed.put(n, InputTensor.ofLongs(OnnxDataType.INT64, shape, switch (n) {
                case "input_ids" -> ids;
                case "attention_mask" -> ones;
                default -> zeros;
            }));
        }
        return feed;
    }

    static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    public static void main(String[] args) throws Exception {
        Path shared = Path.of(args.length > 0 ? args[0] : "../shared/data");
        Path work = Files.createDirectories(Path.of(args.length > 1 ? args[1] : "target/minilm-bench"));
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Path jar = MiniLmArtifact.findJar().orElseThrow(() -> new IllegalStateException("MiniLM artifact not in ~/.m2"));
        MiniLmArtifact a = MiniLmArtifact.extract(jar, work);
        System.out.println("artifact " + jar.getFileName());
        List<String> sentences = new ArrayList<>(firstSentences(shared.resolve("wikitext-2/wikitext-2-raw-v1.test.joined.txt"), true, 200, 0));
        sentences.addAll(firstSentences(shared.resolve("tinystories-valid-sample/tinystories_validation_head.txt"), false, 200, 0));
        List<String> calib = new ArrayList<>(firstSentences(shared.resolve("wikitext-2/wikitext-2-raw-v1.test.joined.txt"), true, 32, 200));
        calib.addAll(firstSentences(shared.resolve("tinystories-valid-sample/tinystories_validation_head.txt"), false, 32, 200));
        Path calibFile = work.resolve("calib.txt");
        Files.write(calibFile, calib);
        System.out.printf(Locale.ROOT, "%d evaluation sentences, %d calibration sentences (disjoint)%n", sentences.size(), calib.size());

        record Variant(String name, Path file, OnnxPruneReport report) {}
        List<Variant> variants = new ArrayList<>();
        variants.add(new Variant("dense", a.model(), null));
        for (ImportanceMethod method : List.of(ImportanceMethod.L1, ImportanceMethod.ACTIVATION, ImportanceMethod.RANDOM)) {
            for (double ratio : List.of(0.25, 0.5)) {
                String name = method.cliName() + "-" + (int) (ratio * 100);
                Path out = work.resolve(name + ".onnx");
                OnnxPruneReport r = new OnnxPruneJob(new PrintStream(new ByteArrayOutputStream())).run(a.model(), out,
                        new OnnxPruneSettings(method, new PruneTarget.ParameterRatio(ratio), PruneScope.LOCAL, 1,
                                method == ImportanceMethod.ACTIVATION ? calibFile : null, a.tokenizer(), 64, 0));
                variants.add(new Variant(name, out, r));
                System.out.printf(Locale.ROOT, "pruned %s in %.1fs%n", name, r.seconds());
            }
        }
        Map<String, float[][]> emb = new LinkedHashMap<>();
        try (SentenceEmbeddings se = new SentenceEmbeddings(a.tokenizer())) {
            for (Variant v : variants) {
                try (OnnxRunner r = OnnxRunner.open(OnnxModelReader.read(v.file()), v.name(), threads)) {
                    emb.put(v.name(), se.embed(r, sentences));
                    if (v.name().equals("dense")) {
                        float[][] pair = se.embed(r, List.of("A man is eating food.", "A man is eating a piece of bread."));
                        System.out.printf(Locale.ROOT, "dense cosine('A man is eating food.', 'A man is eating a piece of bread.') = %.4f%n",
                                SentenceEmbeddings.cosine(pair[0], pair[1]));
                    }
                }
            }
        }
        // latency: dense and the l1 variants (the other methods give the same shapes), runs interleaved
        List<Variant> timed = variants.stream().filter(v -> v.name().equals("dense") || v.name().startsWith("l1")).toList();
        Map<String, List<Double>> b1 = new LinkedHashMap<>();
        Map<String, List<Double>> b32 = new LinkedHashMap<>();
        List<OnnxRunner> runners = new ArrayList<>();
        for (Variant v : timed) {
            runners.add(OnnxRunner.open(OnnxModelReader.read(v.file()), v.name(), threads));
            b1.put(v.name(), new ArrayList<>());
            b32.put(v.name(), new ArrayList<>());
        }
        Map<String, InputTensor> f1 = randomBatch(runners.get(0), 1, 128, 1);
        Map<String, InputTensor> f32 = randomBatch(runners.get(0), 32, 128, 2);
        for (OnnxRunner r : runners) {
            r.run(f1, List.of());
            r.run(f32, List.of());
        }
        for (int rep = 0; rep < 20; rep++) {
            for (int i = 0; i < runners.size(); i++) {
                long t0 = System.nanoTime();
                runners.get(i).run(f1, List.of());
                b1.get(timed.get(i).name()).add((System.nanoTime() - t0) / 1e6);
            }
        }
        for (int rep = 0; rep < 5; rep++) {
            for (int i = 0; i < runners.size(); i++) {
                long t0 = System.nanoTime();
                runners.get(i).run(f32, List.of());
                b32.get(timed.get(i).name()).add((System.nanoTime() - t0) / 1e6);
            }
        }
        runners.forEach(OnnxRunner::close);
        double d1 = median(b1.get("dense"));
        double d32 = median(b32.get("dense"));
        System.out.printf(Locale.ROOT, "%n| variant | params | file bytes | MACs (seq 23) | mean cosine vs dense | Spearman pairwise | b1 s128 ms (x dense) | b32 s128 ms (x dense) |%n");
        System.out.println("|---|---|---|---|---|---|---|---|");
        float[][] dense = emb.get("dense");
        for (Variant v : variants) {
            long params = v.report() == null ? variants.get(1).report().paramsBefore() : v.report().paramsAfter();
            long bytes = Files.size(v.file());
            long macs = v.report() == null ? variants.get(1).report().macsBefore() : v.report().macsAfter();
            String lat1 = b1.containsKey(v.name()) ? String.format(Locale.ROOT, "%.1f (%.2f)", median(b1.get(v.name())), median(b1.get(v.name())) / d1) : "same shapes as l1";
            String lat32 = b32.containsKey(v.name()) ? String.format(Locale.ROOT, "%.0f (%.2f)", median(b32.get(v.name())), median(b32.get(v.name())) / d32) : "";
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %.4f | %.4f | %s | %s |%n", v.name(), params, bytes, macs,
                    SentenceEmbeddings.meanRowCosine(dense, emb.get(v.name())), SentenceEmbeddings.pairwiseSpearman(dense, emb.get(v.name())),
                    lat1, lat32);
        }
        System.out.printf(Locale.ROOT, "ONNX Runtime intra-op threads: %d; latency = median of 20 (batch 1) and 5 (batch 32) interleaved runs%n", threads);
    }
}
