package org.prune4j.internal.nn;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A node of prune4j's module tree: named parameters, named children, forward hooks.
 *
 * <p>Unlike DJL's {@code Block}, the tree is open for surgery: children can be replaced
 * ({@link #replaceChild}), parameters re-assigned ({@link Parameter#setValue}), and every module can
 * report its inputs and outputs to hooks, which is how calibration statistics are captured.
 *
 * <p><b>Memory.</b> Parameters live in the model's {@code NDManager}. A forward pass must create its
 * intermediate results in the manager of the <em>input</em> (put the activation first in every
 * operation, e.g. {@code x.mul(w)}, never {@code w.mul(x)}), so a caller that runs the pass inside a
 * sub-manager frees everything by closing it.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final List<ForwardHook> hooks = new CopyOnWriteArrayList<>();
    private final Map<String, NDArray> buffers = new LinkedHashMap<>();
    private boolean training;

    /** Registers a parameter under {@code name}; the array must belong to the model's manager. */
    protected final Parameter registerParameter(String name, NDArray value) {
        if (parameters.containsKey(name)) {
            throw new IllegalStateException("duplicate parameter " + name);
        }
        Parameter p = new Parameter(value);
        parameters.put(name, p);
        return p;
    }

    /** Registers a child module under {@code name} and returns it. */
    protected final <M extends Module> M registerChild(String name, M child) {
        if (children.containsKey(name)) {
            throw new IllegalStateException("duplicate child " + name);
        }
        children.put(name, child);
        return child;
    }

    /**
     * Replaces the child called {@code name}. Subclasses that keep typed fields for their children must
     * override {@link #onChildReplaced} to update them.
     */
    public final void replaceChild(String name, Module replacement) {
        if (!children.containsKey(name)) {
            throw new IllegalArgumentException("no child named " + name + " in " + getClass().getSimpleName());
        }
        children.put(name, replacement);
        replacement.train(training);
        onChildReplaced(name, replacement);
    }

    /** Hook for subclasses holding typed child fields; the default rejects replacement. */
    protected void onChildReplaced(String name, Module replacement) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support replacing " + name);
    }

    /** This module's own parameters (not its children's). */
    public final Map<String, Parameter> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** Direct children. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** All parameters of the subtree, by dotted path ({@code layers.0.self_attn.q_proj.weight}). */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collectParameters("", out);
        return out;
    }

    private void collectParameters(String prefix, Map<String, Parameter> out) {
        parameters.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, c) -> c.collectParameters(prefix + k + ".", out));
    }

    /** All modules of the subtree by dotted path, this module first under {@code ""}. */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String path, Map<String, Module> out) {
        out.put(path, this);
        children.forEach((k, c) -> c.collectModules(path.isEmpty() ? k : path + "." + k, out));
    }

    /** Adds a forward hook; close the handle to remove it. */
    public final HookHandle addForwardHook(ForwardHook hook) {
        hooks.add(hook);
        return () -> hooks.remove(hook);
    }

    /** Subclasses call this at the end of their forward pass. */
    protected final void fireHooks(NDArray input, NDArray output) {
        for (ForwardHook h : hooks) {
            h.onForward(this, input, output);
        }
    }

    /**
     * Registers a buffer: a tensor of the module's state that is not learned by gradient descent (e.g.
     * batch-norm running statistics). Buffers are saved and loaded with the parameters but are never
     * pruned or given to an optimiser. Modules update them in place, so the array object stays the same.
     */
    protected final NDArray registerBuffer(String name, NDArray value) {
        if (buffers.containsKey(name) || parameters.containsKey(name)) {
            throw new IllegalStateException("duplicate buffer " + name);
        }
        buffers.put(name, value);
        return value;
    }

    /** This module's own buffers (not its children's). */
    public final Map<String, NDArray> buffers() {
        return Collections.unmodifiableMap(buffers);
    }

    /** All buffers of the subtree, by dotted path ({@code layer1.0.bn1.running_mean}). */
    public final Map<String, NDArray> namedBuffers() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        collectBuffers("", out);
        return out;
    }

    private void collectBuffers(String prefix, Map<String, NDArray> out) {
        buffers.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, c) -> c.collectBuffers(prefix + k + ".", out));
    }

    /**
     * Switches the subtree to training mode ({@code true}: dropout active, batch norm uses and updates
     * batch statistics) or evaluation mode ({@code false}, the default). A child added later by {@link
     * #replaceChild} takes its parent's mode.
     */
    public final void train(boolean on) {
        training = on;
        for (Module c : children.values()) {
            c.train(on);
        }
    }

    /** True in training mode (see {@link #train}). */
    public final boolean isTraining() {
        return training;
    }

    /** Total number of parameter elements in the subtree. */
    public final long parameterCount() {
        return namedParameters().values().stream().mapToLong(Parameter::numel).sum();
    }
}
