package io.jengine.opencl;

import static io.jengine.cpu.simd.FastVsReference.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.runtime.EngineOptions;
import io.jengine.runtime.Session;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.tensor.ValueType;
import io.jengine.verify.Comparison;
import io.jengine.verify.Tolerance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jocl.cl_mem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Copies through pinned host memory (what a discrete GPU's sessions use; forced here on the test device): bytes of
 * every length, more than both halves of the staging buffer included, arrive whole at their offset and come back;
 * a model whose values cross the boundary in several chunks runs as the reference does.
 */
class PinnedStagingTest {
    private String before;

    @BeforeEach
    void pinned() {
        before = System.getProperty(OpenClMemory.STAGING);
        System.setProperty(OpenClMemory.STAGING, "pinned");
    }

    @AfterEach
    void restore() {
        if (before == null) System.clearProperty(OpenClMemory.STAGING);
        else System.setProperty(OpenClMemory.STAGING, before);
    }

    @Test
    void bytesOfEveryLengthArriveAtTheirOffsetAndComeBack() {
        OpenClDevice device = (OpenClDevice) OpenClTestDevice.backends().ordered().getFirst().device();
        long big = PinnedStaging.BYTES + PinnedStaging.BYTES / 2 + 13; // three chunks, the last one short
        try (OpenClMemory memory = new OpenClMemory(device); Arena arena = Arena.ofConfined()) {
            assertTrue(memory.pinned(), "staging was asked for");
            cl_mem mem = org.jocl.CL.clCreateBuffer(device.context(), org.jocl.CL.CL_MEM_READ_WRITE, big + 64, null, null);
            try {
                Random r = new Random(5);
                for (long n : new long[] {1, 3, 4096, PinnedStaging.BYTES / 2 + 1, big}) {
                    MemorySegment up = arena.allocate(n);
                    for (long i = 0; i < n; i++) up.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt());
                    long offset = 64 - (n % 64);
                    memory.copy(up, mem, offset, true, "test bytes");
                    MemorySegment down = arena.allocate(n);
                    memory.copy(down, mem, offset, false, "test bytes");
                    assertEquals(-1, up.mismatch(down), n + " bytes at offset " + offset);
                }
            } finally {
                OpenClDevice.release(mem);
            }
        }
    }

    @Test
    void aModelWhoseValuesCrossInChunksRunsAsTheReference() {
        // 1x6x1024x1024 floats: 24 MiB a value, more than the staging buffer holds
        Graph g = Graph.builder("wide").opset("", 21)
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, new long[] {1, 6, 1024, 1024})))
                .addNode(Node.builder("Sigmoid").name("s").inputs("x").outputs("a").build())
                .addNode(Node.builder("Mish").name("m").inputs("a").outputs("b").build())
                .addNode(Node.builder("Mul").name("mul").inputs("b", "x").outputs("y").build())
                .addOutput(new ValueInfo("y", null))
                .build();
        Model model = new Model(8, "test", "", g, Map.of());
        Tensor x = random(new Random(3), 1, 6, 1024, 1024);
        Map<String, Value> want;
        try (Engine ref = Engine.of(model, Backends.discover().only(List.of("cpu-reference")))) {
            want = ref.run(Map.of("x", x));
        }
        try (Engine e = Engine.of(model, OpenClTestDevice.backends(), EngineOptions.defaults()); Session s = e.newSession()) {
            assertTrue(e.devicePlan().copies().size() >= 3, "x, a and b cross: " + e.devicePlan().copies());
            for (int run = 0; run < 2; run++) {
                Comparison c = Comparison.of((Tensor) want.get("y"), (Tensor) s.run(Map.of("x", x)).get("y"),
                        Tolerance.MODEL);
                assertTrue(c.matches(), "run " + run + ": " + c.mismatch());
            }
        }
    }
}
