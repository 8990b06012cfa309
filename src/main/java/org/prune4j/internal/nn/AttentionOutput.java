package org.prune4j.internal.nn;

import ai.djl.ndarray.NDArray;

/**
 * What a self-attention pass produced: its output and the intermediate results that inference-time
 * token reduction reads.
 *
 * @param output the attention output after the output projection {@code [N, S, E]}
 * @param keys the keys of every head {@code [N, H, S, Dh]}
 * @param probabilities the attention probabilities {@code [N, H, S, S]} (row = query, column = key), or
 *     {@code null} when they were not asked for
 */
public record AttentionOutput(NDArray output, NDArray keys, NDArray probabilities) {}
