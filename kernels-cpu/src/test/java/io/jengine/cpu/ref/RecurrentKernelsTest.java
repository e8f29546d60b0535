package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.AttentionKernelsTest.assertClose;
import static io.jengine.cpu.ref.AttentionKernelsTest.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RNN, GRU and LSTM against a numpy transcription of the ONNX equations (checked on the ONNX node suite). */
class RecurrentKernelsTest {

    @Test
    void rnnWithBiasInitialStateAndLeakyReluAlpha() {
        Node n = Node.builder("RNN").inputs("X", "W", "R", "B", "", "h0").outputs("Y", "Y_h")
                .attr(Attribute.of("hidden_size", 2L)).attr(Attribute.ofStrings("activations", List.of("LeakyRelu")))
                .attr(Attribute.of("activation_alpha", new float[] {0.2f})).build();
        Value[] out = KernelHarness.run(n, 14, t(new long[] {3, 2, 2}, RNN_0), t(new long[] {1, 2, 2}, RNN_1),
                t(new long[] {1, 2, 2}, RNN_2), t(new long[] {1, 4}, RNN_3), null, t(new long[] {1, 2, 2}, RNN_4));
        assertClose(RNN_5, out[0], 3, 1, 2, 2);
        assertClose(RNN_6, out[1], 1, 2, 2);
    }

    @Test
    void gruBidirectionalLinearBeforeResetWithSequenceLengths() {
        Node n = Node.builder("GRU").inputs("X", "W", "R", "B", "lens").outputs("Y", "Y_h")
                .attr(Attribute.of("hidden_size", 2L)).attr(Attribute.of("direction", "bidirectional"))
                .attr(Attribute.of("linear_before_reset", 1L)).build();
        Value[] out = KernelHarness.run(n, 22, t(new long[] {3, 2, 1}, GRU_0), t(new long[] {2, 6, 1}, GRU_1),
                t(new long[] {2, 6, 2}, GRU_2), t(new long[] {2, 12}, GRU_3), Tensor.ofInts(new long[] {2}, 3, 1));
        // Batch row 1 has length 1: its Y entries after step 0 stay zero in both directions.
        assertClose(GRU_4, out[0], 3, 2, 2, 2);
        assertEquals(0.0, ((Tensor) out[0]).getDouble(2 * 8 + 6), 0);
        assertClose(GRU_5, out[1], 2, 2, 2);
    }

    @Test
    void lstmBatchFirstWithPeepholesClipAndInitialState() {
        Node n = Node.builder("LSTM").inputs("X", "W", "R", "B", "", "h0", "c0", "P").outputs("Y", "Y_h", "Y_c")
                .attr(Attribute.of("hidden_size", 2L)).attr(Attribute.of("layout", 1L))
                .attr(Attribute.of("clip", 0.5f)).build();
        Value[] out = KernelHarness.run(n, 14, t(new long[] {2, 2, 2}, LSTM_0), t(new long[] {1, 8, 2}, LSTM_1),
                t(new long[] {1, 8, 2}, LSTM_2), t(new long[] {1, 16}, LSTM_3), null, t(new long[] {2, 1, 2}, LSTM_4),
                t(new long[] {2, 1, 2}, LSTM_5), t(new long[] {1, 6}, LSTM_6));
        assertClose(LSTM_7, out[0], 2, 2, 1, 2);
        assertClose(LSTM_8, out[1], 2, 1, 2);
        assertClose(LSTM_9, out[2], 2, 1, 2);
    }

    @Test
    void lstmReverseWithCoupledInputForgetGate() {
        Node n = Node.builder("LSTM").inputs("X", "W", "R").outputs("", "Y_h", "Y_c")
                .attr(Attribute.of("hidden_size", 2L)).attr(Attribute.of("direction", "reverse"))
                .attr(Attribute.of("input_forget", 1L)).build();
        Value[] out = KernelHarness.run(n, 7, t(new long[] {2, 1, 1}, LSTMF_0), t(new long[] {1, 8, 1}, LSTMF_1),
                t(new long[] {1, 8, 2}, LSTMF_2));
        assertNull(out[0]);
        assertClose(LSTMF_4, out[1], 1, 1, 2);
        assertClose(LSTMF_5, out[2], 1, 1, 2);
    }

