package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.AttentionKernelsTest.assertClose;
import static io.jengine.cpu.ref.AttentionKernelsTest.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.NodeContext;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RotaryEmbedding, SwiGLU, CausalConvWithState, LinearAttention and FlexAttention against numpy evaluations. */
class TransformerBlockKernelsTest {

    @Test
    void rotaryInterleavedPartialWithPositionIds() {
        Node n = Node.builder("RotaryEmbedding").inputs("x", "cos", "sin", "pos").outputs("y")
                .attr(Attribute.of("interleaved", 1L)).attr(Attribute.of("rotary_embedding_dim", 4L)).build();
        Value[] out = KernelHarness.run(n, 23, t(new long[] {1, 2, 2, 6}, ROPE_0), t(new long[] {5, 3}, ROPE_1),
                t(new long[] {5, 3}, ROPE_2), Tensor.ofLongs(new long[] {1, 2}, 3, 1));
        assertClose(ROPE_3, out[0], 1, 2, 2, 6);
    }

    @Test
    void rotaryThreeDHalvesWithoutPositionIds() {
        Node n = Node.builder("RotaryEmbedding").inputs("x", "cos", "sin").outputs("y")
                .attr(Attribute.of("num_heads", 2L)).build();
        Value[] out = KernelHarness.run(n, 23, t(new long[] {1, 2, 8}, ROPE3_0), t(new long[] {1, 2, 2}, ROPE3_1),
                t(new long[] {1, 2, 2}, ROPE3_2));
        assertClose(ROPE3_3, out[0], 1, 2, 8);
    }

    @Test
    void rotaryRejectsPositionsOutsideTheCache() {
        Node n = Node.builder("RotaryEmbedding").inputs("x", "cos", "sin", "pos").outputs("y").build();
        var e = assertThrows(IllegalArgumentException.class, () -> KernelHarness.run(n, 23,
                t(new long[] {1, 1, 1, 2}, new double[] {1, 2}), t(new long[] {2, 1}, new double[] {1, 1}),
                t(new long[] {2, 1}, new double[] {0, 0}), Tensor.ofLongs(new long[] {1, 1}, 5)));
        assertTrue(e.getMessage().contains("position_ids"), e.getMessage());
    }

    @Test
    void swigluBroadcastsWithAlpha() {
        Node n = Node.builder("SwiGLU").inputs("a", "b").outputs("y").attr(Attribute.of("alpha", 1.5f)).build();
        Value[] out = KernelHarness.run(n, 28, t(new long[] {2, 3}, SWI_0),
                t(new long[] {3}, new double[] {0.5, -1.0, 2.0}));
        assertClose(SWI_1, out[0], 2, 3);
    }

    @Test
    void causalConvCarriesStateBiasAndSilu() {
        Node n = Node.builder("CausalConvWithState").inputs("x", "w", "b", "past").outputs("y", "present")
                .attr(Attribute.of("activation", "silu")).build();
        Value[] out = KernelHarness.run(n, 27, t(new long[] {1, 2, 3}, CONV_0), t(new long[] {2, 1, 3}, CONV_1),
                t(new long[] {2}, new double[] {0.1, -0.2}), t(new long[] {1, 2, 2}, CONV_2));
        assertClose(CONV_3, out[0], 1, 2, 3);
        assertClose(CONV_4, out[1], 1, 2, 2);
    }

    @Test
    void causalConvRejectsUnknownActivation() {
        Node n = Node.builder("CausalConvWithState").inputs("x", "w").outputs("y", "present")
                .attr(Attribute.of("activation", "gelu")).build();
        assertThrows(IllegalArgumentException.class, () -> KernelHarness.run(n, 27,
                t(new long[] {1, 1, 2}, new double[2]), t(new long[] {1, 1, 2}, new double[2])));
    }

