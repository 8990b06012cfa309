package org.prune4j.internal.io.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.report.ProgressBar;

/**
 * Writes one safetensors file (same layout as {@link org.prune4j.internal.io.SafetensorsWriter}) while converting
 * the tensors one at a time, so that changing the dtype of a large model never holds more than one
 * converted tensor in memory.
 */
final class SafetensorsStreamWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsStreamWriter() {}

    /**
     * Writes {@code names} (in order) from {@code tensors}, each stored as {@code conversion} says,
     * with {@code metadata} in the header; advances {@code bar} by the bytes written.
     */
    static void write(OutputStream out, List<String> names, Map<String, TensorData> tensors,
            DTypeConversion conversion, Map<String, String> metadata, ProgressBar bar) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (String name : names) {
            TensorData t = tensors.get(name);
            ObjectNode n = header.putObject(name);
            n.put("dtype", conversion.storedType(t).safetensorsName());
            ArrayNode shape = n.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long len = t.numel() * conversion.storedType(t).byteSize();
            n.putArray("data_offsets").add(offset).add(offset + len);
            offset += len;
        }
        byte[] json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, padded).array());
        out.write(json);
        for (int i = json.length; i < padded; i++) {
            out.write(' ');
        }
        WritableByteChannel ch = Channels.newChannel(out);
        for (String name : names) {
            ByteBuffer b = conversion.apply(name, tensors.get(name)).bytes().duplicate();
            bar.step(b.remaining());
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
        out.flush();
    }
}
