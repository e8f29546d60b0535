package io.jengine.cpu.ref;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.verify.Comparison;
import io.jengine.verify.Tolerance;
import java.util.Random;

/** Shared helpers for the reference-kernel tests: seeded non-zero data, node building, tolerance checks. */
final class RefChecks {
    private RefChecks() {}

    /** Seeded uniform values in [lo, hi), nudged away from zero so no test runs on zeros. */
    static double[] data(long seed, int n, double lo, double hi) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double x = lo + (hi - lo) * r.nextDouble();
            v[i] = Math.abs(x) < 1e-3 ? 0.5 : x;
        }
        return v;
    }

    /** Seeded integers in [lo, hi], never zero. */
    static long[] ints(long seed, int n, long lo, long hi) {
        Random r = new Random(seed);
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            long x = lo + (long) r.nextInt((int) (hi - lo + 1));
            v[i] = x == 0 ? 1 : x;
        }
        return v;
    }

    static long[] shape(long... s) { return s; }

    static Tensor t(DType dt, long[] shape, double... v) { return Tensor.fromDoubles(dt, shape, v); }

    static Tensor l(DType dt, long[] shape, long... v) { return Tensor.fromLongs(dt, shape, v); }

    static Node node(String op, String[] inputs, Attribute... attrs) {
        Node.Builder b = Node.builder(op).inputs(inputs).outputs("y");
        for (Attribute a : attrs) b.attr(a);
        return b.build();
    }

    static String[] in(String... names) { return names; }

    /** Asserts through the engine's Comparison policy (exact for integers, per-dtype tolerance for floats). */
    static void check(Value want, Value got) {
        Comparison c = Comparison.of(want, got);
        assertTrue(c.matches(), c.mismatch());
    }

    static void check(Value want, Value got, Tolerance tol) {
        Comparison c = Comparison.of(want, got, tol);
        assertTrue(c.matches(), c.mismatch());
    }

    /** Asserts that running fails with an IllegalArgumentException whose message contains every fragment. */
    static void fails(org.junit.jupiter.api.function.Executable run, String... fragments) {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, run);
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
    }
}
