package org.prune4j.internal.benchmark;

/**
 * What a benchmarked model costs, printed beside its speed.
 *
 * @param parameters stored parameters
 * @param nonzeroParameters parameters that are not zero
 * @param macs multiply-accumulates per token (language models: block linears plus classifier) or per
 *     image (vision models: convolutions and linears), dense count
 * @param fileBytes size of the model on disk (0 when it has no file)
 */
public record ModelFacts(long parameters, long nonzeroParameters, long macs, long fileBytes) {}
