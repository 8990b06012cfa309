package org.prune4j.internal.io.pytorch;

/**
 * A tensor as the pickle describes it, before its storage bytes are read: storage, offset into it (in
 * elements), sizes and strides (in elements).
 */
record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}
