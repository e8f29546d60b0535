package io.jengine.cpu.simd.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jengine.ir.ChainCodes;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A chain that reads codes and writes codes gives, byte for byte, what DequantizeLinear, the float chain (step by
 * step) and QuantizeLinear give as three passes, and an affine program run in registers what it gives step by step: over channel-blocked per-channel constants (periodic), plain per-channel ones
 * (one value a run), whole-tensor runs, both code types, saturation at both ends, a NaN step, and several threads.
 */
class QuantizedChainEndsTest {
    /** x * scale + shift, clipped, then divided by d: BatchNorm, ReLU6 and, for d = 0 at some points, NaN and Inf. */
    private static final List<String> OPS = List.of("Mul", "Add", "Clip", "Div");
    private static final long[] ARGS = {0, 1, -1, 2, -2, 0, -3, 3};
    private static final float[] PARAMS = {0, 0, 0, 0, 0, 6, 0, 0};

    /** The programs: with a Div (step by step), and BatchNorm's x * a + b with ReLU6, ReLU or nothing (in registers). */
    private record Program(List<String> ops, long[] args, float[] params) {}

    private static final List<Program> PROGRAMS = List.of(new Program(OPS, ARGS, PARAMS),
            new Program(List.of("Mul", "Add", "Clip"), new long[] {0, 1, -1, 2, -2, 0}, new float[] {0, 0, 0, 0, 0, 6}),
            new Program(List.of("Mul", "Add", "Relu"), new long[] {1, 0, 2, -1, -2, 0}, new float[6]),
            new Program(List.of("Mul", "Add"), new long[] {0, 1, -1, 2}, new float[4]));

    private static void check(long[] x, long[] c, long[] d, DType in, DType out, int threads) {
        for (Program p : PROGRAMS) check(p, x, c, d, in, out, threads);
    }

    private static void check(Program p, long[] x, long[] c, long[] d, DType in, DType out, int threads) {
        SplittableRandom rnd = new SplittableRandom(Arrays.hashCode(x) * 31L + in.ordinal() * 7L + out.ordinal());
        long n = Shapes.size(x);
        byte[] codes = new byte[(int) n];
        for (int i = 0; i < codes.length; i++) codes[i] = (byte) rnd.nextInt(256);
        float[] scale = FloatChecks.randomFloats(rnd, (int) Shapes.size(c), 2f);
        float[] shift = FloatChecks.randomFloats(rnd, (int) Shapes.size(c), 3f);
        float[] div = new float[(int) Shapes.size(d)];
        for (int i = 0; i < div.length; i++) div[i] = i % 5 == 0 ? 0f : 0.5f + (float) rnd.nextDouble();
        float inScale = 0.037f, outScale = 0.023f;
        int inZero = in == DType.UINT8 ? 121 : -9, outZero = out == DType.UINT8 ? 17 : 3;
        long[][] shapes = {x, c, c, d};
        MemorySegment[] floats = {null, MemorySegment.ofArray(scale), MemorySegment.ofArray(shift), MemorySegment.ofArray(div)};

        // three passes
        float[] dq = new float[(int) n];
        LinearQuantize.dequantize(MemorySegment.ofArray(codes), MemorySegment.ofArray(dq), n, inScale, inZero,
                in == DType.UINT8, threads);
        ElementwiseChain plain = new ElementwiseChain(p.ops(), p.args(), p.params(), null, false, shapes);
        float[] y = new float[(int) Shapes.size(plain.outShape())];
        floats[0] = MemorySegment.ofArray(dq);
        plain.run(floats, new long[4], MemorySegment.ofArray(y), 0, threads);
        byte[] want = new byte[y.length];
        LinearQuantize.quantize(MemorySegment.ofArray(y), MemorySegment.ofArray(want), y.length, outScale, outZero,
                out == DType.UINT8, threads);

        // one
        ChainCodes ends = new ChainCodes(new DType[] {in, null, null, null}, new float[] {inScale, 0, 0, 0},
                new float[] {inZero, 0, 0, 0}, out, outScale, outZero);
        ElementwiseChain fused = new ElementwiseChain(p.ops(), p.args(), p.params(), ends, shapes);
        byte[] got = new byte[want.length];
        floats[0] = MemorySegment.ofArray(codes);
        fused.run(floats, new long[4], MemorySegment.ofArray(got), 0, threads);
        assertArrayEquals(want, got, p.ops() + ", " + in + " to " + out + " over " + Arrays.toString(x) + " / "
                + Arrays.toString(c));
    }

