package io.jengine.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.Node;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Layer times are summed per node over the profiled runs and reported per run, with their share of the total. */
class LayerProfileTest {
    static Node node(String name, String op, String domain) {
        return new Node(name, op, domain, List.of("x"), List.of(name + "_y"), Map.of());
    }

    @Test
    void timesArePerRunAndSharesSumToOne() {
        Node conv = node("conv", "FusedConv", "jengine"), relu = node("", "Relu", ""), add = node("", "Add", "");
        LayerProfile p = new LayerProfile();
        for (int run = 0; run < 4; run++) {
            p.nodeFinished(conv, "cpu-reference", 3_000_000);
            p.nodeFinished(relu, "cpu-reference", 1_000_000);
            p.nodeFinished(add, "cpu-simd", 500_000);
            p.nodeFinished(add, "cpu-simd", 500_000); // a node in a loop body, reported once per execution
            p.endRun();
        }
        List<LayerProfile.Layer> layers = p.layers();
        assertEquals(4, p.runs());
        assertEquals(3, layers.size());
        assertEquals(new LayerProfile.Layer("conv", "jengine.FusedConv", "cpu-reference", 3.0, 0.6), layers.get(0));
        assertEquals(new LayerProfile.Layer("Relu_1", "Relu", "cpu-reference", 1.0, 0.2), layers.get(1));
        assertEquals(new LayerProfile.Layer("Add_2", "Add", "cpu-simd", 1.0, 0.2), layers.get(2));
        List<LayerProfile.Layer> top = BenchReport.slowest(layers, 2);
        assertEquals(List.of("conv", "Relu_1"), top.stream().map(LayerProfile.Layer::name).toList());
    }
}
