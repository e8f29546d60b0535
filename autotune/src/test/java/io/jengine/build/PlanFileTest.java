package io.jengine.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Model;
import io.jengine.plan.LoadedPlan;
import io.jengine.plan.PlanFile;
import io.jengine.plan.PlanFormatException;
import io.jengine.runtime.Engine;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.tune.TuneOptions;
import io.jengine.tune.TunerTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plans round trip to identical outputs and tactics; every kind of bad file is its own clear error. */
class PlanFileTest {
    @TempDir
    Path dir;

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    private static Model model() { return new Model(8, "test", "", TunerTest.projections(), Map.of("k", "v")); }

    private static Map<String, Value> feeds() {
        float[] x = new float[24 * 128];
        Random r = new Random(4);
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() * 2 - 1;
        return Map.of("x", Tensor.ofFloats(new long[] {24, 128}, x));
    }

    private Path built(String name) {
        Path plan = dir.resolve(name);
        EngineBuilder b = EngineBuilder.forModel(model()).threads(1).tune(new TuneOptions(1, 2)).progress(QUIET);
        try (Engine e = b.buildPlan(plan)) {
            assertTrue(PlanFile.isPlan(plan));
        }
        return plan;
    }

    @Test
    void aPlanLoadsToTheSameTacticsAndOutputs() {
        Path plan = built("mlp.plan");
        EngineBuilder b = EngineBuilder.forModel(model()).threads(1).tune(new TuneOptions(1, 2)).progress(QUIET);
        try (Engine original = b.build(); Engine loaded = EngineBuilder.forPlan(plan).progress(QUIET).build()) {
            LoadedPlan p = PlanFile.read(plan);
            assertEquals(1, p.header().getThreads());
            assertEquals(1, p.header().getTuneLevel());
            assertEquals(loaded.tacticsByLayer(), p.header().getTacticsMap());
            assertEquals(3, p.header().getLayersCount(), "every tuned layer is recorded");
            assertEquals("v", p.model().metadata().get("k"));
            float[] want = ((Tensor) original.run(feeds()).get("y")).toFloatArray();
            float[] got = ((Tensor) loaded.run(feeds()).get("y")).toFloatArray();
            assertEquals(want.length, got.length);
            // The same tactics on the same inputs: bit for bit where the tuned choices agree.
            if (original.tacticsByLayer().equals(loaded.tacticsByLayer())) assertArrayEquals(want, got);
        }
    }

    /**
     * --fp16: the weights take half the bytes in the file, the engine the build returns computes what the loaded plan
     * computes (both on float16-rounded weights), within float16's rounding of the float plan.
     */
    @Test
    void halfPrecisionWeightsHalveThePlanAndLoadToWhatTheBuildRan() throws IOException {
        Path full = dir.resolve("full.plan"), half = dir.resolve("half.plan");
        try (Engine e = EngineBuilder.forModel(model()).threads(1).progress(QUIET).buildPlan(full)) {
            assertTrue(PlanFile.isPlan(full));
        }
        float[] built;
        try (Engine e = EngineBuilder.forModel(model()).threads(1).progress(QUIET).fp16(true).buildPlan(half)) {
            built = ((Tensor) e.run(feeds()).get("y")).toFloatArray();
        }
        long weightBytes = 4L * 128 * (128 + 128 + 80);
        long saved = Files.size(full) - Files.size(half);
        assertTrue(saved >= weightBytes / 2 - 64 * 3, "saved " + saved + " of " + weightBytes + " weight bytes");
        LoadedPlan p = PlanFile.read(half);
        assertFalse(p.model().metadata().containsKey(io.jengine.plan.HalfWeights.METADATA_KEY), "restored on read");
        assertEquals(io.jengine.tensor.DType.FLOAT32, p.model().graph().initializers().get("w0").dtype());
        try (Engine loaded = EngineBuilder.forPlan(half).progress(QUIET).build();
             Engine fp32 = EngineBuilder.forPlan(full).progress(QUIET).build()) {
            float[] got = ((Tensor) loaded.run(feeds()).get("y")).toFloatArray();
            float[] want = ((Tensor) fp32.run(feeds()).get("y")).toFloatArray();
            assertArrayEquals(built, got, "the build's engine and the loaded plan");
            double err = 0, norm = 0;
            boolean differs = false;
            for (int i = 0; i < want.length; i++) {
                err += Math.pow(got[i] - want[i], 2);
                norm += Math.pow(want[i], 2);
                differs |= got[i] != want[i];
            }
            assertTrue(differs, "the weights were rounded");
            assertTrue(Math.sqrt(err / norm) < 1e-2, "norm-relative error " + Math.sqrt(err / norm));
        }
    }

