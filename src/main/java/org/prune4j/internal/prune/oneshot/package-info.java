/**
 * One-shot pruning of single Linear layers from calibration statistics: the math of magnitude, Wanda
 * and SparseGPT, separate from any pipeline (which owns hooks, block order and weight surgery).
 *
 * <p>Typical use by a pipeline, per decoder block:
 * <pre>{@code
 * // 1. statistics, fed by forward hooks (input [B, T, in] or [T, in]; B counts samples)
 * WandaStatistics ws = new WandaStatistics(in);             // Wanda
 * HessianStatistics hs = new HessianStatistics(manager, in); // SparseGPT (AutoCloseable, native H)
 * linear.addForwardHook((mod, x, y) -> { ws.add(x); hs.add(x); });
 *
 * // 2. masks / updated weights for a pattern
 * hs.finish();                                               // optional: lets SparseGPT factor H in place
 * SparsityPattern p = SparsityPattern.parse("2:4");          // or "0.5"; UserError on bad input
 * PruningMask m1 = Magnitude.mask(weight, p);
 * PruningMask m2 = Wanda.mask(weight, ws, p);
 * SparseGpt.Result r = new SparseGpt().prune(weight, hs, p); // updated weight + mask
 *
 * // 3. apply (Parameter masks use 1 = kept)
 * m2.applyTo(param);                                         // Wanda / magnitude
 * r.copyWeightInto(param.value());                           // SparseGPT: weight in place,
 * r.mask().applyTo(param);                                   //   then its mask
 * hs.close();                                                // after the last layer sharing it
 * }</pre>
 * Layers fed the same input (q/k/v, gate/up) can share one statistics object (SparseGPT then factors
 * {@code H} once). Per-layer sparsities for non-uniform allocations come from
 * {@link org.prune4j.internal.prune.allocation}: build {@code new SparsityPattern.Unstructured(s)} per layer; the
 * scores OWL pools are {@link org.prune4j.internal.prune.oneshot.Wanda#metric(ai.djl.ndarray.NDArray,
 * WandaStatistics)}, and {@link org.prune4j.internal.prune.oneshot.Magnitude#maskExactly} prunes the exact counts
 * of {@link org.prune4j.internal.prune.allocation.GlobalAllocation#prunedCounts}.
 */
package org.prune4j.internal.prune.oneshot;
