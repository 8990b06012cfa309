package org.prune4j.internal.io;

import java.nio.file.Path;
import org.prune4j.UserError;



/**
 * A command-line reference to an id tensor: {@code FILE.safetensors[:TENSOR]}. Without {@code :TENSOR}
 * the file must hold exactly one tensor.
 *
 * @param file the safetensors file
 * @param tensor the tensor name, or {@code null} for the only one
 */
public record IdsFileSpec(Path file, String tensor) {

    /** Parses {@code FILE[:TENSOR]}: an existing file is taken whole, otherwise the last colon separates the tensor name. */
    public static IdsFileSpec parse(String spec) {
        int colon = spec.lastIndexOf(':');
        if (!java.nio.file.Files.exists(Path.of(spec)) && colon > 0 && !spec.substring(colon + 1).contains("/")) {
            return new IdsFileSpec(Path.of(spec.substring(0, colon)), spec.substring(colon + 1));
        }
        return new IdsFileSpec(Path.of(spec), null);
    }

    /** Reads the tensor into memory (the file is closed afterwards). */
    public TensorData read() {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            String name = tensor;
            if (name == null) {
                if (f.names().size() != 1) {
                    throw new UserError(file + ": holds " + f.names().size() + " tensors " + f.names()
                            + "; name one as " + file + ":TENSOR");
                }
                name = f.names().iterator().next();
            } else if (!f.contains(name)) {
                throw new UserError(file + ": no tensor named '" + name + "' (it holds " + String.join(", ", f.names()) + ")");
            }
            TensorData t = f.get(name);
            return new TensorData(t.dtype(), t.shape(), copy(t.bytes()));
        }
    }

    private static java.nio.ByteBuffer copy(java.nio.ByteBuffer b) {
        java.nio.ByteBuffer c = java.nio.ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate()).flip();
        return c;
    }

    @Override
    public String toString() {
        return tensor == null ? file.toString() : file + ":" + tensor;
    }
}
