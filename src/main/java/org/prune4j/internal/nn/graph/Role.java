package org.prune4j.internal.nn.graph;

/** Which prunable dimension of a layer a group member holds. */
public enum Role {
    /** Output channels / features: rows of a weight, a bias, a shortcut's output channels. */
    OUT,
    /** Input channels / features: columns of a weight, or the channels of a batch or layer norm. */
    IN,
    /** Whole attention heads: the same head's rows of q, k and v and its columns of the output projection. */
    HEADS
}
