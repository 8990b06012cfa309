package org.prune4j.internal.prune.structural;

import org.prune4j.internal.nn.Parameter;

/**
 * The slices of one tensor that a group's channels cover: channel {@code c} covers the indices {@code
 * indices[c]} along {@code axis} of {@code parameter} (several for a flattened feature map or a head; none for
 * a zero channel of an option-A shortcut).
 *
 * @param name dotted parameter path
 * @param parameter the parameter
 * @param axis the axis the indices run along
 * @param indices per group channel, the tensor indices along {@code axis}
 */
record ChannelSlices(String name, Parameter parameter, int axis, int[][] indices) {}
