package org.prune4j.internal.prune.linalg;

/** A Cholesky factorization met a pivot that is not positive. */
final class NotPositiveDefiniteException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    private final int index;

    NotPositiveDefiniteException(int index, double pivot) {
        super("matrix is not positive definite: pivot " + index + " is " + pivot);
        this.index = index;
    }

    /** Row of the failing pivot. */
    public int index() {
        return index;
    }
}
