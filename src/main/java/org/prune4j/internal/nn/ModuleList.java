package org.prune4j.internal.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An ordered list of child modules named {@code "0"}, {@code "1"}, ... (as PyTorch's {@code
 * nn.ModuleList}/{@code nn.Sequential} name them). It has no forward pass of its own: the owner calls the
 * elements. Elements can be replaced with {@link #replaceChild}.
 *
 * @param <M> element type
 */
public final class ModuleList<M extends Module> extends Module {
    private final List<M> items;

    public ModuleList(List<? extends M> items) {
        this.items = new ArrayList<>(items);
        for (int i = 0; i < this.items.size(); i++) {
            registerChild(Integer.toString(i), this.items.get(i));
        }
    }

    /** Element {@code i}. */
    public M get(int i) {
        return items.get(i);
    }

    public int size() {
        return items.size();
    }

    /** The elements in order (read-only view). */
    public List<M> items() {
        return Collections.unmodifiableList(items);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void onChildReplaced(String name, Module replacement) {
        int i = Integer.parseInt(name);
        M old = items.get(i);
        if (!old.getClass().isInstance(replacement)) {
            throw new IllegalArgumentException("element " + name + " must stay a " + old.getClass().getSimpleName());
        }
        items.set(i, (M) replacement);
    }
}
