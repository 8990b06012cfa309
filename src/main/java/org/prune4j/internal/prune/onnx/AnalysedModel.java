package org.prune4j.internal.prune.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.prune4j.UserError;
import org.prune4j.internal.io.onnx.InputTensor;
import org.prune4j.internal.io.onnx.OnnxModelReader;
import org.prune4j.internal.io.onnx.OnnxRunner;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;
import org.prune4j.internal.io.onnx.proto.Onnx.StringStringEntryProto;
import org.prune4j.internal.io.onnx.proto.Onnx.TensorProto;

/** A model read from disk, checked by ONNX Runtime, its shapes resolved and its groups built. */
final class AnalysedModel {
    final Path file;
    final ModelProto model;
    final boolean externalData;
    final long fileBytes;
    final Map<String, InputTensor> probeInputs;
    final OnnxGraph graph;
    final GroupAnalysis analysis;
    final CostModel cost;

    private AnalysedModel(Path file, ModelProto model, boolean externalData, long fileBytes, Map<String, InputTensor> probe,
            OnnxGraph graph) {
        this.file = file;
        this.model = model;
        this.externalData = externalData;
        this.fileBytes = fileBytes;
        this.probeInputs = probe;
        this.graph = graph;
        this.analysis = new GroupAnalysis(graph);
        this.cost = new CostModel(analysis);
    }

    static AnalysedModel load(Path file) {
        return load(file, Map.of());
    }

    /** Loads {@code file}; {@code dims} sizes named dynamic axes for the shape probe. */
    static AnalysedModel load(Path file, Map<String, Long> dims) {
        ModelProto raw = readRaw(file);
        Set<String> externalFiles = new LinkedHashSet<>();
        for (TensorProto t : raw.getGraph().getInitializerList()) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                for (StringStringEntryProto e : t.getExternalDataList()) {
                    if (e.getKey().equals("location")) {
                        externalFiles.add(e.getValue());
                    }
                }
            }
        }
        ModelProto model = OnnxModelReader.read(file);
        long bytes = size(file);
        for (String f : externalFiles) {
            bytes += size(file.toAbsolutePath().resolveSibling(f));
        }
        Map<String, InputTensor> probe;
        Map<String, long[]> shapes;
        String what = file.toString();
        try (OnnxRunner r = OnnxRunner.open(model, what, 0)) {
            probe = ShapeProbe.probeInputs(r, dims, model);
            shapes = ShapeProbe.shapes(model, probe, what);
        }
        return new AnalysedModel(file, model, !externalFiles.isEmpty(), bytes, probe, new OnnxGraph(model, shapes));
    }

    /** The model as stored (external data not resolved): only to find which external files it names. */
    private static ModelProto readRaw(Path file) {
        OnnxModelReader.read(file); // full validation first, with its one-line errors
        try (var in = Files.newInputStream(file)) {
            com.google.protobuf.CodedInputStream cis = com.google.protobuf.CodedInputStream.newInstance(in);
            cis.setSizeLimit(Integer.MAX_VALUE);
            return ModelProto.parseFrom(cis);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UserError(p + ": cannot read: " + e.getMessage());
        }
    }

    Map<String, long[]> probeShapes() {
        Map<String, long[]> out = new LinkedHashMap<>();
        probeInputs.forEach((k, v) -> out.put(k, v.shape()));
        return out;
    }

    /** Stop reason → number of groups it stopped. */
    Map<String, Integer> stoppedBy() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (GroupAnalysis.Group g : analysis.stopped) {
            for (String s : g.stops()) {
                out.merge(s, 1, Integer::sum);
            }
        }
        return out;
    }

    /** Channels per unit of a group (1 for channels and neurons; the head size for attention heads). */
    static long channelsPerUnit(GroupAnalysis.Group g) {
        long per = Long.MAX_VALUE;
        for (Edit.SliceConstant s : g.slices()) {
            for (Segment seg : s.layout().segments()) {
                if (!seg.fixed() && seg.space().root() == g.root()) {
                    per = Math.min(per, seg.perUnit());
                }
            }
        }
        return per == Long.MAX_VALUE ? 1 : per;
    }

    static java.util.List<String> tensors(GroupAnalysis.Group g) {
        Set<String> names = new LinkedHashSet<>();
        for (Edit.SliceConstant s : g.slices()) {
            names.add(s.tensor() + "[axis " + s.axis() + "]");
        }
        return java.util.List.copyOf(names);
    }

    static Map<Space, Long> counts(Map<Space, int[]> keep) {
        Map<Space, Long> c = new HashMap<>();
        keep.forEach((k, v) -> c.put(k, (long) v.length));
        return c;
    }
}
