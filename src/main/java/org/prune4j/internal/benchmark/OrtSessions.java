package org.prune4j.internal.benchmark;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.prune4j.UserError;
import org.prune4j.internal.io.onnx.export.OnnxExportFile;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;

/**
 * ONNX Runtime sessions for the benchmarks: the exported model is written to a temporary {@code .onnx}
 * file, loaded with all graph optimisations, and the file deleted again once the session holds the model.
 */
final class OrtSessions {
    private OrtSessions() {}

    /** A session on {@code model}; {@code threads} bounds the intra-op threads (0: ONNX Runtime's default). */
    static OrtSession open(ModelProto model, String what, int threads) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("prune4j-bench-onnx");
            Path file = dir.resolve("model.onnx");
            OnnxExportFile.write(model, file);
            OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
            if (threads > 0) {
                opts.setIntraOpNumThreads(threads);
                opts.setInterOpNumThreads(1);
            }
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return OrtEnvironment.getEnvironment().createSession(file.toString(), opts);
        } catch (OrtException e) {
            throw new UserError(what + ": ONNX Runtime refuses the exported model: " + e.getMessage().replace('\n', ' '));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void close(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
