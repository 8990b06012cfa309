package org.prune4j.internal.io.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.prune4j.UserError;
import org.prune4j.internal.io.onnx.proto.Onnx.GraphProto;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;
import org.prune4j.internal.io.onnx.proto.Onnx.StringStringEntryProto;
import org.prune4j.internal.io.onnx.proto.Onnx.TensorProto;

/**
 * Reads an ONNX model file into a {@link ModelProto} whose initializers all hold their values inline
 * ({@code raw_data}): initializers stored in external data files (ONNX's {@code data_location =
 * EXTERNAL}, {@code location}/{@code offset}/{@code length} relative to the model's directory) are read
 * in. A file that is not a complete ONNX model is a one-line {@link UserError}.
 */
public final class OnnxModelReader {
    private OnnxModelReader() {}

    /** Reads {@code file}; the input is never modified. */
    public static ModelProto read(Path file) {
        ModelProto model;
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream cis = CodedInputStream.newInstance(in);
            cis.setSizeLimit(Integer.MAX_VALUE);
            model = ModelProto.parseFrom(cis);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file");
        } catch (InvalidProtocolBufferException e) {
            throw new UserError(file + ": not a valid ONNX model (corrupt or truncated protobuf: " + firstLine(e.getMessage()) + ")");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
        if (!model.hasGraph() || model.getIrVersion() <= 0 || model.getOpsetImportCount() == 0) {
            throw new UserError(file + ": not a valid ONNX model (no graph, IR version or opset)");
        }
        Path dir = file.toAbsolutePath().getParent();
        GraphProto g = model.getGraph();
        GraphProto.Builder gb = null;
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            TensorProto resolved = t.getDataLocation() == TensorProto.DataLocation.EXTERNAL ? readExternal(file, dir, t) : t;
            try {
                resolved = OnnxTensors.toRaw(resolved);
            } catch (UserError e) {
                throw new UserError(file + ": " + e.getMessage());
            }
            if (resolved != t) {
                if (gb == null) {
                    gb = g.toBuilder();
                }
                gb.setInitializer(i, resolved);
            }
        }
        return gb == null ? model : model.toBuilder().setGraph(gb).build();
    }

    private static TensorProto readExternal(Path file, Path dir, TensorProto t) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseLong(file, t, e);
                case "length" -> length = parseLong(file, t, e);
                default -> { /* checksum etc.: not needed to read */ }
            }
        }
        if (location == null) {
            throw new UserError(file + ": initializer " + t.getName() + " is external but names no location");
        }
        Path data = dir.resolve(location).normalize();
        if (!data.startsWith(dir)) {
            throw new UserError(file + ": initializer " + t.getName() + ": external data location " + location + " is outside the model's directory");
        }
        long need = OnnxTensors.elements(t) * OnnxTensors.type(t).bytes();
        if (length < 0) {
            length = need;
        }
        if (length != need) {
            throw new UserError(file + ": initializer " + t.getName() + ": external length " + length + " but its shape needs " + need + " bytes");
        }
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ)) {
            if (offset + length > ch.size()) {
                throw new UserError(data + ": truncated: initializer " + t.getName() + " needs bytes " + offset + ".." + (offset + length)
                        + " but the file has " + ch.size());
            }
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(Math.toIntExact(length));
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    throw new UserError(data + ": truncated while reading initializer " + t.getName());
                }
            }
            buf.flip();
            return t.toBuilder().clearExternalData().clearDataLocation().setRawData(ByteString.copyFrom(buf)).build();
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": initializer " + t.getName() + ": external data file " + data + " not found");
        } catch (IOException e) {
            throw new UserError(data + ": cannot read: " + e.getMessage());
        }
    }

    private static long parseLong(Path file, TensorProto t, StringStringEntryProto e) {
        try {
            return Long.parseLong(e.getValue());
        } catch (NumberFormatException x) {
            throw new UserError(file + ": initializer " + t.getName() + ": external " + e.getKey() + " is not a number: " + e.getValue());
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
