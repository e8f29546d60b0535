package io.jengine.cpu.ref;

import java.util.function.DoubleUnaryOperator;

/** Opens the reference backend's activations to the tests of faster kernels, which must agree with them. */
public final class ReferenceActivations {
    private ReferenceActivations() {}

    /** The reference's function for an optimizer activation name and its parameters, in double precision. */
    public static DoubleUnaryOperator of(String name, float[] params) { return Activation.of(name, params); }
}
