package org.prune4j.internal.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * A parameter-free shortcut that subsamples space and maps channels by index: output channel {@code j} is
 * input channel {@code source[j]} taken at every {@code stride}-th row and column, or zeros where {@code
 * source[j] == -1}. The CIFAR ResNets' "option A" shortcut is the map {@code j ↦ j - pad} on {@code [pad, pad
 * + in)} and {@code -1} elsewhere; after structural pruning the map is whatever the removed channels left.
 */
public final class ChannelShortcut extends Module {
    private final int stride;
    private final long inChannels;
    private final int[] source;

    /**
     * @param stride spatial subsampling step (1 = none)
     * @param inChannels channels of the input
     * @param source for each output channel, the input channel it copies or -1 for zeros
     */
    public ChannelShortcut(int stride, long inChannels, int[] source) {
        if (stride <= 0) {
            throw new IllegalArgumentException("bad shortcut stride " + stride);
        }
        this.stride = stride;
        this.inChannels = inChannels;
        this.source = checked(source, inChannels);
    }

    /** The option-A map from {@code in} to {@code out ≥ in} channels: {@code (out - in)/2} zero channels first. */
    public static ChannelShortcut optionA(int stride, long in, long out) {
        int[] src = new int[Math.toIntExact(out)];
        long before = (out - in) / 2;
        for (int j = 0; j < src.length; j++) {
            long c = j - before;
            src[j] = c >= 0 && c < in ? (int) c : -1;
        }
        return new ChannelShortcut(stride, in, src);
    }

    private static int[] checked(int[] source, long inChannels) {
        for (int s : source) {
            if (s < -1 || s >= inChannels) {
                throw new IllegalArgumentException("shortcut source " + s + " outside [-1, " + inChannels + ")");
            }
        }
        return source.clone();
    }

    public int stride() {
        return stride;
    }

    public long inChannels() {
        return inChannels;
    }

    public long outChannels() {
        return source.length;
    }

    /** For each output channel, the input channel it copies, or -1 for a zero channel. */
    public int[] source() {
        return source.clone();
    }

    public NDArray forward(NDArray x) {
        if (x.getShape().get(1) != inChannels) {
            throw new IllegalArgumentException("shortcut expects " + inChannels + " channels, got " + x.getShape());
        }
        NDArray sub = stride == 1 ? x : x.get(":, :, ::" + stride + ", ::" + stride);
        NDArray y = gather(sub);
        fireHooks(x, y);
        return y;
    }

    private NDArray gather(NDArray sub) {
        Shape s = sub.getShape();
        NDList parts = new NDList();
        int j = 0;
        while (j < source.length) {
            int start = j;
            if (source[j] < 0) {
                while (j < source.length && source[j] < 0) {
                    j++;
                }
                parts.add(sub.getManager().zeros(new Shape(s.get(0), j - start, s.get(2), s.get(3)), sub.getDataType()));
            } else {
                while (j + 1 < source.length && source[j + 1] == source[j] + 1) {
                    j++;
                }
                j++;
                int from = source[start];
                parts.add(sub.get(":, " + from + ":" + (from + j - start)));
            }
        }
        if (parts.isEmpty()) {
            return sub.getManager().zeros(new Shape(s.get(0), 0, s.get(2), s.get(3)), sub.getDataType());
        }
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1);
    }

    /**
     * Keeps the output channels {@code keepOut} and the input channels {@code keepIn} (both ascending): a
     * copied channel whose input was removed becomes a zero channel.
     */
    public ChannelShortcut pruned(int[] keepIn, int[] keepOut) {
        int[] newIndex = new int[Math.toIntExact(inChannels)];
        Arrays.fill(newIndex, -1);
        for (int i = 0; i < keepIn.length; i++) {
            newIndex[keepIn[i]] = i;
        }
        int[] src = new int[keepOut.length];
        for (int j = 0; j < keepOut.length; j++) {
            int old = source[keepOut[j]];
            src[j] = old < 0 ? -1 : newIndex[old];
        }
        return new ChannelShortcut(stride, keepIn.length, src);
    }
}
