package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.ReductionKernelsTest.assertClose;
import static io.jengine.cpu.ref.ReductionKernelsTest.node;
import static io.jengine.cpu.ref.ReductionKernelsTest.run1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Batch, instance, layer, RMS and Lp normalization against numpy. */
class NormalizationKernelsTest {
    static Tensor x() { return Tensor.ofDoubles(new long[] {2, 2, 2}, 1, 2, 3, 4, -1, 0.5, 2, 6); }

    static Tensor vec(double... v) { return Tensor.ofDoubles(new long[] {v.length}, v); }

    @Test
    void batchNormalizationInference() {
        Tensor y = run1(node("BatchNormalization", 5), 15, x(), vec(1.5, -1), vec(0.1, 0.2), vec(0.5, 1), vec(2, 0.5));
        assertClose(new double[] {0.6303287600696678, 1.6909862802090032, -2.6283988408992, -4.042598261348799,
                -1.490986280209003, 0.1, -1.2141994204496, -6.870997102247999}, y);
    }

    @Test
    void instanceNormalizationPerSampleAndChannel() {
        Tensor y = run1(node("InstanceNormalization", 3), 6, x(), vec(1.5, -1), vec(0.1, 0.2));
        assertClose(new double[] {-1.3999700008999698, 1.59997000089997, 1.19998000059998, -0.79998000059998,
                -1.3999866668444418, 1.599986666844442, 1.1999987500023437, -0.7999987500023438}, y);
    }

    @Test
    void layerNormalizationWithStatisticsOutputs() {
        Node n = Node.builder("LayerNormalization").inputs("x", "s", "b").outputs("y", "mean", "inv")
                .attr(Attribute.of("axis", -2L)).build();
        Value[] out = KernelHarness.run(n, 17, x(), Tensor.ofDoubles(new long[] {2, 2}, 1, 2, 0.5, -1),
                Tensor.ofDoubles(new long[] {2, 2}, 0, 1, 0, -1));
        assertClose(new double[] {-1.3416354199689269, 0.105576386687382, 0.2236059033281545, -2.341635419968927,
                -1.102764782187417, -0.05481848730970307, 0.02397314743885689, -2.5822277309645547}, (Tensor) out[0]);
        assertArrayEquals(new long[] {2, 1, 1}, ((Tensor) out[1]).shape());
        assertClose(new double[] {2.5, 1.875}, (Tensor) out[1]);
        assertClose(new double[] {0.894423613312618, 0.3835703590217102}, (Tensor) out[2]);
    }

    @Test
    void rmsNormalizationHasNoMeanShift() {
        Tensor y = run1(node("RMSNormalization", 2, Attribute.of("axis", 1L)), 23, x(),
                Tensor.ofDoubles(new long[] {2, 2}, 1, 2, 0.5, -1));
        assertClose(new double[] {0.3651481282381064, 1.4605925129524255, 0.5477221923571596, -1.4605925129524255,
                -0.31139942668310555, 0.31139942668310555, 0.31139942668310555, -1.8683965600986334}, y);
    }

    @Test
    void lpNormalizationL2OverAnAxis() {
        Tensor y = run1(node("LpNormalization", 1, Attribute.of("axis", 1L)), 1, x().reshape(2, 4));
        assertClose(new double[] {0.18257418583505536, 0.3651483716701107, 0.5477225575051661, 0.7302967433402214,
                -0.1556997888323046, 0.0778498944161523, 0.3113995776646092, 0.9341987329938275}, y);
    }

    @Test
    void groupCountMustDivideChannels() {
        Tensor x3 = Tensor.ofDoubles(new long[] {1, 3, 1}, 1, 2, 3);
        assertThrows(IllegalArgumentException.class, () -> run1(node("GroupNormalization", 3,
                Attribute.of("num_groups", 2L)), 21, x3, vec(1, 1, 1), vec(0, 0, 0)));
    }
}
