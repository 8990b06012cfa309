package org.prune4j.internal.benchmark;

import java.util.Map;

/**
 * One vision model's measured speed.
 *
 * @param model the {@code --model} argument
 * @param facts parameters, MACs per image, file size
 * @param imagesPerSecond per batch size, images classified per second
 */
public record VisionBenchResult(String model, ModelFacts facts, Map<Integer, Timing> imagesPerSecond) {
    public VisionBenchResult {
        imagesPerSecond = Map.copyOf(imagesPerSecond);
    }
}
