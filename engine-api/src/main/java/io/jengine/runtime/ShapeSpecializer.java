package io.jengine.runtime;

import io.jengine.ir.Graph;

/**
 * Rewrites a graph whose inputs now have concrete shapes before the engine plans it for those shapes: shape
 * inference at least; the builder also folds the shape arithmetic that became constant and fuses what that unlocks.
 * Must return a graph that computes the same outputs for inputs of those shapes.
 */
@FunctionalInterface
public interface ShapeSpecializer {
    Graph specialize(Graph withConcreteInputs);
}