    @Test
    void linearAttentionGatedDeltaWithSharedKvHead() {
        Node n = Node.builder("LinearAttention").inputs("q", "k", "v", "past", "decay", "beta").outputs("y", "state")
                .attr(Attribute.of("q_num_heads", 2L)).attr(Attribute.of("kv_num_heads", 1L)).build();
        Value[] out = KernelHarness.run(n, 27, t(new long[] {1, 2, 4}, LA_0), t(new long[] {1, 2, 2}, LA_1),
                t(new long[] {1, 2, 2}, LA_2), t(new long[] {1, 1, 2, 2}, LA_3), t(new long[] {1, 2, 1}, LA_4),
                t(new long[] {1, 2, 1}, LA_5));
        assertClose(LA_6, out[0], 1, 2, 4);
        assertClose(LA_7, out[1], 1, 1, 2, 2);
    }

    @Test
    void linearAttentionPlainRuleAccumulatesOuterProducts() {
        // One head, head size 1: S = k1 v1 + k2 v2, out_t = scale * S_t * q_t with scale 1.
        Node n = Node.builder("LinearAttention").inputs("q", "k", "v").outputs("y", "state")
                .attr(Attribute.of("q_num_heads", 1L)).attr(Attribute.of("kv_num_heads", 1L))
                .attr(Attribute.of("update_rule", "linear")).build();
        Value[] out = KernelHarness.run(n, 27, t(new long[] {1, 2, 1}, new double[] {2, -1}),
                t(new long[] {1, 2, 1}, new double[] {3, 0.5}), t(new long[] {1, 2, 1}, new double[] {4, 2}));
        assertClose(new double[] {24, -13}, out[0], 1, 2, 1);
        assertClose(new double[] {13}, out[1], 1, 1, 1, 1);
        Node bad = n.toBuilder().attr(Attribute.of("update_rule", "mamba")).build();
        var e = assertThrows(IllegalArgumentException.class, () -> KernelHarness.run(bad, 27,
                t(new long[] {1, 1, 1}, new double[1]), t(new long[] {1, 1, 1}, new double[1]),
                t(new long[] {1, 1, 1}, new double[1])));
        assertTrue(e.getMessage().contains("update_rule"), e.getMessage());
    }

    @Test
    void flexAttentionRunsScoreModOnTheScaledScores() {
        Graph body = Graph.builder("score_mod").build();
        Node n = Node.builder("FlexAttention").domain("ai.onnx.preview").inputs("Q", "K", "V").outputs("Y")
                .attr(Attribute.of("score_mod", body)).attr(Attribute.of("scale", 1f)).build();
        List<Tensor> seen = new ArrayList<>();
        // Stands in for the runtime: the "sub-graph" blocks key 0 by writing -inf there.
        ExecutionContext ctx = new ExecutionContext() {
            @Override
            public Node node() { return n; }

            @Override
            public List<Value> runSubgraph(Graph g, List<Value> in) {
                Tensor s = ((Tensor) in.get(0)).copy();
                seen.add(s.copy());
                for (long i = 0; i < s.size(); i += 2) s.setDouble(i, Double.NEGATIVE_INFINITY);
                return List.of(s);
            }
        };
        var kernel = ReferenceKernels.registry().find("ai.onnx.preview", "FlexAttention", 1).factory()
                .create(new NodeContext(n, 1, Graph.builder("g").opset("ai.onnx.preview", 1).addNode(n).build()));
        Value[] out = kernel.run(ctx, new Value[] {t(new long[] {1, 1, 1, 2}, new double[] {1, 2}),
                t(new long[] {1, 1, 2, 2}, new double[] {1, 0, 0, 1}), t(new long[] {1, 1, 2, 1}, new double[] {5, 7})});
        assertEquals(1.0, seen.get(0).getDouble(0), 1e-6);
        assertEquals(2.0, seen.get(0).getDouble(1), 1e-6);
        assertClose(new double[] {7}, out[0], 1, 1, 1, 1);
    }

