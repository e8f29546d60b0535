package io.jengine.cpu.ref;

import java.util.function.DoubleUnaryOperator;

/** Opens the reference kernels' activation formulas to the tests of faster kernels in other packages. */
public final class ReferenceActivations {
    private ReferenceActivations() {}

    /** The reference's activation {@code name} with parameters {@code params}, in double. */
    public static DoubleUnaryOperator of(String name, float[] params) { return Activation.of(name, params); }
}
