package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.io.SafetensorsWriter;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.io.onnx.OnnxDataType;
import org.prune4j.internal.io.onnx.OnnxGraphBuilder;
import org.prune4j.internal.io.onnx.OnnxModelWriter;
import org.prune4j.internal.prune.onnx.OnnxTestModels;

class OnnxCommandsTest {
    @TempDir
    Path dir;

    private Path cnn() {
        Path f = dir.resolve("cnn.onnx");
        OnnxModelWriter.write(OnnxTestModels.cnn(false), f);
        return f;
    }

    @Test
    void pruneWritesASmallerModelAndReportsJson() throws Exception {
        Path in = cnn();
        Path out = dir.resolve("pruned.onnx");
        CliRun r = CliRun.of("prune", "--onnx", in.toString(), "--method", "l2", "--ratio", "0.3", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        for (String k : List.of("params_before", "params_after", "macs_before", "macs_after", "file_bytes_before", "file_bytes_after")) {
            assertTrue(j.has(k), k);
        }
        assertTrue(j.get("params_after").asLong() < j.get("params_before").asLong());
        assertTrue(j.get("macs_after").asLong() < j.get("macs_before").asLong());
        assertEquals(Files.size(in), j.get("file_bytes_before").asLong());
        assertEquals(Files.size(out), j.get("file_bytes_after").asLong());
        assertEquals(2, j.get("groups_pruned").size());
        assertEquals(1, j.get("stopped_by").get("graph output y").asInt());
        assertTrue(r.err().contains("2 prunable groups"));
    }

    @Test
    void aModelWithExternalDataIsPrunedIntoOneWithExternalData() throws Exception {
        Path in = dir.resolve("ext.onnx");
        OnnxModelWriter.writeWithExternalData(OnnxTestModels.cnn(false), in, "ext.onnx.data", 64);
        Path out = dir.resolve("ext-pruned.onnx");
        CliRun r = CliRun.of("prune", "--onnx", in.toString(), "--method", "l1", "--ratio", "0.3", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        Path data = dir.resolve("ext-pruned.onnx.data");
        assertTrue(Files.exists(data));
        assertEquals(Files.size(in) + Files.size(dir.resolve("ext.onnx.data")), r.json().get("file_bytes_before").asLong());
        assertEquals(Files.size(out) + Files.size(data), r.json().get("file_bytes_after").asLong());
        CliRun again = CliRun.of("inspect", "--onnx", out.toString(), "--groups", "--json");
        assertEquals(0, again.code(), again.err());
        assertEquals(r.json().get("params_after").asLong(), again.json().get("params").asLong());
    }

    @Test
    void activationMethodReadsCalibrationInputs() throws Exception {
        Path in = cnn();
        float[] x = new float[4 * 3 * 8 * 8];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        Path calib = dir.resolve("calib.safetensors");
        SafetensorsWriter.write(calib, Map.of("x", TensorData.ofFloats(new long[] {4, 3, 8, 8}, x)), Map.of());
        Path out = dir.resolve("act.onnx");
        CliRun r = CliRun.of("prune", "--onnx", in.toString(), "--method", "activation", "--calib", calib.toString(),
                "--target-macs", "0.6", "--scope", "global", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.json().get("macs_after").asLong() <= 0.6 * r.json().get("macs_before").asLong());
        assertTrue(r.err().contains("capturing activations on 4 calibration samples"), r.err());
    }

    @Test
    void inspectListsGroupsAndStops() throws Exception {
        CliRun r = CliRun.of("inspect", "--onnx", cnn().toString(), "--groups", "--json");
        assertEquals(0, r.code(), r.err());
        CliRun batch4 = CliRun.of("inspect", "--onnx", cnn().toString(), "--groups", "--json", "--dim", "N=4");
        assertEquals(4 * r.json().get("macs").asLong(), batch4.json().get("macs").asLong());
        JsonNode g = r.json().get("groups");
        assertEquals(3, g.size());
        assertEquals(8, g.get(0).get("units").asInt());
        assertTrue(g.get(0).get("prunable").asBoolean());
        assertFalse(g.get(2).get("prunable").asBoolean());
        CliRun text = CliRun.of("inspect", "--onnx", cnn().toString(), "--groups");
        assertTrue(text.out().contains("2 prunable groups, 1 stopped"), text.out());
    }

    @Test
    void badInputIsOneLineExitTwoAndWritesNothing() throws Exception {
        Path out = dir.resolve("never.onnx");
        byte[] all = Files.readAllBytes(cnn());
        Path trunc = dir.resolve("trunc.onnx");
        Files.write(trunc, java.util.Arrays.copyOf(all, all.length / 2));
        CliRun.of("prune", "--onnx", trunc.toString(), "--method", "l1", "--ratio", "0.3", "--out", out.toString())
                .assertUserError("trunc.onnx: not a valid ONNX model");

        Path lrn = dir.resolve("lrn.onnx");
        OnnxModelWriter.write(OnnxTestModels.nothingPrunable(), lrn);
        CliRun.of("prune", "--onnx", lrn.toString(), "--method", "l1", "--ratio", "0.3", "--out", out.toString())
                .assertUserError("nothing prunable: every group is stopped (unknown operator LRN LRN_1)");

        Path refused = dir.resolve("refused.onnx");
        OnnxModelWriter.write(new OnnxGraphBuilder("bad").input("x", OnnxDataType.FLOAT, 1L, 4L)
                .output("y", OnnxDataType.FLOAT, 1L, 4L).node("NoSuchOperator", List.of("x"), List.of("y")).build(17), refused);
        CliRun.of("prune", "--onnx", refused.toString(), "--method", "l1", "--ratio", "0.3", "--out", out.toString())
                .assertUserError("ONNX Runtime refuses the model");

        Path dynamic = dir.resolve("dynamic.onnx");
        OnnxModelWriter.write(new OnnxGraphBuilder("dyn").input("x", OnnxDataType.FLOAT, "a", "b")
                .output("y", OnnxDataType.FLOAT, 4L, 4L).initializer("shape", new long[] {2}, new long[] {4, 4})
                .node("Reshape", List.of("x", "shape"), List.of("y")).build(17), dynamic);
        CliRun.of("prune", "--onnx", dynamic.toString(), "--method", "l1", "--ratio", "0.3", "--out", out.toString())
                .assertUserError("cannot resolve the tensor shapes with probe inputs x[1, 23]");

        CliRun.of("prune", "--onnx", cnn().toString(), "--method", "activation", "--ratio", "0.3", "--out", out.toString())
                .assertUserError("--method activation needs --calib");
        CliRun.of("prune", "--onnx", cnn().toString(), "--method", "l1", "--ratio", "1.5", "--out", out.toString())
                .assertUserError("--ratio: must be in (0, 1)");
        CliRun.of("prune", "--onnx", cnn().toString(), "--method", "taylor", "--ratio", "0.5", "--out", out.toString())
                .assertUserError("--method: unknown method 'taylor'");
        CliRun.of("prune", "--onnx", cnn().toString(), "--method", "l2", "--group-score", "max", "--ratio", "0.3", "--out", out.toString())
                .assertUserError("--group-score: unknown value 'max' (expected normalised or sum)");
        CliRun.of("prune", "--onnx", cnn().toString(), "--method", "random", "--group-score", "sum", "--ratio", "0.3", "--out", out.toString())
                .assertUserError("--group-score sum: applies to --method l1 or l2 only");
        CliRun.of("prune", "--onnx", cnn().toString(), "--method", "l1", "--ratio", "0.5", "--target-macs", "0.5", "--out", out.toString())
                .assertUserError("mutually exclusive");
        CliRun.of("prune", "--onnx", dir.resolve("missing.onnx").toString(), "--method", "l1", "--ratio", "0.5", "--out", out.toString())
                .assertUserError("missing.onnx: no such file");
        assertFalse(Files.exists(out));
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".never")), "no temporary left");
        }
    }
}
