package org.prune4j.internal.nn.graph;

import org.prune4j.internal.nn.Module;

/**
 * A layer that structural pruning knows, at its place in the module tree.
 *
 * @param path dotted module path ("" for the root)
 * @param module the module
 * @param pruner its type's pruner
 */
record Layer(String path, Module module, LayerPruner pruner) {
    String type() {
        return module.getClass().getSimpleName();
    }
}