    @Test
    void aChangedByteIsACorruptPlan() throws IOException {
        Path plan = built("c.plan");
        byte[] b = Files.readAllBytes(plan);
        b[b.length / 2] ^= 0x10;
        Files.write(plan, b);
        PlanFormatException e = assertThrows(PlanFormatException.class, () -> PlanFile.read(plan));
        assertTrue(e.getMessage().contains("corrupted") && e.getMessage().contains(plan.toString()), e.getMessage());
    }

    @Test
    void aTruncatedPlanSaysSo() throws IOException {
        Path plan = built("t.plan");
        byte[] b = Files.readAllBytes(plan);
        Files.write(plan, java.util.Arrays.copyOf(b, b.length - 100));
        PlanFormatException e = assertThrows(PlanFormatException.class, () -> PlanFile.read(plan));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Files.write(plan, java.util.Arrays.copyOf(b, 10));
        assertTrue(assertThrows(PlanFormatException.class, () -> PlanFile.read(plan)).getMessage().contains("not a jengine plan"));
    }

    @Test
    void anotherFormatVersionIsRefusedWithTheVersions() throws IOException {
        Path plan = built("v.plan");
        byte[] b = Files.readAllBytes(plan);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8, PlanFile.FORMAT_VERSION + 1);
        Files.write(plan, b);
        PlanFormatException e = assertThrows(PlanFormatException.class, () -> PlanFile.read(plan));
        assertTrue(e.getMessage().contains("format version " + (PlanFile.FORMAT_VERSION + 1))
                && e.getMessage().contains("reads version " + PlanFile.FORMAT_VERSION), e.getMessage());
    }

    @Test
    void aForeignFileIsNotAPlan() throws IOException {
        Path onnx = dir.resolve("model.onnx");
        Files.write(onnx, io.jengine.onnx.OnnxExporter.toBytes(model()));
        assertTrue(!PlanFile.isPlan(onnx));
        PlanFormatException e = assertThrows(PlanFormatException.class, () -> PlanFile.read(onnx));
        assertTrue(e.getMessage().contains("not a jengine plan"), e.getMessage());
    }

    @Test
    void anotherEngineVersionIsRefusedAndAnotherDeviceWarned() throws IOException {
        Path plan = built("d.plan");
        LoadedPlan p = PlanFile.read(plan);
        Path old = dir.resolve("old.plan");
        PlanFile.write(old, p.header().toBuilder().setEngineVersion("0.0.1").build(), p.model());
        PlanFormatException e = assertThrows(PlanFormatException.class, () -> EngineBuilder.forPlan(old));
        assertTrue(e.getMessage().contains("0.0.1"), e.getMessage());
        Path elsewhere = dir.resolve("elsewhere.plan");
        PlanFile.write(elsewhere, p.header().toBuilder().setDeviceFingerprint("ffffffffffffffff")
                .setDeviceIdentity("another CPU").build(), p.model());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Engine loaded = EngineBuilder.forPlan(elsewhere).progress(new PrintStream(err)).build()) {
            assertEquals(p.header().getTacticsMap(), loaded.tacticsByLayer());
        }
        assertTrue(err.toString().contains("another CPU") && err.toString().contains("--retune"), err.toString());
    }

    /** The checksum guards what the length check cannot: a same-size change. */
    @Test
    void theChecksumIsCrc32cOfEverythingBeforeIt() throws IOException {
        byte[] b = Files.readAllBytes(built("k.plan"));
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 8);
        assertEquals(crc.getValue(), ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(b.length - 8));
    }
}
