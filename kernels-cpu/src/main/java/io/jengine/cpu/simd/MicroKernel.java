package io.jengine.cpu.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked heart of the GEMM: a {@code MR x NR} tile of C (4 rows by two vectors) accumulated over
 * {@code kc} steps from a packed A micro-panel ({@code MR} values per step) and a packed B micro-panel ({@code NR}
 * values per step). Eight accumulators cover the FMA latency of two FMA pipes. The classic 6 x 16 AVX2 tile (twelve
 * accumulators) measured 40% slower here: C2 spills around it (4 x 16 reached ~70 GFLOP/s per core on an AVX2 EPYC
 * against ~42 for 6 x 16 and 4 x 24). Each C element is summed in order of k, one FMA per step, so its rounding does
 * not depend on how the caller splits M or N.
 */
final class MicroKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int VL = S.length();
    static final int MR = 4;
    static final int NR = 2 * VL;

    private MicroKernel() {}

    /**
     * Writes the product of the micro-panels into {@code tile} ({@code MR} rows of {@code NR}, row-major).
     *
     * @param a    packed A: element (row r, step p) at {@code aOff + p * MR + r}
     * @param b    packed B: element (step p, column c) at {@code bOff + p * NR + c}
     */
    static void multiply(int kc, float[] a, int aOff, float[] b, int bOff, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * MR, bi = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + VL);
            FloatVector av = FloatVector.broadcast(S, a[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, VL);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + VL);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + VL);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + VL);
    }

    /**
     * As {@link #multiply} for an A micro-panel packed in chunks of {@link #VL} depth steps ({@link PanelSource#depthChunk}):
     * row r of step p at {@code aOff + (p / VL) * MR * VL + r * VL + p % VL}; {@code kc} is a multiple of VL. The sums
     * run in order of k as in {@link #multiply}.
     */
    static void multiplyChunked(int kc, float[] a, int aOff, float[] b, int bOff, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p0 = 0; p0 < kc; p0 += VL) {
            int a0 = aOff + p0 * MR, bp = bOff + p0 * NR;
            for (int l = 0; l < VL; l++) {
                int ai = a0 + l, bi = bp + l * NR;
                FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + VL);
                FloatVector av = FloatVector.broadcast(S, a[ai]);
                c00 = av.fma(b0, c00);
                c01 = av.fma(b1, c01);
                av = FloatVector.broadcast(S, a[ai + VL]);
                c10 = av.fma(b0, c10);
                c11 = av.fma(b1, c11);
                av = FloatVector.broadcast(S, a[ai + 2 * VL]);
                c20 = av.fma(b0, c20);
                c21 = av.fma(b1, c21);
                av = FloatVector.broadcast(S, a[ai + 3 * VL]);
                c30 = av.fma(b0, c30);
                c31 = av.fma(b1, c31);
            }
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, VL);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + VL);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + VL);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + VL);
    }
}
