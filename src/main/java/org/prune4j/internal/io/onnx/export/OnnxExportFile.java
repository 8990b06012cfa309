package org.prune4j.internal.io.onnx.export;

import java.nio.file.Files;
import java.nio.file.Path;
import org.prune4j.internal.io.onnx.OnnxModelWriter;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;
import org.prune4j.internal.io.onnx.proto.Onnx.TensorProto;

/**
 * Writes an exported model atomically: one self-contained {@code .onnx} file, or, when its initializers
 * pass {@link #EXTERNAL_DATA_BYTES} (protobuf cannot hold 2 GiB), the graph plus one external data file
 * {@code <out>.data} beside it, which ONNX Runtime finds by itself.
 */
public final class OnnxExportFile {
    /** Initializer bytes above which the weights go to an external data file. */
    public static final long EXTERNAL_DATA_BYTES = 1L << 30;

    private OnnxExportFile() {}

    /** Writes {@code model} to {@code out}; returns the bytes written (both files together). */
    public static long write(ModelProto model, Path out) {
        long bytes = 0;
        for (TensorProto t : model.getGraph().getInitializerList()) {
            bytes += t.getRawData().size();
        }
        if (bytes <= EXTERNAL_DATA_BYTES) {
            OnnxModelWriter.write(model, out);
            return size(out);
        }
        String data = out.getFileName() + ".data";
        OnnxModelWriter.writeWithExternalData(model, out, data, OnnxModelWriter.DEFAULT_EXTERNAL_THRESHOLD);
        return size(out) + size(out.toAbsolutePath().resolveSibling(data));
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
