package org.prune4j.internal.io.onnx;

import com.google.protobuf.CodedOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.prune4j.internal.io.AtomicOutput;
import org.prune4j.internal.io.onnx.proto.Onnx.GraphProto;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;
import org.prune4j.internal.io.onnx.proto.Onnx.StringStringEntryProto;
import org.prune4j.internal.io.onnx.proto.Onnx.TensorProto;

/**
 * Writes a {@link ModelProto} to an ONNX file through {@link AtomicOutput}, either self-contained or
 * with its large initializers in one external data file beside it (ONNX's external-data convention,
 * needed for models over protobuf's 2 GiB limit).
 */
public final class OnnxModelWriter {
    /** Initializers at least this large go to the external file when one is used. */
    public static final long DEFAULT_EXTERNAL_THRESHOLD = 1024;

    private OnnxModelWriter() {}

    /** Writes {@code model} as one self-contained file. */
    public static void write(ModelProto model, Path out) {
        AtomicOutput.writeFile(out, os -> {
            CodedOutputStream cos = CodedOutputStream.newInstance(os, 1 << 16);
            model.writeTo(cos);
            cos.flush();
        });
    }

    /**
     * Writes {@code model} to {@code out} with every initializer of at least {@code threshold} bytes
     * stored in {@code dataFileName} (a file name in {@code out}'s directory), 64-byte aligned. The data
     * file is written first, so a finished model file never names a missing data file.
     */
    public static void writeWithExternalData(ModelProto model, Path out, String dataFileName, long threshold) {
        GraphProto g = model.getGraph();
        GraphProto.Builder gb = g.toBuilder();
        List<TensorProto> external = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = OnnxTensors.toRaw(g.getInitializer(i));
            long size = t.getRawData().size();
            if (size < threshold) {
                continue;
            }
            offset = (offset + 63) / 64 * 64;
            external.add(t);
            offsets.add(offset);
            gb.setInitializer(i, t.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", dataFileName))
                    .addExternalData(entry("offset", Long.toString(offset)))
                    .addExternalData(entry("length", Long.toString(size))));
            offset += size;
        }
        Path dataPath = out.toAbsolutePath().resolveSibling(dataFileName);
        AtomicOutput.writeFile(dataPath, os -> {
            long pos = 0;
            for (int i = 0; i < external.size(); i++) {
                long target = offsets.get(i);
                while (pos < target) {
                    os.write(0);
                    pos++;
                }
                external.get(i).getRawData().writeTo(os);
                pos += external.get(i).getRawData().size();
            }
        });
        write(model.toBuilder().setGraph(gb).build(), out);
    }

    private static StringStringEntryProto entry(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }
}
