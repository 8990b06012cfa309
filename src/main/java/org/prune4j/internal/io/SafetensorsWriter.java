package org.prune4j.internal.io;

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
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes safetensors files: an 8-byte little-endian header length, a JSON header padded with spaces to
 * a multiple of 8, then the tensors' bytes in the order given. Writing is atomic (see
 * {@link AtomicOutput}).
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {}

    /** Writes {@code tensors} (in iteration order) with optional string {@code metadata} to {@code path}. */
    public static void write(Path path, Map<String, TensorData> tensors, Map<String, String> metadata) {
        AtomicOutput.writeFile(path, out -> write(out, tensors, metadata));
    }

    /** Writes the safetensors bytes to a stream. */
    public static void write(OutputStream out, Map<String, TensorData> tensors, Map<String, String> metadata)
            throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            TensorData t = e.getValue();
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", t.dtype().safetensorsName());
            ArrayNode shape = n.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long len = t.bytes().remaining();
            n.putArray("data_offsets").add(offset).add(offset + len);
            offset += len;
        }
        byte[] json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, padded);
        out.write(len.array());
        out.write(json);
        for (int i = json.length; i < padded; i++) {
            out.write(' ');
        }
        WritableByteChannel ch = Channels.newChannel(out);
        for (TensorData t : tensors.values()) {
            ByteBuffer b = t.bytes().duplicate();
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
        out.flush();
    }
}
