package org.prune4j.internal.io;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;

/**
 * Explicit unmapping of memory-mapped buffers (the JDK frees a mapping only when its buffer is garbage
 * collected, so a deleted file's disk space would stay in use until then). Uses
 * {@code sun.misc.Unsafe.invokeCleaner} from the {@code jdk.unsupported} module; where it is missing the
 * mapping is left to the garbage collector.
 */
final class MappedBuffers {
    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object unsafe = null;
        Method invoke = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            var f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
            invoke = c.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            unsafe = null;
            invoke = null;
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = invoke;
    }

    private MappedBuffers() {}

    /** Unmaps {@code buffer} now (a direct buffer created by {@code FileChannel.map}); it must not be used again. */
    static void unmap(ByteBuffer buffer) {
        if (INVOKE_CLEANER == null || !buffer.isDirect()) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, buffer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // a duplicate or slice cannot be cleaned: leave it to the garbage collector
        }
    }
}
