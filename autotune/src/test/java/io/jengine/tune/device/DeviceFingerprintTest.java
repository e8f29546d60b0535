package io.jengine.tune.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The identity a device is keyed by: what changes a tactic's speed is in it, what varies between hosts is not. */
class DeviceFingerprintTest {
    private static final String CPUINFO = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            model name\t: Intel(R) Xeon(R) Platinum 8480+   @ 2.0GHz
            flags\t\t: fpu vme sse sse2 avx hypervisor avx512f fma avx2 avx512_bf16 avx512_vnni md_clear amx_tile
            bogomips\t: 4000.00

            processor\t: 1
            model name\t: something else entirely
            flags\t\t: fpu
            """;
    private static final CpuIdentity CPU = CpuIdentity.parse(CPUINFO);
    private static final List<String> LIBS = List.of("dnnl 3.8.1", "openblas 0.3.30");

    private static String fingerprint(CpuIdentity cpu, int cores, int lanes, List<String> libraries, int java) {
        return Fingerprint.of(Fingerprint.identity(cpu, cores, lanes, libraries, java));
    }

    @Test
    void cpuinfoGivesTheFirstModelNameAndOnlyTheSimdFlagsInAFixedOrder() {
        assertEquals("Intel(R) Xeon(R) Platinum 8480+ @ 2.0GHz", CPU.model());
        assertEquals(List.of("avx", "avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile"), CPU.simdFlags());
        CpuIdentity arm = CpuIdentity.parse("processor\t: 0\nFeatures\t: fp asimd evtstrm asimddp sve\n");
        assertEquals(List.of("asimd", "asimddp", "sve"), arm.simdFlags());
        assertTrue(arm.model().endsWith("(no model name)"), arm.model());
    }

    @Test
    void identityIsReadable() {
        assertEquals("Intel(R) Xeon(R) Platinum 8480+ @ 2.0GHz; simd: avx avx2 fma avx512f avx512_vnni avx512_bf16 amx_tile; "
                + "56 cores; 16 float lanes; libraries: dnnl 3.8.1, openblas 0.3.30; java 25",
                Fingerprint.identity(CPU, 56, 16, LIBS, 25));
        assertEquals("x; simd: none; 1 cores; 4 float lanes; libraries: none; java 25",
                Fingerprint.identity(new CpuIdentity("x", List.of()), 1, 4, List.of(), 25));
    }

    @Test
    void sameInputsGiveTheSameSixteenHexDigits() {
        String f = fingerprint(CPU, 56, 16, LIBS, 25);
        assertTrue(f.matches("[0-9a-f]{16}"), f);
        assertEquals(f, fingerprint(CpuIdentity.parse(CPUINFO), 56, 16, List.of("dnnl 3.8.1", "openblas 0.3.30"), 25));
        assertEquals(f, fingerprint(CPU, 56, 16, LIBS.reversed(), 25), "the order libraries are listed in");
        assertEquals(f, fingerprint(CPU, 56, 16, List.of("openblas 0.3.30", "dnnl 3.8.1", "openblas 0.3.30"), 25),
                "a library listed by two backends");
        CpuIdentity otherHost = CpuIdentity.parse(CPUINFO.replace("hypervisor", "").replace("md_clear", "ibpb"));
        assertEquals(f, fingerprint(otherHost, 56, 16, LIBS, 25), "flags that do not change kernels");
    }

    @Test
    void whatChangesATacticsSpeedChangesTheFingerprint() {
        String f = fingerprint(CPU, 56, 16, LIBS, 25);
        assertNotEquals(f, fingerprint(CPU, 56, 16, List.of("dnnl 3.9.0", "openblas 0.3.30"), 25), "library version");
        assertNotEquals(f, fingerprint(CPU, 56, 16, List.of("openblas 0.3.30"), 25), "library missing");
        assertNotEquals(f, fingerprint(CPU, 8, 16, LIBS, 25), "cores");
        assertNotEquals(f, fingerprint(CPU, 56, 8, LIBS, 25), "float lanes");
        assertNotEquals(f, fingerprint(CPU, 56, 16, LIBS, 26), "Java version");
        assertNotEquals(f, fingerprint(CpuIdentity.parse(CPUINFO.replace(" amx_tile", "")), 56, 16, LIBS, 25), "SIMD flags");
        assertNotEquals(f, fingerprint(CpuIdentity.parse(CPUINFO.replace("8480+", "8490H")), 56, 16, LIBS, 25), "model");
    }
}
