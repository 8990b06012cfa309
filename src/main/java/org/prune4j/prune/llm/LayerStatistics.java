package org.prune4j.prune.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.prune4j.prune.oneshot.DsnotStatistics;
import org.prune4j.prune.oneshot.HessianStatistics;
import org.prune4j.prune.oneshot.WandaStatistics;

/**
 * The calibration statistics one method needs about one Linear's input, fed by forward hooks. Linears
 * that read the same activation (q/k/v; gate/up) share one instance, so it is accumulated once.
 */
sealed interface LayerStatistics extends AutoCloseable {
    /** Adds one hook input {@code [B, T, in]}. */
    void add(NDArray input);

    @Override
    void close();

    /** Creates the statistics {@code method} needs for a layer with {@code inFeatures} inputs. */
    static LayerStatistics create(OneShotMethod method, NDManager manager, int inFeatures) {
        return switch (method) {
            case WANDA -> new Wanda(new WandaStatistics(inFeatures));
            case SPARSEGPT -> new Hessian(new HessianStatistics(manager, inFeatures));
            case DSNOT -> new Dsnot(new DsnotStatistics(inFeatures));
            case MAGNITUDE -> throw new IllegalArgumentException("magnitude pruning reads no calibration data");
        };
    }

    /** Wanda's per-feature squared-norm statistic. */
    record Wanda(WandaStatistics stats) implements LayerStatistics {
        @Override
        public void add(NDArray input) {
            stats.add(input);
        }

        @Override
        public void close() {
            // plain Java arrays: nothing native to free
        }
    }

    /** DSnoT's per-feature sums, squared norms and variances. */
    record Dsnot(DsnotStatistics stats) implements LayerStatistics {
        @Override
        public void add(NDArray input) {
            stats.add(input);
        }

        @Override
        public void close() {
            // plain Java arrays: nothing native to free
        }
    }

    /** SparseGPT's layer Hessian. */
    record Hessian(HessianStatistics stats) implements LayerStatistics {
        @Override
        public void add(NDArray input) {
            stats.add(input);
        }

        @Override
        public void close() {
            stats.close();
        }
    }
}
