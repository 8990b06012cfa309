package org.prune4j.internal.train;

import ai.djl.ndarray.NDArray;
import org.prune4j.internal.nn.Parameter;

/**
 * One parameter's share of an optimiser step.
 *
 * @param name the parameter's dotted path, which keys the optimiser state
 * @param parameter the parameter whose value is updated in place (its mask, if any, is honoured)
 * @param gradient the loss gradient for the value, in the step's scope
 */
public record GradientUpdate(String name, Parameter parameter, NDArray gradient) {}
