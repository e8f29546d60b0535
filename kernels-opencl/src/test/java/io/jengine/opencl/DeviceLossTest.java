package io.jengine.opencl;

import static io.jengine.cpu.simd.FastVsReference.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.errors.DeviceException;
import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.runtime.EngineOptions;
import io.jengine.runtime.Session;
import io.jengine.tensor.DType;
import io.jengine.tensor.Dim;
import io.jengine.tensor.Shape;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.tensor.ValueType;
import io.jengine.verify.Comparison;
import io.jengine.verify.Tolerance;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jocl.cl_command_queue;
import org.junit.jupiter.api.Test;

/**
 * The device disappears between two runs and stays gone (its queue becomes invalid, as when a GPU falls off the bus):
 * the run that meets it fails with one error naming the device and the call, and from the next run the engine, its
 * pooled sessions and a caller's own session run on the host and give the reference's answers. A device refusing one request (a
 * buffer too large) does not make the engine leave it.
 */
class DeviceLossTest {
    static Model model(boolean dynamic) {
        Random r = new Random(5);
        // With a symbolic batch the plan is made per shape at run time; with a static one, at load.
        ValueType x = dynamic
                ? ValueType.tensor(DType.FLOAT32, new Shape(List.of(Dim.symbol("N"), Dim.of(3), Dim.of(8), Dim.of(8))))
                : ValueType.tensor(DType.FLOAT32, 1, 3, 8, 8);
        Graph g = Graph.builder("lost").opset("", 21)
                .addInput(new ValueInfo("x", x))
                .initializer("w", random(r, 4, 3, 3, 3))
                .addNode(Node.builder("Conv").name("conv").inputs("x", "w").outputs("a")
                        .attr(Attribute.of("pads", new long[] {1, 1, 1, 1})).build())
                .addNode(Node.builder("Relu").name("relu").inputs("a").outputs("y").build())
                .addOutput(new ValueInfo("y", null)).build();
        return new Model(8, "test", "", g, Map.of());
    }

    static OpenClDevice device(String name) {
        return OpenClPlatforms.devices().stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    static void assertMatches(Map<String, Value> want, Map<String, Value> got, String what) {
        Comparison c = Comparison.of((Tensor) want.get("y"), (Tensor) got.get("y"), Tolerance.MODEL);
        assertTrue(c.matches(), what + ": " + c.mismatch());
    }

    @Test
    void aLostDeviceFailsOneRunAndTheEngineGoesOnOnTheHost() {
        for (boolean dynamic : new boolean[] {false, true}) {
            String name = OpenClTestDevice.name();
            OpenClDevice device = device(name);
            Tensor x = random(new Random(2), 1, 3, 8, 8);
            Map<String, Value> want;
            try (Engine ref = Engine.of(model(dynamic), Backends.discover().only(List.of("cpu-reference")))) {
                want = ref.run(Map.of("x", x));
            }
            try (Engine e = Engine.of(model(dynamic), OpenClTestDevice.backends(), EngineOptions.defaults());
                 Session own = e.newSession()) {
                assertMatches(want, own.run(Map.of("x", x)), "on the device");
                // (the plan for the declared shapes shows where a static model runs; a dynamic one is planned per run)
                if (!dynamic) assertEquals(name, e.devicePlan().steps().getFirst().device());
                assertNull(e.deviceFault());

                cl_command_queue real = device.invalidateQueue();
                try {
                    DeviceException err = assertThrows(DeviceException.class, () -> own.run(Map.of("x", x)));
                    assertTrue(err.lost(), err.getMessage());
                    assertEquals(name, err.device());
                    assertTrue(err.getMessage().startsWith(name + ": ")
                            && err.getMessage().contains("CL_INVALID_COMMAND_QUEUE")
                            && err.getMessage().endsWith("(the engine runs on the host from its next run)"),
                            err.getMessage());
                    assertTrue(e.deviceFault() != null && e.deviceFault().contains("CL_INVALID_COMMAND_QUEUE"));

                    // The device stays gone: every later run, in the same session, a pooled one or a new one, runs
                    // on the host, with a batch of another size too.
                    Tensor x2 = random(new Random(3), 2, 3, 8, 8);
                    for (int run = 0; run < 3; run++) {
                        assertMatches(want, own.run(Map.of("x", x)), "own session, run " + run + " after the loss");
                        assertMatches(want, e.run(Map.of("x", x)), "pooled session, run " + run + " after the loss");
                    }
                    if (dynamic) assertEquals(2, ((Tensor) e.run(Map.of("x", x2)).get("y")).dim(0));
                    assertEquals(Backends.HOST, e.devicePlan().steps().getFirst().device());
                } finally {
                    device.restoreQueue(real);
                }
            }
        }
    }

    @Test
    void aRequestTheDeviceRefusesDoesNotMakeTheEngineLeaveIt() {
        OpenClDevice device = device(OpenClTestDevice.name());
        try (OpenClMemory memory = new OpenClMemory(device)) {
            DeviceException e = assertThrows(DeviceException.class, () -> memory.scratch(device.info().maxAllocBytes() + 1));
            assertTrue(!e.lost(), e.getMessage());
        }
    }
}
