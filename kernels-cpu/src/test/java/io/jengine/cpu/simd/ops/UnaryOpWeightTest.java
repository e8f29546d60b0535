package io.jengine.cpu.simd.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which activation passes make a native kernel partly Java to the tuner: every op is classified, on purpose. */
class UnaryOpWeightTest {
    @Test
    void polynomialsAndDivisionsAreHeavyComparesAndBlendsAreLight() {
        Set<UnaryOp> light = EnumSet.of(UnaryOp.NONE, UnaryOp.RELU, UnaryOp.CLIP, UnaryOp.LEAKY_RELU,
                UnaryOp.HARD_SIGMOID, UnaryOp.HARD_SWISH, UnaryOp.NEG, UnaryOp.ABS);
        for (UnaryOp op : UnaryOp.values()) assertEquals(!light.contains(op), op.heavy(), op.name());
    }
}
