package io.jengine.cpu.ref;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Attention, computed against numpy evaluations of the ONNX reference formulas on irregular data. */
class AttentionKernelsTest {

    static Tensor t(long[] shape, double[] v) { return Tensor.fromDoubles(DType.FLOAT32, shape, v); }

    static void assertClose(double[] expected, Value actual, long... shape) {
        Tensor a = (Tensor) actual;
        assertArrayEquals(shape, a.shape());
        double[] got = a.toDoubleArray();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], 1e-5 + 1e-5 * Math.abs(expected[i]), "element " + i);
        }
    }

    @Test
    void groupedQueryHeadsWithShortFloatMaskAndScale() {
        Node n = Node.builder("Attention").inputs("Q", "K", "V", "mask").outputs("Y")
                .attr(Attribute.of("scale", 0.7f)).build();
        // Mask covers 3 of the 4 keys: the 4th is padded as blocked.
        Value[] out = KernelHarness.run(n, 23, t(new long[] {1, 4, 2, 3}, GQA_0), t(new long[] {1, 2, 4, 3}, GQA_1),
                t(new long[] {1, 2, 4, 2}, GQA_2), t(new long[] {2, 3}, GQA_3));
        assertClose(GQA_4, out[0], 1, 4, 2, 2);
    }

    @Test
    void threeDInputsWithPastCausalPresentAndSoftmaxOutput() {
        Node n = Node.builder("Attention").inputs("Q", "K", "V", "", "pk", "pv")
                .outputs("Y", "present_key", "present_value", "qk")
                .attr(Attribute.of("q_num_heads", 2L)).attr(Attribute.of("kv_num_heads", 2L))
                .attr(Attribute.of("is_causal", 1L)).attr(Attribute.of("qk_matmul_output_mode", 3L)).build();
        Value[] out = KernelHarness.run(n, 23, t(new long[] {1, 2, 4}, PAST_0), t(new long[] {1, 2, 4}, PAST_1),
                t(new long[] {1, 2, 2}, PAST_2), null, t(new long[] {1, 2, 1, 2}, PAST_3),
                t(new long[] {1, 2, 1, 1}, PAST_4));
        assertClose(PAST_5, out[0], 1, 2, 2);
        assertClose(PAST_6, out[1], 1, 2, 3, 2);
        assertClose(PAST_7, out[2], 1, 2, 3, 1);
        // Causal is offset by the past length: query 0 sees keys 0..1, query 1 sees all three.
        assertClose(PAST_8, out[3], 1, 2, 2, 3);
    }

    @Test
    void softcapBeforeBoolMaskAndFullyMaskedRowGivesZeros() {
        Node n = Node.builder("Attention").inputs("Q", "K", "V", "mask").outputs("Y", "", "", "qk")
                .attr(Attribute.of("softcap", 0.8f)).attr(Attribute.of("qk_matmul_output_mode", 1L)).build();
        Tensor mask = Tensor.ofBools(new long[] {2, 3}, true, false, true, false, false, false);
        Value[] out = KernelHarness.run(n, 23, t(new long[] {1, 1, 2, 2}, SOFTCAP_0),
                t(new long[] {1, 1, 3, 2}, SOFTCAP_1), t(new long[] {1, 1, 3, 2}, SOFTCAP_2), mask);
        assertClose(SOFTCAP_4, out[0], 1, 1, 2, 2);
        assertEquals(4, out.length);
        assertNull(out[1]);
        assertClose(SOFTCAP_7, out[3], 1, 1, 2, 3);
    }

    @Test
    void nonpadLengthsShiftTheCausalFrontierPerBatch() {
        Node n = Node.builder("Attention").inputs("Q", "K", "V", "", "", "", "nonpad").outputs("Y")
                .attr(Attribute.of("is_causal", 1L)).build();
        Value[] out = KernelHarness.run(n, 24, t(new long[] {2, 1, 2, 2}, NONPAD_0),
                t(new long[] {2, 1, 4, 2}, NONPAD_1), t(new long[] {2, 1, 4, 1}, NONPAD_2), null, null, null,
                Tensor.ofLongs(new long[] {2}, 3, 4));
        assertClose(NONPAD_4, out[0], 2, 1, 2, 1);
    }

    @Test
    void slidingWindowOnBothSides() {
        Node n = Node.builder("Attention").inputs("Q", "K", "V").outputs("Y")
                .attr(Attribute.of("left_window_size", 1L)).attr(Attribute.of("right_window_size", 1L)).build();
        Value[] out = KernelHarness.run(n, 25, t(new long[] {1, 1, 4, 2}, WINDOW_0),
                t(new long[] {1, 1, 4, 2}, WINDOW_1), t(new long[] {1, 1, 4, 1}, WINDOW_2));
        assertClose(WINDOW_3, out[0], 1, 1, 4, 1);
    }

    @Test
    void halfPrecisionInputsKeepTheirType() {
        Node n = Node.builder("Attention").inputs("Q", "K", "V").outputs("Y").build();
        Tensor q = Tensor.fromDoubles(DType.FLOAT16, new long[] {1, 1, 1, 2}, new double[] {1, 0});
        Tensor k = Tensor.fromDoubles(DType.FLOAT16, new long[] {1, 1, 2, 2}, new double[] {0, 0, 0, 0});
        Tensor v = Tensor.fromDoubles(DType.FLOAT16, new long[] {1, 1, 2, 1}, new double[] {1, 3});
        Tensor y = (Tensor) KernelHarness.run(n, 23, q, k, v)[0];
        assertEquals(DType.FLOAT16, y.dtype());
        assertEquals(2.0, y.getDouble(0), 0);
    }

    @Test
    void rejectsHeadCountsThatDoNotGroup() {
        Node n = Node.builder("Attention").inputs("Q", "K", "V").outputs("Y").build();
        var e = assertThrows(IllegalArgumentException.class, () -> KernelHarness.run(n, 23,
                t(new long[] {1, 3, 1, 2}, new double[6]), t(new long[] {1, 2, 1, 2}, new double[4]),
                t(new long[] {1, 2, 1, 2}, new double[4])));
        assertTrue(e.getMessage().contains("multiple"), e.getMessage());
        Node bad = Node.builder("Attention").inputs("Q", "K", "V").outputs("Y")
                .attr(Attribute.of("qk_matmul_output_mode", 7L)).build();
        assertThrows(IllegalArgumentException.class, () -> KernelHarness.run(bad, 23,
                t(new long[] {1, 1, 1, 2}, new double[2]), t(new long[] {1, 1, 1, 2}, new double[2]),
                t(new long[] {1, 1, 1, 2}, new double[2])));
    }

    static final double[] GQA_0 = new double[] {1.0939122803, 1.2891642536, 0.8781021347, 0.0540548612, -0.7954152582, -1.270789153, -1.1484910524, -0.4860396643, 0.4050037726, 1.1055676068, 1.2861657206, 0.8618599991, 0.0322080531, -0.8125918436, -1.2752170991, -1.1380878271, -0.4656980669, 0.4257167709, 1.1169103593, 1.2828035536, 0.8453741922, 0.0103521389, -0.8295386871, -1.2792845066};
    static final double[] GQA_1 = new double[] {1.1820866549, 0.5555938443, -0.3322034326, -1.0637602444, -1.2950139915, -0.9172024232, -0.1080162237, 0.7519716937, 1.2582955736, 1.1728233839, 0.5357540308, -0.3532888143, -1.0761744098, -1.2929183647, -0.9015826102, -0.0862184666, 0.7696955691, 1.2636097518, 1.1632285238, 0.5157627451, -0.3742743117, -1.0882843114, -1.2904571946, -0.8857078952};
    static final double[] GQA_2 = new double[] {0.1834560105, -0.6887869832, -1.2370826961, -1.203559087, -0.6039828332, 0.2796559845, 1.031768223, 1.2986237444, 0.9547162272, 0.1617907506, -0.7072274442, -1.2436255212, -1.1951270834, -0.5845417039, 0.3009627726, 1.0449197545};
    static final double[] GQA_3 = new double[] {0.5, -1.0, 0.0, 0.0, 0.25, -0.5};
    static final double[] GQA_4 = new double[] {-0.1486312245, -0.2872619578, -1.0127381018, -1.0986725975, -0.7060804915, -0.455632618, -0.1588177493, -0.3071230797, 0.674359487, 0.0571193959, 0.2901353993, -0.3568541483, -0.9867626855, -0.765507773, 0.6334793167, 0.0111917619};
    static final double[] PAST_0 = new double[] {-0.9838432439, -1.2999002348, -1.0045938338, -0.2368112556, 0.6423473565, 1.2193999698, 1.2229497237, 0.6513271134};
    static final double[] PAST_1 = new double[] {-1.2466015571, -0.7158912054, 0.1515139663, 0.9476597522, 1.298106349, 1.0380332464, 0.2897568883, -0.5947966619};
    static final double[] PAST_2 = new double[] {-0.3632401477, 0.5263048968, 1.1683205246, 1.2608567541};
    static final double[] PAST_3 = new double[] {0.8540825783, 1.284618704, 1.1109785805, 0.4148278711};
    static final double[] PAST_4 = new double[] {1.2861657206, 0.8618599991};
    static final double[] PAST_5 = new double[] {-0.3045809191, 0.6457956378, 1.1745116939, 0.827636405};
    static final double[] PAST_6 = new double[] {0.8540825783, 1.284618704, -1.2466015571, -0.7158912054, 1.298106349, 1.0380332464, 1.1109785805, 0.4148278711, 0.1515139663, 0.9476597522, 0.2897568883, -0.5947966619};
    static final double[] PAST_7 = new double[] {1.2861657206, -0.3632401477, 1.1683205246, 0.8618599991, 0.5263048968, 1.2608567541};
    static final double[] PAST_8 = new double[] {0.0355638535, 0.9644361465, 0.0, 0.4859682028, 0.0333501961, 0.4806816011, 0.3560987158, 0.6439012842, 0.0, 0.535828736, 0.2987214858, 0.1654497783};
    static final double[] SOFTCAP_0 = new double[] {0.5357540308, -0.3532888143, -1.0761744098, -1.2929183647};
    static final double[] SOFTCAP_1 = new double[] {-0.7072274442, -1.2436255212, -1.1951270834, -0.5845417039, 0.3009627726, 1.0449197545};
    static final double[] SOFTCAP_2 = new double[] {-1.2999872685, -0.9905786591, -0.2152854281, 0.6612599037, 1.2268043703, 1.2153635722};
    static final double[] SOFTCAP_3 = new double[] {1.0, 0.0, 1.0, 0.0, 0.0, 0.0};
    static final double[] SOFTCAP_4 = new double[] {-0.1550624894, 0.0089647473, 0.0, 0.0};
    static final double[] SOFTCAP_5 = new double[] {-0.7072274442, -1.2436255212, -1.1951270834, -0.5845417039, 0.3009627726, 1.0449197545};
    static final double[] SOFTCAP_6 = new double[] {-1.2999872685, -0.9905786591, -0.2152854281, 0.6612599037, 1.2268043703, 1.2153635722};
    static final double[] SOFTCAP_7 = new double[] {0.0427103432, -0.2925341174, -0.1453860988, 0.7760769376, 0.7578429782, -0.7212347153};
    static final double[] NONPAD_0 = new double[] {-0.6975447934, 0.1732016538, 0.9624886569, 1.2991022054, 1.0247276876, 0.2684077265, -0.6141485823, -1.2078612166};
    static final double[] NONPAD_1 = new double[] {0.5462171479, 1.177741165, 1.2553551095, 0.7425559306, -0.1194789053, -0.9253209451, -1.2959700859, -1.0571042452, -0.3210657603, 0.5659749685, 1.1868288259, 1.2494985419, 0.7245095696, -0.1412275741, -0.9405431829, -1.2975066364};
    static final double[] NONPAD_2 = new double[] {1.2877895624, 1.0994708805, 0.3940538638, -0.4966928423, -1.1538371437, -1.2683138071, -0.7862826691, 0.0655494941};
    static final double[] NONPAD_3 = new double[] {3.0, 4.0};
    static final double[] NONPAD_4 = new double[] {1.2123539167, 1.1560944564, -1.106408704, -0.2267721169};
    static final double[] WINDOW_0 = new double[] {0.8453741922, 0.0103521389, -0.8295386871, -1.2792845066, -1.1273628333, -0.445224804, 0.4463094075, 1.1279373308};
    static final double[] WINDOW_1 = new double[] {-0.3742743117, -1.0882843114, -1.2904571946, -0.8857078952, -0.0643963331, 0.7872018306, 1.2685666731, 1.1533047873};
    static final double[] WINDOW_2 = new double[] {-1.2498167394, -1.1863571847, -0.5649353087, 0.3221844704};
    static final double[] WINDOW_3 = new double[] {-1.2265429291, -1.1741285438, -0.9993730974, 0.0303122327};
}
