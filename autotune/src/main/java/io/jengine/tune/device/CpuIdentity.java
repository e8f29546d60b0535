package io.jengine.tune.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The CPU's model name and the SIMD features that decide which kernels a library dispatches to, read from
 * {@code /proc/cpuinfo}. Only those flags are kept: the rest (virtualization, microcode mitigations) differ between
 * hosts of one model without changing a tactic's speed, and would split caches for nothing.
 *
 * @param model     the model name, whitespace collapsed
 * @param simdFlags the relevant flags the CPU has, in the fixed order of {@link #RELEVANT_FLAGS}
 */
record CpuIdentity(String model, List<String> simdFlags) {
    /** x86 first, then AArch64 (whose cpuinfo calls them "Features"). */
    static final List<String> RELEVANT_FLAGS = List.of(
            "avx", "avx2", "fma", "f16c", "avx_vnni", "avx512f", "avx512dq", "avx512bw", "avx512vl", "avx512_vnni",
            "avx512_bf16", "avx512_fp16", "amx_tile", "amx_int8", "amx_bf16",
            "asimd", "asimdhp", "asimddp", "fphp", "bf16", "i8mm", "sve", "sve2", "sme");

    private static final class Host {
        static final CpuIdentity CPU = read();

        private static CpuIdentity read() {
            try {
                return parse(Files.readString(Path.of("/proc/cpuinfo")));
            } catch (IOException | SecurityException e) {
                return parse("");
            }
        }
    }

    CpuIdentity {
        simdFlags = List.copyOf(simdFlags);
    }

    /** This machine's, read once; where {@code /proc/cpuinfo} is unreadable, only the architecture is known. */
    static CpuIdentity host() { return Host.CPU; }

    /** The first processor's entry of a cpuinfo text. */
    static CpuIdentity parse(String cpuinfo) {
        String model = null;
        Set<String> flags = Set.of();
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).trim(), value = line.substring(colon + 1).trim();
            if (model == null && key.equals("model name") && !value.isEmpty()) model = value.replaceAll("\\s+", " ");
            if (flags.isEmpty() && (key.equals("flags") || key.equals("Features"))) {
                flags = Set.copyOf(Arrays.asList(value.split("\\s+")));
            }
        }
        Set<String> has = flags;
        return new CpuIdentity(model != null ? model : System.getProperty("os.arch", "unknown") + " (no model name)",
                RELEVANT_FLAGS.stream().filter(has::contains).toList());
    }
}