    @Test
    void bidirectionalActivationsTakeAlphaAndBetaInListOrder() {
        // Forward uses Affine(2x + 0.5), reverse ScaledTanh(0.5 tanh(2x)); R is zero so each step sees only W x.
        Node n = Node.builder("RNN").inputs("X", "W", "R").outputs("", "Y_h")
                .attr(Attribute.of("hidden_size", 1L)).attr(Attribute.of("direction", "bidirectional"))
                .attr(Attribute.ofStrings("activations", List.of("Affine", "ScaledTanh")))
                .attr(Attribute.of("activation_alpha", new float[] {2f, 0.5f}))
                .attr(Attribute.of("activation_beta", new float[] {0.5f, 2f})).build();
        Value[] out = KernelHarness.run(n, 14, t(new long[] {1, 1, 1}, new double[] {1}),
                t(new long[] {2, 1, 1}, new double[] {1, 1}), t(new long[] {2, 1, 1}, new double[] {0, 0}));
        assertClose(new double[] {2.5, 0.5 * Math.tanh(2)}, out[1], 2, 1, 1);
    }

    @Test
    void rejectsBadDirectionAndMisshapedWeights() {
        Node bad = Node.builder("RNN").inputs("X", "W", "R").outputs("Y")
                .attr(Attribute.of("hidden_size", 2L)).attr(Attribute.of("direction", "sideways")).build();
        var e = assertThrows(IllegalArgumentException.class, () -> KernelHarness.run(bad, 14,
                t(new long[] {1, 1, 1}, new double[1]), t(new long[] {1, 2, 1}, new double[2]),
                t(new long[] {1, 2, 2}, new double[4])));
        assertTrue(e.getMessage().contains("direction"), e.getMessage());
        Node n = Node.builder("GRU").inputs("X", "W", "R").outputs("Y").attr(Attribute.of("hidden_size", 2L)).build();
        e = assertThrows(IllegalArgumentException.class, () -> KernelHarness.run(n, 14,
                t(new long[] {1, 1, 1}, new double[1]), t(new long[] {1, 2, 1}, new double[2]),
                t(new long[] {1, 6, 2}, new double[12])));
        assertTrue(e.getMessage().startsWith("W must have shape"), e.getMessage());
    }

