package org.prune4j.internal.model.vision;

import org.prune4j.internal.data.Normalization;

/**
 * What a vision architecture takes and gives: input images {@code [channels, height, width]}, the input
 * normalisation its reference checkpoints were trained with (and the one to train it with, so that
 * training and evaluation agree), and the number of classes.
 *
 * @param name registry name, e.g. {@code "resnet20"}
 * @param channels input channels
 * @param height input height
 * @param width input width
 * @param numClasses output logits per image
 * @param normalization input normalisation
 * @param dataset the dataset family it is built for ({@code "mnist"} for 28×28 grey, {@code "cifar10"})
 * @param description one line: origin and shape of the architecture
 */
public record VisionSpec(String name, int channels, int height, int width, int numClasses,
        Normalization normalization, String dataset, String description) {}