    static final double[] ROPE_0 = new double[] {1.0939, 1.2892, 0.8781, 0.0541, -0.7954, -1.2708, -1.1485, -0.486, 0.405, 1.1056, 1.2862, 0.8619, 0.0322, -0.8126, -1.2752, -1.1381, -0.4657, 0.4257, 1.1169, 1.2828, 0.8454, 0.0104, -0.8295, -1.2793};
    static final double[] ROPE_1 = new double[] {0.3789823132, 0.8495841213, 0.94532716, 0.4855536094, 0.2723132557, 0.6080454635, 0.9941736665, 0.7303241289, 0.3074350193, 0.3875720566, 0.8598604812, 0.9382360373, 0.4746763928, 0.274333292, 0.6203558501};
    static final double[] ROPE_2 = new double[] {0.9254039152, 0.5274531456, -0.3261235357, -0.8742068934, -0.9622086524, -0.7939022071, -0.1077901704, 0.6831007735, 0.9515690773, 0.9218394117, 0.5105290911, -0.3459958647, -0.8801603957, -0.9616346733, -0.7843204825};
    static final double[] ROPE_3 = new double[] {-0.7644702968, 1.5080580278, 0.7274238647, 0.4948140469, -0.7954, -1.2708, -0.9825228705, 0.7680475629, 1.1741047547, -0.0886249687, 1.2862, 0.8619, 0.7615665262, -0.2852578241, -0.515460927, -1.6296339106, -0.4657, 0.4257, 1.6637474291, -0.3535335091, 0.2402205964, -0.8106191369, -0.8295, -1.2793};
    static final double[] ROPE3_0 = new double[] {0.1835, -0.6888, -1.2371, -1.2036, -0.604, 0.2797, 1.0318, 1.2986, 0.9547, 0.1618, -0.7072, -1.2436, -1.1951, -0.5845, 0.301, 1.0449};
    static final double[] ROPE3_1 = new double[] {0.553863, 0.267595, 0.536426, 0.972094};
    static final double[] ROPE3_2 = new double[] {-0.832608, -0.963531, -0.843947, -0.234593};
    static final double[] ROPE3_3 = new double[] {-0.9283854963, -1.3440253476, -0.8379674853, 0.3416028108, 0.5245516824, 1.3260876781, 1.0743710754, 0.0779992463, -0.0847134162, -0.1344550456, -1.1850766681, -1.2468532458, -0.3870546656, -0.3230627173, 1.1700652857, 1.1528606291};
    static final double[] CONV_0 = new double[] {-1.2466, -0.7159, 0.1515, 0.9477, 1.2981, 1.038};
    static final double[] CONV_1 = new double[] {-0.3632, 0.5263, 1.1683, 1.2609, 0.7604, -0.0977};
    static final double[] CONV_2 = new double[] {0.8541, 1.2846, 1.111, 0.4148};
    static final double[] CONV_3 = new double[] {-0.2682426277, -0.2506265954, 0.207322246, 1.1473682371, 0.6549776854, 1.6317781003};
    static final double[] CONV_4 = new double[] {-0.7159, 0.1515, 1.2981, 1.038};
    static final double[] SWI_0 = new double[] {1.2862, 0.8619, 0.0322, -0.8126, -1.2752, -1.1381};
    static final double[] SWI_1 = new double[] {0.5615368619, -0.6762718994, 0.0329774789, -0.0926892548, 0.1640756654, -0.3494734975};
    static final double[] LA_0 = new double[] {-0.9762834208, -0.1936987336, 0.6799854947, 1.2338619197, 1.2074338043, 0.613130704, -0.2695373468, -1.0254377718};
    static final double[] LA_1 = new double[] {0.0974201863, 0.48852272, 0.6498653851, 0.5055662052};
    static final double[] LA_2 = new double[] {1.1868288259, 1.2494985419, 0.7245095696, -0.1412275741};
    static final double[] LA_3 = new double[] {-0.2200173051, -0.2575262354, -0.1739165533, -0.0085111986};
    static final double[] LA_4 = new double[] {-0.326295699, -0.111950534};
    static final double[] LA_5 = new double[] {0.005753351, 0.4231254987};
    static final double[] LA_6 = new double[] {0.1258130789, 0.128144862, -0.1823899112, -0.0912508284, 0.1174946831, -0.1529529831, -0.074855233, 0.0399569496};
    static final double[] LA_7 = new double[] {0.0983166111, -0.174449004, 0.0773925921, -0.0092517934};
}
