package org.prune4j.internal.cli;

import org.prune4j.UserError;

/** Sets the compute engine's thread count; effective only before the engine starts in this process. */
final class EngineThreads {
    private EngineThreads() {}

    static void set(int threads) {
        if (threads < 0) {
            throw new UserError("--threads " + threads + ": must be >= 0");
        }
        if (threads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }
}
