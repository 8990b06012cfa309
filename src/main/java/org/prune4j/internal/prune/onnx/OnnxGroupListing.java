package org.prune4j.internal.prune.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The groups of an ONNX model: the prunable ones and those stopped, with what stopped them. */
public record OnnxGroupListing(String model, long params, long macs, Map<String, long[]> probeShapes,
        List<Entry> groups, Map<String, Integer> stoppedBy) {

    /** One group: units, channels per unit, the tensors it slices, and its stops (empty: prunable). */
    public record Entry(int id, String origin, long units, long channelsPerUnit, List<String> tensors, List<String> stops) {
        public boolean prunable() {
            return stops.isEmpty();
        }
    }

    static OnnxGroupListing of(AnalysedModel m) {
        List<Entry> out = new ArrayList<>();
        List<GroupAnalysis.Group> all = new ArrayList<>(m.analysis.groups);
        all.addAll(m.analysis.stopped);
        all.sort((a, b) -> Integer.compare(a.id(), b.id()));
        for (GroupAnalysis.Group g : all) {
            out.add(new Entry(g.id(), g.origin(), g.units(), AnalysedModel.channelsPerUnit(g), AnalysedModel.tensors(g), g.stops()));
        }
        return new OnnxGroupListing(m.file.toString(), m.cost.parameters(Map.of()), m.cost.macs(Map.of()), m.probeShapes(),
                out, m.stoppedBy());
    }

    /** As one JSON object. */
    public ObjectNode toJson() {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("model", model);
        o.put("params", params);
        o.put("macs", macs);
        ArrayNode gs = o.putArray("groups");
        for (Entry e : groups) {
            ObjectNode x = gs.addObject();
            x.put("id", e.id());
            x.put("origin", e.origin());
            x.put("units", e.units());
            x.put("channels_per_unit", e.channelsPerUnit());
            x.put("prunable", e.prunable());
            e.tensors().forEach(x.putArray("tensors")::add);
            e.stops().forEach(x.putArray("stopped_by")::add);
        }
        ObjectNode st = o.putObject("stopped_by");
        stoppedBy.forEach(st::put);
        return o;
    }

    /** Human-readable listing. */
    public void print(PrintStream out) {
        out.printf(Locale.ROOT, "%s: %d parameters, %d MACs per run at the probe shapes%n", model, params, macs);
        for (Entry e : groups) {
            out.printf(Locale.ROOT, "  group %d %s: %d units x %d channels, %d tensors%s%n", e.id(), e.origin(), e.units(),
                    e.channelsPerUnit(), e.tensors().size(), e.prunable() ? "" : " -- stopped by " + String.join("; ", e.stops()));
        }
        long ok = groups.stream().filter(Entry::prunable).count();
        out.printf(Locale.ROOT, "  %d prunable groups, %d stopped%n", ok, groups.size() - ok);
    }
}
