package org.prune4j.internal.prune.oneshot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.prune4j.internal.prune.linalg.InverseCholesky;

/**
 * SparseGPT's preprocessed Hessian: dead inputs ({@code diag(H) == 0}) and {@code U}, the upper
 * Cholesky factor of {@code (H' + damp·I)⁻¹} where {@code H'} has {@code H[d, d] = 1} for the dead
 * inputs and {@code damp = percdamp · mean(diag H')}. Depends on {@code H} only, so layers sharing an
 * input share it.
 *
 * @param u {@code [cols, cols]} float32, upper triangular
 * @param dead per input column: true when its weights must be zeroed
 */
record InverseFactor(NDArray u, boolean[] dead) {

    /** Computes the factor of {@code hessian} ({@code [n, n]} float32, not modified) into {@code manager}. */
    static InverseFactor of(NDArray hessian, double percDamp, InverseCholesky.Precision precision, NDManager manager) {
        boolean[] dead = new boolean[Math.toIntExact(hessian.getShape().get(0))];
        float[] diag = dampedDiagonal(hessian, percDamp, dead);
        return new InverseFactor(InverseCholesky.upperFactorOfInverse(hessian, diag, precision, manager), dead);
    }

    /**
     * Computes the float32 factor in the storage of {@code hessian} (contiguous, owned by the caller),
     * which then holds {@code U}.
     */
    static InverseFactor inPlace(NDArray hessian, double percDamp) {
        boolean[] dead = new boolean[Math.toIntExact(hessian.getShape().get(0))];
        float[] diag = dampedDiagonal(hessian, percDamp, dead);
        InverseCholesky.upperFactorOfInverseInPlace(hessian, diag);
        return new InverseFactor(hessian, dead);
    }

    /** diag(H) with dead entries set to 1 (flagged in {@code dead}) plus the damping. */
    private static float[] dampedDiagonal(NDArray hessian, double percDamp, boolean[] dead) {
        int n = dead.length;
        float[] diag;
        try (NDArray flat = hessian.reshape(-1);
                NDArray d = flat.get(new NDIndex("::" + (n + 1)))) {
            diag = d.toFloatArray();
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            if (diag[j] == 0f) {
                dead[j] = true;
                diag[j] = 1f;
            }
            sum += diag[j];
        }
        // float32 like the reference: damp = percdamp * mean(diag), H[j, j] += damp
        float damp = (float) (percDamp * (float) (sum / n));
        for (int j = 0; j < n; j++) {
            diag[j] += damp;
        }
        return diag;
    }
}