    static final double[] RNN_0 = new double[] {0.5049, 0.595, 0.4053, 0.0249, -0.3671, -0.5865, -0.5301, -0.2243, 0.1869, 0.5103, 0.5936, 0.3978};
    static final double[] RNN_1 = new double[] {0.5456, 0.2564, -0.1533, -0.491};
    static final double[] RNN_2 = new double[] {0.0847, -0.3179, -0.571, -0.5555};
    static final double[] RNN_3 = new double[] {-0.4541, -0.6, -0.4637, -0.1093};
    static final double[] RNN_4 = new double[] {-0.5754, -0.3304, 0.0699, 0.4374};
    static final double[] RNN_5 = new double[] {-0.086694156, -0.113351114, -0.164682578, -0.213309398, -0.2479554072, -0.0505166326, -0.2421341273, -0.0610754495, -0.1379858051, -0.1637729086, -0.098605759, -0.1646865362};
    static final double[] RNN_6 = new double[] {-0.1379858051, -0.1637729086, -0.098605759, -0.1646865362};
    static final double[] GRU_0 = new double[] {-0.1676, 0.2429, 0.5392, 0.5819, 0.351, -0.0451};
    static final double[] GRU_1 = new double[] {0.3942, 0.5929, 0.5128, 0.1915, -0.2199, -0.5278, -0.5875, -0.3709, 0.0202, 0.4017, 0.5944, 0.5074};
    static final double[] GRU_2 = new double[] {0.5936, 0.3978, 0.0149, -0.375, -0.5886, -0.5253, -0.2149, 0.1965, 0.5155, 0.5921, 0.3902, 0.0048, -0.3829, -0.5904, -0.5203, -0.2055, 0.206, 0.5206, 0.5903, 0.3825, -0.0053, -0.3906, -0.5921, -0.5152};
    static final double[] GRU_3 = new double[] {0.2473, -0.1631, -0.4967, -0.5967, -0.4161, -0.0398, 0.3552, 0.5832, 0.5369, 0.238, -0.1727, -0.5023, -0.5956, -0.4088, -0.0297, 0.3633, 0.5855, 0.5323, 0.2288, -0.1824, -0.5077, -0.5943, -0.4013, -0.0196};
    static final double[] GRU_4 = new double[] {-0.1597958677, -0.0642625963, -0.1694789019, -0.1315997415, 0.3140235188, 0.2313558483, 0.3271502935, 0.3779917904, -0.3106243246, -0.2087900119, 0.0, 0.0, 0.5224425882, 0.4734393173, 0.0, 0.0, -0.4416462494, -0.2917135915, 0.0, 0.0, 0.3636059651, 0.4071295346, 0.0, 0.0};
    static final double[] GRU_5 = new double[] {-0.4416462494, -0.2917135915, -0.1694789019, -0.1315997415, 0.3140235188, 0.2313558483, 0.3271502935, 0.3779917904};
    static final double[] LSTM_0 = new double[] {-0.816, -1.435, -1.379, -0.6745, 0.3473, 1.2057, 1.497, 1.0843};
    static final double[] LSTM_1 = new double[] {-0.6, -0.4572, -0.0994, 0.3052, 0.5662, 0.5609, 0.2918, -0.1145, -0.467, -0.5999, -0.4506, -0.0894, 0.3138, 0.5695, 0.5573, 0.283};
    static final double[] LSTM_2 = new double[] {-0.3219, 0.0799, 0.4442, 0.5996, 0.473, 0.1239, -0.2835, -0.5575, -0.5693, -0.3134, 0.0899, 0.4509, 0.5999, 0.4667, 0.114, -0.2923};
    static final double[] LSTM_3 = new double[] {0.2521, 0.5436, 0.5794, 0.3427, -0.0551, -0.4271, -0.5981, -0.4879, -0.1482, 0.2612, 0.5478, 0.5767, 0.3344, -0.0652, -0.4341, -0.5988};
    static final double[] LSTM_4 = new double[] {0.5944, 0.5074, 0.1819, -0.2292};
    static final double[] LSTM_5 = new double[] {0.3902, 0.0048, -0.3829, -0.5904};
    static final double[] LSTM_6 = new double[] {-0.1727, -0.5023, -0.5956, -0.4088, -0.0297, 0.3633};
    static final double[] LSTM_7 = new double[] {-0.0249395344, -0.1726950456, -0.1620885944, -0.2525626452, -0.141564983, -0.284082885, -0.0915699315, -0.0687319631};
    static final double[] LSTM_8 = new double[] {-0.1620885944, -0.2525626452, -0.0915699315, -0.0687319631};
    static final double[] LSTM_9 = new double[] {-0.3155138433, -0.4305126311, -0.1481851165, -0.110872086};
    static final double[] LSTMF_0 = new double[] {-0.5768, -0.5475};
    static final double[] LSTMF_1 = new double[] {-0.4506, -0.0894, 0.3138, 0.5695, 0.5573, 0.283, -0.1244, -0.4733};
    static final double[] LSTMF_2 = new double[] {0.0899, 0.4509, 0.5999, 0.4667, 0.114, -0.2923, -0.5611, -0.566, -0.3047, 0.0999, 0.4575, 0.6, 0.4603, 0.1041, -0.3011, -0.5646};
    static final double[] LSTMF_3 = new double[] {0.0293277733, 0.0741604899, 0.0174433774, 0.0545749652};
    static final double[] LSTMF_4 = new double[] {0.0293277733, 0.0741604899};
    static final double[] LSTMF_5 = new double[] {0.0650604817, 0.1834666882};
}
