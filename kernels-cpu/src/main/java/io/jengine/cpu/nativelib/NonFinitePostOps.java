package io.jengine.cpu.nativelib;

import io.jengine.cpu.simd.ops.UnaryActivations;
import io.jengine.cpu.simd.ops.UnaryOp;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether a oneDNN eltwise post-op gives an activation's results on +Inf, -Inf and NaN, on this CPU. oneDNN's JIT
 * injectors are written per instruction set and their polynomial approximations treat non-finite inputs differently:
 * {@code gelu_erf} keeps +Inf on AVX2, but its AVX-512 form returns NaN. Fusing a post-op that changes a non-finite
 * value would change the model's answer, so each post-op is probed once, by a 3 x 1 x 1 matmul whose products are its
 * inputs (weight 1), against the engine's own activation; a post-op that differs runs as a separate vector pass instead.
 */
final class NonFinitePostOps {
    private static final float[] PROBE = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
    private static final Map<DnnlPostOp.Eltwise, Boolean> EXACT = new ConcurrentHashMap<>();

    private NonFinitePostOps() {}

    /** Whether {@code op} maps +Inf, -Inf and NaN as {@code reference} (with {@code params}) does. */
    static boolean exact(DnnlPostOp.Eltwise op, UnaryOp reference, float[] params) {
        return EXACT.computeIfAbsent(op, o -> probe(o, reference, params));
    }

    /**
     * Runs the probe on a thread of its own: the caller may be preparing a kernel, and a primitive made in that
     * scope would be taken for one of the kernel's (its weights a packed part, its arithmetic bfloat16).
     */
    private static boolean probe(DnnlPostOp.Eltwise op, UnaryOp reference, float[] params) {
        AtomicBoolean exact = new AtomicBoolean();
        Thread t = Thread.ofPlatform().name("onednn-post-op-probe").start(() -> exact.set(run(op, reference, params)));
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return exact.get();
    }

    private static boolean run(DnnlPostOp.Eltwise op, UnaryOp reference, float[] params) {
        int n = PROBE.length;
        try (Arena arena = Arena.ofConfined();
             DnnlMatMul mm = DnnlMatMul.prepare(n, 1, 1, new float[] {1f}, false, null, List.of(op), 1)) {
            MemorySegment in = arena.allocate(4L * n, 64), out = arena.allocate(4L * n, 64);
            MemorySegment want = arena.allocate(4L * n, 64);
            MemorySegment.copy(PROBE, 0, in, ValueLayout.JAVA_FLOAT, 0, n);
            mm.run(in, out, null);
            UnaryActivations.applyParallel(reference, params, in, 0, want, 0, n, 1);
            for (int i = 0; i < n; i++) {
                float a = out.getAtIndex(ValueLayout.JAVA_FLOAT, i), b = want.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                if (Float.isNaN(a) != Float.isNaN(b) || !Float.isNaN(a) && a != b) return false;
            }
            return true;
        } catch (RuntimeException noPrimitive) {
            return false;
        }
    }
}
