package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jengine.build.EngineBuilder;
import io.jengine.io.Npy;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.runtime.RunObserver;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.verify.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FPGA stub as a user meets it: an INT8 ResNet-18 built with {@code --device fpga-stub:N}, whose integer layers
 * on the card are the integer reference kernels' bit for bit and the CPU INT8 plan's within one step; a part file
 * that changes the partition the tuner picks; inspect and bench reporting the simulated time.
 */
class FpgaStubTest {
    static final String PREPROCESS = "resize=224x224;mean=0.485,0.456,0.406;std=0.229,0.224,0.225";
    static final String TACTIC = "fpga-stub:systolic.int8";

    @TempDir
    Path tmp;

    private static Path images() {
        return SharedData.root().map(r -> r.resolve("images")).filter(Files::isDirectory).orElseGet(() -> {
            if (SharedData.isCi()) fail(SharedData.missingMessage("shared images"));
            Assumptions.abort(SharedData.missingMessage("shared images"));
            return null;
        });
    }

    /** Builds resnet18 in INT8 (the calibration cache shared between builds, so all quantize alike) and returns the plan. */
    private Path build(String device, String... extra) {
        Path plan = tmp.resolve(device.replace(':', '_') + ".plan");
        List<String> args = new java.util.ArrayList<>(List.of("build", ZooModelsTest.zoo().resolve("resnet18.onnx").toString(),
                "--int8", "--calib", images().toString(), "--preprocess", PREPROCESS, "--calib-cache",
                tmp.resolve("resnet18.cache").toString(), "--shapes", "input:1x3x224x224", "--threads", "2",
                "--plugin", ExamplePlugin.fpgaJar().toString(), "--device", device, "-o", plan.toString(), "--overwrite"));
        args.addAll(List.of(extra));
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, EngineCli.execute(args.toArray(String[]::new)), out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
        return plan;
    }

    private static Engine load(Path plan) {
        return EngineBuilder.forPlan(plan).plugins(ExamplePlugin.fpgaJar()).progress(new PrintStream(
                java.io.OutputStream.nullOutputStream())).build();
    }

