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
 * on the card are the integer reference kernels' bit for bit and the CPU's integer kernels' within one step; a part file
 * that changes the partition the tuner picks; inspect and bench reporting the simulated time.
 */
class FpgaStubTest {
    static final String PREPROCESS = "resize=224x224;mean=0.485,0.456,0.406;std=0.229,0.224,0.225";
    static final String TACTIC = "fpga-stub:systolic.int8";
    /**
     * A part no CPU here comes near (128 x 128 at 1 GHz, fast memory and link): the bundled large part beats an AVX2
     * CPU on every ResNet-18 layer but loses its 7 x 7 layers to a VNNI one, and these tests are about the card, not
     * about which CPU they run on.
     */
    static final String FAST_PART = """
            name = fast 128x128 INT8 systolic array, 1 GHz
            array.rows = 128
            array.cols = 128
            clock.mhz = 1000
            buffer.bytes = 33554432
            ddr.gbps = 400
            link.gbps = 64
            link.latency.us = 1
            """;

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

    /** Every integer layer's output codes, by layer, among the values of one run ({@link #allValues}). */
    private static Map<String, Tensor> integerOutputs(Engine e, Map<String, Tensor> values) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Node n : e.graph().nodes()) {
            if (n.opType().equals(FusedOpSpec.QUANTIZED_CONV)) out.put(n.name(), values.get(n.outputs().getFirst()));
        }
        return out;
    }

    /** Runs {@code body} with the part files given as extra devices (fpga-stub:2, :3, ...). */
    private void withParts(List<String> parts, IORunnable body) throws IOException {
        StringBuilder files = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            Path f = Files.writeString(tmp.resolve("part" + i + ".properties"), parts.get(i));
            if (i > 0) files.append(java.io.File.pathSeparator);
            files.append(f);
        }
        String before = System.getProperty("jengine.fpga.parts");
        System.setProperty("jengine.fpga.parts", files.toString());
        try {
            body.run();
        } finally {
            if (before == null) System.clearProperty("jengine.fpga.parts");
            else System.setProperty("jengine.fpga.parts", before);
        }
    }

    @FunctionalInterface
    private interface IORunnable {
        void run() throws IOException;
    }

    @Test
    void int8Resnet18OnTheCardIsTheIntegerReferenceAndTheCpuPlanWithinAStep() throws IOException {
        withParts(List.of(FAST_PART), this::onTheCard);
    }

    private void onTheCard() throws IOException {
        Tensor input = Npy.read(ZooModelsTest.zoo().resolve("resnet18_io/input_input.npy"));
        Path onCard = build("fpga-stub:2");
        try (Engine card = load(onCard);
             Engine reference = Engine.of(card.model(), Backends.discover().only(List.of("cpu-reference")))) {
            Map<String, String> layers = integerLayers(card);
            assertTrue(layers.size() >= 16, "resnet18's convolutions are integer layers: " + layers.keySet());
            assertTrue(layers.values().stream().allMatch(TACTIC::equals), "on the fast part every one is on the card: " + layers);
            Map<String, Tensor> values = allValues(reference, input);
            Map<String, Tensor> got = integerOutputs(card, allValues(card, input)), want = integerOutputs(reference, values);
            assertEquals(layers.keySet(), got.keySet());
            for (Node node : card.graph().nodes()) {
                String layer = node.name();
                if (!layers.containsKey(layer)) continue;
                Tensor a = got.get(layer), b = want.get(layer);
                assertTrue(a.hasShape(b.shape()), layer);
                for (long i = 0; i < a.size(); i++) {
                    assertEquals(b.getLong(i), a.getLong(i), layer + " element " + i + ": the reference's code");
                }
                // The CPU's integer kernel on the same inputs: within one step of the reference (float32 against
                // double requantization). Compared layer by layer, not in two whole runs, where a residual input
                // already a step off adds to a layer's own rounding and the gap grows with depth.
                Tensor c = aloneOnTheCpu(card.graph(), node, values);
                assertTrue(c.hasShape(b.shape()), layer);
                long worst = 0;
                for (long i = 0; i < b.size(); i++) worst = Math.max(worst, Math.abs(b.getLong(i) - c.getLong(i)));
                assertTrue(worst <= 1, layer + ": the CPU's integer kernel is " + worst + " steps away");
            }
        }
    }

    /** The layer run alone by the CPU's backends on {@code values} (its inputs as another run computed them). */
    private static Tensor aloneOnTheCpu(io.jengine.ir.Graph plan, Node node, Map<String, Tensor> values) {
        io.jengine.ir.Graph.Builder b = io.jengine.ir.Graph.builder("layer").opsets(plan.opsets());
        Map<String, io.jengine.tensor.Value> feeds = new LinkedHashMap<>();
        for (String in : node.inputs()) {
            if (in.isEmpty() || feeds.containsKey(in)) continue;
            Tensor w = plan.initializers().get(in);
            if (w != null) {
                b.initializer(in, w);
                continue;
            }
            Tensor v = values.get(in);
            assertTrue(v != null, node.label() + ": no value for input " + in);
            b.addInput(new io.jengine.ir.ValueInfo(in, io.jengine.tensor.ValueType.tensor(v.dtype(), v.shape())));
            feeds.put(in, v);
        }
        b.addNode(node).addOutput(new io.jengine.ir.ValueInfo(node.outputs().getFirst(), null));
        io.jengine.ir.Model m = new io.jengine.ir.Model(8, "test", "", b.build(), Map.of());
        try (Engine cpu = Engine.of(m)) {
            assertTrue(cpu.placement().getFirst().contains("cpu-native:dnnl.quantized-conv"), cpu.placement().toString());
            return ((Tensor) cpu.run(feeds).get(node.outputs().getFirst())).copy();
        }
    }

    /** Every value one run computes, by name, and the run's input. */
    private static Map<String, Tensor> allValues(Engine e, Tensor input) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("input", input);
        e.run(Map.of("input", input), new RunObserver() {
            @Override
            public void nodeFinished(Node node, String tactic, long nanos) {}

            @Override
            public boolean wantsValues() { return true; }

            @Override
            public void valuesProduced(Node node, Value[] outputs) {
                for (int i = 0; i < outputs.length; i++) {
                    if (outputs[i] instanceof Tensor t) out.put(node.outputs().get(i), t.copy());
                }
            }
        });
        return out;
    }

    @Test
    void inspectAndBenchReportTheSimulatedTime() throws IOException {
        Path digits = CliErrorsTest.DIGITS;
        String calib = CliErrorsTest.DIGITS.resolveSibling("calib").toString();
        String jar = ExamplePlugin.fpgaJar().toString();
        String inspect = stdout("inspect", digits.toString(), "--int8", "--calib", calib, "--plugin", jar, "--device",
                "fpga-stub:0", "--shapes", "image:1x1x8x8");
        // the integer layers: two convolutions where this CPU needs 7-bit weights (the first stays float, the classifier
        // computes in float), every convolution and the classifier where it multiplies 8-bit weights exactly
        java.util.regex.Matcher simulated = java.util.regex.Pattern.compile("simulated on fpga-stub:0: (\\d+) layers")
                .matcher(inspect);
        assertTrue(simulated.find(), inspect);
        int onCard = Integer.parseInt(simulated.group(1));
        assertTrue(onCard >= 2, inspect);
        assertEquals(onCard, inspect.lines().filter(l -> l.contains(TACTIC)).count(), "one line per layer on the card\n"
                + inspect);
        assertTrue(inspect.contains("copies per run over the link"), inspect);
        Path json = tmp.resolve("bench.json");
        String bench = stdout("bench", digits.toString(), "--int8", "--calib", calib, "--plugin", jar, "--device",
                "fpga-stub:0", "--batch", "1", "--duration", "0.3", "--warmup", "0.1", "--json", json.toString());
        assertTrue(bench.contains("simulated end-to-end on fpga-stub:0"), bench);
        var sim = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile()).get("simulated");
        assertEquals(onCard, sim.get("layers").size(), sim.toString());
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
        String slow = """
                name = small array behind a slow link
                array.rows = 32
                array.cols = 32
                clock.mhz = 300
                buffer.bytes = 2097152
                ddr.gbps = 19.2
                link.gbps = 0.05
                link.latency.us = 2000
                """;
        withParts(List.of(FAST_PART, slow), () -> {
            Map<String, String> fast, slowLink;
            try (Engine e = load(build("fpga-stub:2"))) { fast = integerLayers(e); }
            try (Engine e = load(build("fpga-stub:3"))) { slowLink = integerLayers(e); }
            assertTrue(fast.size() >= 16, fast.toString());
            assertEquals(fast.size(), fast.values().stream().filter(TACTIC::equals).count(),
                    "the 128x128 part at 1 GHz beats the CPU on every integer layer: " + fast);
            assertEquals(0, slowLink.values().stream().filter(TACTIC::equals).count(),
                    "2 ms per copy makes every layer cheaper on the CPU: " + slowLink);
        });
    }
}
