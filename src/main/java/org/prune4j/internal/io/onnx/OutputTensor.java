package org.prune4j.internal.io.onnx;

/** A tensor a model run produced: its shape, and its values when it is floating point (else {@code null}). */
public record OutputTensor(long[] shape, float[] values) {}
