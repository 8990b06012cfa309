package org.prune4j.internal.benchmark;

/**
 * One language model's measured speed.
 *
 * @param model the {@code --model} argument
 * @param facts parameters, MACs per token, file size
 * @param prefill prompt processing rate in tokens per second (one sequence of the prefill length)
 * @param decode generation rate in tokens per second (one token at a time with a KV cache)
 */
public record LlmBenchResult(String model, ModelFacts facts, Timing prefill, Timing decode) {}
