package org.prune4j.internal.cli;

import java.lang.reflect.Method;
import java.util.Optional;

/**
 * Raises libtorch's own log level to ERROR, so that its warnings (NNPACK on CPUs it does not support, the
 * reference-cycle note of GraSP's double back-propagation) stay off the user's terminal.
 *
 * <p>libtorch reads {@code TORCH_CPP_LOG_LEVEL} only in {@code c10::initLogging()}, which DJL never calls,
 * so the variable alone does nothing; this writes the level where libtorch keeps it, the exported
 * {@code int FLAGS_caffe2_log_level} of {@code libc10}. That needs the foreign-memory API (final in Java 22;
 * the project is compiled for 21, hence reflection) and native access ({@code --enable-native-access}, as
 * the launcher passes). Where either is missing, or the symbol is not found, it does nothing: the only cost is
 * the engine's warnings. A level the user set in {@code TORCH_CPP_LOG_LEVEL} (0-3 or INFO..FATAL) wins.
 */
final class EngineLogLevel {
    private static final int ERROR = 2;
    private static boolean applied;

    private EngineLogLevel() {}

    /** Loads the engine and sets its log level, once per process. */
    static synchronized void apply() {
        if (applied) {
            return;
        }
        applied = true;
        if (Runtime.version().feature() < 22) {
            return;
        }
        try {
            Method enabled = Module.class.getMethod("isNativeAccessEnabled");
            if (!(boolean) enabled.invoke(EngineLogLevel.class.getModule())) {
                return;
            }
            ai.djl.engine.Engine.getEngine("PyTorch"); // loads libtorch, whose symbols are looked up below
            Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
            Object lookup = lookupType.getMethod("loaderLookup").invoke(null);
            Optional<?> symbol = (Optional<?>) lookupType.getMethod("find", String.class)
                    .invoke(lookup, "FLAGS_caffe2_log_level");
            if (symbol.isEmpty()) {
                return;
            }
            Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
            Object flag = segmentType.getMethod("reinterpret", long.class).invoke(symbol.get(), 4L);
            Class<?> intLayout = Class.forName("java.lang.foreign.ValueLayout$OfInt");
            Object javaInt = Class.forName("java.lang.foreign.ValueLayout").getField("JAVA_INT").get(null);
            segmentType.getMethod("set", intLayout, long.class, int.class).invoke(flag, javaInt, 0L,
                    level(System.getenv("TORCH_CPP_LOG_LEVEL")));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // the engine keeps its default level: its warnings may show, nothing else changes
        }
    }

    /** The level {@code TORCH_CPP_LOG_LEVEL} asks for (as libtorch parses it), ERROR when unset or invalid. */
    static int level(String env) {
        if (env == null) {
            return ERROR;
        }
        return switch (env.strip().toUpperCase(java.util.Locale.ROOT)) {
            case "0", "INFO" -> 0;
            case "1", "WARNING" -> 1;
            case "2", "ERROR" -> 2;
            case "3", "FATAL" -> 3;
            default -> ERROR;
        };
    }
}