    @Test
    void oneFusedPassGivesTheBytesOfThree() {
        for (DType in : new DType[] {DType.UINT8, DType.INT8}) {
            for (DType out : new DType[] {DType.UINT8, DType.INT8}) {
                // channel-blocked: per-channel constants repeat every 16 elements along the run
                check(new long[] {1, 3, 9, 11, 16}, new long[] {1, 3, 1, 1, 16}, new long[] {1, 3, 9, 11, 16}, in, out, 1);
                // plain NCHW: one constant per run of H x W (1155, not a whole number of vectors)
                check(new long[] {2, 5, 33, 35}, new long[] {1, 5, 1, 1}, new long[] {1}, in, out, 2);
                // channels-last: per-channel constants repeat every C elements (three vectors; not whole vectors)
                check(new long[] {1, 9, 11, 48}, new long[] {1, 1, 1, 48}, new long[] {1}, in, out, 1);
                check(new long[] {2, 5, 7, 40}, new long[] {1, 1, 1, 40}, new long[] {1}, in, out, 2);
                // one scale and shift for the whole tensor
                check(new long[] {3, 7, 13}, new long[] {1}, new long[] {1}, in, out, 1);
                // large enough to split over threads and blocks
                check(new long[] {1, 2, 64, 64, 16}, new long[] {1, 2, 1, 1, 16}, new long[] {1}, in, out, 2);
            }
        }
    }

    @Test
    void aFloatAffineProgramInRegistersGivesTheBitsOfTheSteps() {
        SplittableRandom rnd = new SplittableRandom(11);
        long[][][] layouts = {{{2, 4, 7, 9, 16}, {1, 4, 1, 1, 16}, {1, 4, 1, 1, 16}}, // channel-blocked
            {{2, 13, 11, 64}, {1, 1, 1, 64}, {1, 1, 1, 64}}, // channels-last
            {{3, 5, 41}, {1, 5, 1}, {1}}}; // one value a run, and one for all
        for (long[][] shapes : layouts) {
            for (Program p : PROGRAMS.subList(1, PROGRAMS.size())) {
                MemorySegment[] in = new MemorySegment[3];
                for (int j = 0; j < 3; j++) {
                    float[] v = FloatChecks.randomFloats(rnd, (int) Shapes.size(shapes[j]), 4f);
                    if (j == 0) {
                        v[5] = Float.NaN;
                        v[40] = Float.POSITIVE_INFINITY;
                        v[41] = -0f;
                    }
                    in[j] = MemorySegment.ofArray(v);
                }
                float[] steps = new float[(int) Shapes.size(shapes[0])], regs = new float[steps.length];
                new ElementwiseChain(p.ops(), p.args(), p.params(), null, false, shapes).run(in, new long[3],
                        MemorySegment.ofArray(steps), 0, 1);
                new ElementwiseChain(p.ops(), p.args(), p.params(), shapes).run(in, new long[3],
                        MemorySegment.ofArray(regs), 0, 2);
                for (int i = 0; i < steps.length; i++) {
                    if (Float.floatToRawIntBits(steps[i]) != Float.floatToRawIntBits(regs[i])) {
                        throw new AssertionError(p.ops() + " over " + Arrays.toString(shapes[0]) + " element " + i
                                + ": " + regs[i] + " in registers, " + steps[i] + " step by step");
                    }
                }
            }
        }
    }

    @Test
    void floatEndsStayFloatAndCodesOfTheWrongSizeAreRefused() {
        long[] x = {4, 8};
        ChainCodes ends = new ChainCodes(new DType[] {DType.UINT8}, new float[] {0.1f}, new float[] {0}, null, 0, 0);
        ElementwiseChain chain = new ElementwiseChain(List.of("Relu"), new long[] {0, 0}, new float[2], ends, x);
        float[] y = new float[32];
        byte[] codes = new byte[32];
        for (int i = 0; i < 32; i++) codes[i] = (byte) (i * 8);
        chain.run(new MemorySegment[] {MemorySegment.ofArray(codes)}, new long[1], MemorySegment.ofArray(y), 0, 1);
        for (int i = 0; i < 32; i++) {
            if (y[i] != (i * 8 & 0xff) * 0.1f) throw new AssertionError("element " + i + ": " + y[i]);
        }
        assertThrows(IllegalArgumentException.class, () -> chain.run(new MemorySegment[] {MemorySegment.ofArray(
                new byte[31])}, new long[1], MemorySegment.ofArray(y), 0, 1));
    }
}
