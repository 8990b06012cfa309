package org.prune4j.internal.io.pytorch;

import org.prune4j.internal.io.DType;

/**
 * A reference to a typed storage of a checkpoint, as its persistent id names it: the storage {@code key},
 * its element type and element count; for the legacy format's views also the view's offset into the root
 * storage (in elements) and the view's size.
 */
record StorageRef(String key, DType dtype, long numel, long viewOffset, long viewSize) {}