    /** The integer layers' tactics of a plan, by layer. */
    private static Map<String, String> integerLayers(Engine e) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Node n : e.graph().nodes()) {
            if (n.opType().equals(FusedOpSpec.QUANTIZED_CONV)) m.put(n.name(), e.tacticsByLayer().get(n.name()));
        }
        return m;
    }

    /** Every integer layer's output codes in one run. */
    private static Map<String, Tensor> integerOutputs(Engine e, Tensor input) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        e.run(Map.of("input", input), new RunObserver() {
            @Override
            public void nodeFinished(Node node, String tactic, long nanos) {}

            @Override
            public boolean wantsValues() { return true; }

            @Override
            public void valuesProduced(Node node, Value[] outputs) {
                if (node.opType().equals(FusedOpSpec.QUANTIZED_CONV)) out.put(node.name(), ((Tensor) outputs[0]).copy());
            }
        });
        return out;
    }

    @Test
    void int8Resnet18OnTheCardIsTheIntegerReferenceAndTheCpuPlanWithinAStep() throws IOException {
        Tensor input = Npy.read(ZooModelsTest.zoo().resolve("resnet18_io/input_input.npy"));
        // the CPU plan at level 2: level 3 would move its activations to the channel-blocked layout, which the card's
        // plan (whose device runs no blocked layout) does not use, and the codes compare in the same layout
        Path onCard = build("fpga-stub:1"), onCpu = build("cpu", "--level", "2");
        try (Engine card = load(onCard); Engine cpu = load(onCpu);
             Engine reference = Engine.of(card.model(), Backends.discover().only(List.of("cpu-reference")))) {
            Map<String, String> layers = integerLayers(card);
            assertTrue(layers.size() >= 16, "resnet18's convolutions are integer layers: " + layers.keySet());
            assertTrue(layers.values().stream().allMatch(TACTIC::equals), "on the large part every one is on the card: " + layers);
            Map<String, Tensor> got = integerOutputs(card, input), want = integerOutputs(reference, input),
                    host = integerOutputs(cpu, input);
            assertEquals(layers.keySet(), got.keySet());
            for (String layer : got.keySet()) {
                Tensor a = got.get(layer), b = want.get(layer), c = host.get(layer);
                assertTrue(c != null && a.hasShape(b.shape()) && a.hasShape(c.shape()), layer);
                long worst = 0;
                for (long i = 0; i < a.size(); i++) {
                    assertEquals(b.getLong(i), a.getLong(i), layer + " element " + i + ": the reference's code");
                    worst = Math.max(worst, Math.abs(a.getLong(i) - c.getLong(i)));
                }
                assertTrue(worst <= 1, layer + ": the CPU INT8 plan is " + worst + " steps away");
            }
        }
    }

    @Test
    void inspectAndBenchReportTheSimulatedTime() throws IOException {
        Path digits = CliErrorsTest.DIGITS;
        String calib = CliErrorsTest.DIGITS.resolveSibling("calib").toString();
        String jar = ExamplePlugin.fpgaJar().toString();
        String inspect = stdout("inspect", digits.toString(), "--int8", "--calib", calib, "--plugin", jar, "--device",
                "fpga-stub:0", "--shapes", "image:1x1x8x8");
        assertTrue(inspect.contains("simulated on fpga-stub:0: 2 layers"), inspect);
        assertTrue(inspect.contains(TACTIC) && inspect.contains("copies per run over the link"), inspect);
        Path json = tmp.resolve("bench.json");
        String bench = stdout("bench", digits.toString(), "--int8", "--calib", calib, "--plugin", jar, "--device",
                "fpga-stub:0", "--batch", "1", "--duration", "0.3", "--warmup", "0.1", "--json", json.toString());
        assertTrue(bench.contains("simulated end-to-end on fpga-stub:0"), bench);
        var sim = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile()).get("simulated");
        assertEquals(2, sim.get("layers").size(), sim.toString());
        double device = sim.get("device_ms").asDouble(), link = sim.get("link_ms").asDouble();
        assertTrue(device > 0 && link > 0 && sim.get("end_to_end_ms").asDouble() > device + link, sim.toString());
    }

    private static String stdout(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, EngineCli.execute(args), out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void thePartFileDrivesThePartitionTheTunerPicks() throws IOException {
        Path slow = tmp.resolve("slow-link.properties");
        Files.writeString(slow, """
                name = small array behind a slow link
                array.rows = 32
                array.cols = 32
                clock.mhz = 300
                buffer.bytes = 2097152
                ddr.gbps = 19.2
                link.gbps = 0.05
                link.latency.us = 2000
                """);
        String before = System.getProperty("jengine.fpga.parts");
        System.setProperty("jengine.fpga.parts", slow.toString());
        try {
            Map<String, String> small, large, slowLink;
            try (Engine e = load(build("fpga-stub:0"))) { small = integerLayers(e); }
            try (Engine e = load(build("fpga-stub:1"))) { large = integerLayers(e); }
            try (Engine e = load(build("fpga-stub:2"))) { slowLink = integerLayers(e); }
            long onSmall = small.values().stream().filter(TACTIC::equals).count();
            assertEquals(large.size(), large.values().stream().filter(TACTIC::equals).count(),
                    "the 64x64 part at 400 MHz beats the CPU on every integer layer: " + large);
            assertEquals(0, slowLink.values().stream().filter(TACTIC::equals).count(),
                    "2 ms per copy makes every layer cheaper on the CPU: " + slowLink);
            assertTrue(onSmall >= large.size() / 2, "the 32x32 part takes most of them: " + small);
        } finally {
            if (before == null) System.clearProperty("jengine.fpga.parts");
            else System.setProperty("jengine.fpga.parts", before);
        }
    }
}
