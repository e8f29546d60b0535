package io.jengine.fpgastub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.spi.NodeContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The systolic array's model against cycles and bytes worked out by hand (the arithmetic is in each comment). */
class SystolicModelTest {
    static final FpgaPart SMALL = FpgaPart.bundled("small");

    @Test
    void aThreeByThreeConvolutionThatFitsTheBuffer() {
        // 64 -> 64 channels, 3x3, 56x56 output: M = 3136, K = 64 * 9 = 576, N = 64 on 32x32.
        // tiles = ceil(576/32) * ceil(64/32) = 18 * 2 = 36; per tile 32 (load) + 3136 + 32 + 32 - 2 = 3230 cycles
        // cycles = 36 * 3230 = 116280; at 300 MHz 387.6 us.
        // buffer: 200704 input bytes + 3136 * 32 * 4 = 401408 partial sums + 1024 weights = 603136 <= 2 MiB: no refill
        // DDR: 36864 weights + 200704 input + 200704 uint8 output = 438272 bytes at 19.2 GB/s = 22.83 us
        SystolicModel.Cost c = new SystolicModel(SMALL).cost(1, 3136, 576, 64, 64 * 56 * 56, 0, 64 * 56 * 56);
        assertEquals(36, c.tiles());
        assertEquals(116_280, c.cycles());
        assertEquals(387.6e-6, c.computeSeconds(), 1e-12);
        assertFalse(c.inputsRefilled());
        assertEquals(438_272, c.ddrBytes());
        assertEquals(438_272 / 19.2e9, c.ddrSeconds(), 1e-15);
        assertEquals(387.6e-6, c.seconds(), 1e-12, "compute-bound");
    }

    @Test
    void aConvolutionWhoseInputIsReadAgainPerColumnBlock() {
        // 64 -> 64 channels, 3x3, 112x112: M = 12544, K = 576, N = 64; 36 tiles of 32 + 12544 + 62 = 12638 cycles
        // cycles = 454968; at 300 MHz 1516.56 us.
        // buffer: 802816 input + 12544 * 32 * 4 = 1605632 + 1024 = 2409472 > 2097152: the input is read once per
        // column block (2). DDR: 36864 + 2 * 802816 + 802816 output = 2445312 bytes: 127.36 us.
        SystolicModel.Cost c = new SystolicModel(SMALL).cost(1, 12544, 576, 64, 802_816, 0, 802_816);
        assertEquals(454_968, c.cycles());
        assertEquals(1516.56e-6, c.computeSeconds(), 1e-12);
        assertTrue(c.inputsRefilled());
        assertEquals(2_445_312, c.ddrBytes());
        assertEquals(2_445_312 / 19.2e9, c.ddrSeconds(), 1e-15);
    }

    @Test
    void aClassifierRowIsBoundByLoadingWeightTiles() {
        // A [1, 512] x B [512, 1000], float32 output: M = 1; tiles = 16 * ceil(1000/32) = 16 * 32 = 512,
        // each 32 + 1 + 62 = 95 cycles: 48640 cycles = 162.13 us; DDR 512000 + 512 + 4000 bytes = 26.9 us.
        SystolicModel.Cost c = new SystolicModel(SMALL).cost(1, 1, 512, 1000, 512, 0, 4000);
        assertEquals(512, c.tiles());
        assertEquals(48_640, c.cycles());
        assertEquals(516_512, c.ddrBytes());
        assertEquals(48_640 / 300e6, c.seconds(), 1e-15);
    }

    @Test
    void theLargePartTilesFewerTimes() {
        FpgaPart large = FpgaPart.bundled("large");
        // 64x64 array: ceil(576/64) * ceil(64/64) = 9 tiles of 64 + 3136 + 64 + 64 - 2 = 3326 cycles = 29934 at 400 MHz
        SystolicModel.Cost c = new SystolicModel(large).cost(1, 3136, 576, 64, 64 * 56 * 56, 0, 64 * 56 * 56);
        assertEquals(9, c.tiles());
        assertEquals(29_934, c.cycles());
        assertEquals(29_934 / 400e6, c.computeSeconds(), 1e-15);
    }

    @Test
    void theBackendReadsTheLayerFromTheNode() {
        // QuantizedConv: x uint8 [1, 64, 56, 56], W int8 [64, 64, 3, 3], pads 1, output uint8 [1, 64, 56, 56]
        Tensor w = Tensor.allocate(DType.INT8, 64, 64, 3, 3);
        w.setLong(0, 1);
        Graph g = Graph.builder("g").opset("", 17).opset(FusedOpSpec.DOMAIN, 1)
                .addNode(Node.builder(FusedOpSpec.QUANTIZED_CONV).domain(FusedOpSpec.DOMAIN).name("qc")
                        .inputs("x", "xs", "xz", "w", "ws", "", "", "ys", "yz").outputs("y")
                        .attr(Attribute.of("pads", new long[] {1, 1, 1, 1})).build())
                .initializer("w", w)
                .addInput(new ValueInfo("x", ValueType.tensor(DType.UINT8, 1, 64, 56, 56)))
                .addOutput(new ValueInfo("y", ValueType.tensor(DType.UINT8, 1, 64, 56, 56))).build();
        NodeContext ctx = new NodeContext(g.nodes().getFirst(), 1, g);
        SystolicModel.Cost c = FpgaBackend.costOf(ctx, new SystolicModel(SMALL));
        assertEquals(116_280, c.cycles());
        assertEquals(438_272, c.ddrBytes());

        Graph floatInput = g.toBuilder().inputs(java.util.List.of(new ValueInfo("x",
                ValueType.tensor(DType.FLOAT32, 1, 64, 56, 56)))).build();
        assertNull(FpgaBackend.costOf(new NodeContext(floatInput.nodes().getFirst(), 1, floatInput),
                new SystolicModel(SMALL)), "float sources are not the card's");
    }

    @TempDir
    Path tmp;

    @Test
    void aBadPartFileNamesTheFileAndTheKey() throws Exception {
        Path f = tmp.resolve("part.properties");
        Files.writeString(f, "name = x\narray.rows = 0\narray.cols = 8\nclock.mhz = 100\nbuffer.bytes = 1024\n"
                + "ddr.gbps = 1\nlink.gbps = 1\nlink.latency.us = 1\n");
        var e = assertThrows(IllegalArgumentException.class, () -> FpgaPart.read(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("'array.rows'"), e.getMessage());
        Files.writeString(f, "name = x\narray.rows = 8\narray.cols = 8\nclock.mhz = 100\nbuffer.bytes = 1024\n"
                + "ddr.gbps = 1\nlink.gbps = 1\nlink.latency.us = 1\nclock.ghz = 3\n");
        e = assertThrows(IllegalArgumentException.class, () -> FpgaPart.read(f));
        assertTrue(e.getMessage().contains("unknown keys [clock.ghz]"), e.getMessage());
        Files.writeString(f, "name = x\narray.rows = 8\n");
        e = assertThrows(IllegalArgumentException.class, () -> FpgaPart.read(f));
        assertTrue(e.getMessage().contains("'array.cols' is missing"), e.getMessage());
    }
}
