package org.prune4j.internal.nn;

/** Removes a forward hook when closed, so hooks can be scoped with try-with-resources. */
public interface HookHandle extends AutoCloseable {
    @Override
    void close();
}
