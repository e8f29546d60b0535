package io.jengine.cpu.ref;

import io.jengine.tensor.Shapes;

/**
 * Resolves an axis of the shape ops. {@link Shapes#normalizeAxis} accepts axis 0 of a scalar (for ops that treat a
 * scalar as one element); an op indexing a dimension cannot, so this rejects rank 0 with a message instead of letting
 * the dimension lookup fail.
 */
final class Axis {
    private Axis() {}

    /** {@code axis} mapped into [0, rank), for a rank of at least 1. */
    static int of(long axis, int rank) {
        if (rank == 0) throw new IllegalArgumentException("axis " + axis + " needs an input of rank >= 1, got a scalar");
        return Shapes.normalizeAxis(axis, rank);
    }
}
