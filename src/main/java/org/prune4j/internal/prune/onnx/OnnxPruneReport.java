package org.prune4j.internal.prune.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * What an ONNX pruning run did. MACs are for one run at the probe input shapes {@code probeShapes}.
 *
 * @param stoppedBy stop reason (an operator, a graph output) → number of groups it stopped
 */
public record OnnxPruneReport(String model, String output, String method, String scope, String target,
        long paramsBefore, long paramsAfter, long macsBefore, long macsAfter, long fileBytesBefore, long fileBytesAfter,
        Map<String, long[]> probeShapes, List<GroupOutcome> groups, Map<String, Integer> stoppedBy, double seconds) {

    /** One pruned group: what it is, and its units before and after. */
    public record GroupOutcome(int id, String origin, long unitsBefore, long unitsAfter, long channelsPerUnit,
            List<String> tensors) {}

    /** The report as one JSON object (keys as the CLI documents them). */
    public ObjectNode toJson() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("model", model);
        o.put("output", output);
        o.put("method", method);
        o.put("scope", scope);
        o.put("target", target);
        o.put("params_before", paramsBefore);
        o.put("params_after", paramsAfter);
        o.put("macs_before", macsBefore);
        o.put("macs_after", macsAfter);
        o.put("file_bytes_before", fileBytesBefore);
        o.put("file_bytes_after", fileBytesAfter);
        ObjectNode shapes = o.putObject("macs_input_shapes");
        probeShapes.forEach((k, v) -> {
            ArrayNode a = shapes.putArray(k);
            for (long d : v) {
                a.add(d);
            }
        });
        ArrayNode gs = o.putArray("groups_pruned");
        for (GroupOutcome g : groups) {
            ObjectNode x = gs.addObject();
            x.put("id", g.id());
            x.put("origin", g.origin());
            x.put("units_before", g.unitsBefore());
            x.put("units_after", g.unitsAfter());
            x.put("channels_per_unit", g.channelsPerUnit());
            ArrayNode t = x.putArray("tensors");
            g.tensors().forEach(t::add);
        }
        ObjectNode st = o.putObject("stopped_by");
        stoppedBy.forEach(st::put);
        o.put("seconds", seconds);
        return o;
    }
}
