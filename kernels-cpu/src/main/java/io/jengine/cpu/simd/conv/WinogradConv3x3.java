package io.jengine.cpu.simd.conv;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 3x3, stride-1, undilated, ungrouped NCHW float32 convolution by Winograd's minimal filtering: F(4x4, 3x3) (see
 * {@link WinogradF43} for the points), 36 multiplications per 4x4 output tile and channel pair instead of 144, or
 * F(2x2, 3x3) ({@link WinogradF23}), 16 instead of 36, with less error and less saving. Below, m is the output tile
 * side (4 or 2) and alpha = m + 2 the input tile side; the numbers are F(4x4)'s.
 *
 * <p>Prepared once from the weights (their transform {@code U = G g G^T} is computed in double and rounded once), run
 * many times. A run cuts the output tiles (all images, row-major) into blocks of {@link WinogradGemm#NR}-multiples,
 * one task each, and per block: transforms its input tiles into {@code V = B^T d B} (vectors across tiles, input
 * columns split by phase mod m so that the stride-m tile starts become contiguous), multiplies
 * {@code M[xi] = U[xi] V[xi]} for the alpha^2 = 36 positions xi with {@link WinogradGemm}, and transforms back
 * {@code Y = A^T M A}, clipping the edge tiles and applying the {@link Epilogue} row by row. Every output is computed
 * by the same operations in the same order whatever the block size and thread count, so results are bit-identical
 * across thread counts.
 *
 * <p>Accuracy. Let u = 2^-24, K = inC, W = sum over the 9K weights of an output channel of |w|, D = the largest |x|
 * in a tile's 6x6 input patch (zero padding included). Each element of V is a sum of at most 5 scaled inputs bounded by
 * {@code b_i D} with {@code b_i = sum_p |B^T_ip|} = (7, 5, 5, 6, 3, 7), and is rounded at most 10 times over two
 * passes; each element of U is bounded by {@code g_i g_j W_c} with {@code g_i = max_a |G_ia|} and is rounded once;
 * M sums K products (K roundings, any order); the output transform adds 12 roundings and the store one. By
 * Higham's {@code gamma_n} argument, every rounding is a relative perturbation of a term of the positive sum
 * {@code sum_ij |A^T_yi| |A^T_xj| |U_ij| |V_ij|}, which is at most {@code kappa W D} with
 * {@code kappa = (max_y sum_i |A^T_yi| g_i b_i)^2 = 307.4} (F(2x2): b = (2, 2, 2, 2), kappa = 16, fewer roundings),
 * so
 * {@code |y - y_exact| <= (K + 24) u kappa W D}: {@code Tolerance.float32Sum(K + 22, kappa * W * D)}. The direct
 * convolution's bound is {@code (9K + 2) u sum|w x|}; the Winograd bound is worst-case by a factor of about
 * {@code kappa / 9} larger, but on realistic data (N(0,1) or post-ReLU inputs, N(0, 1/fan_in) weights) the measured
 * largest F(4x4) error is 2e-6 (C = 64) to 4e-6 (C = 256) of the output's largest magnitude (RMS 1e-6 to 2e-6),
 * inside the 1e-5 the tests require. {@link WinogradVariant#kappa} holds each variant's kappa.
 *
 * <p>Cost. Per block the scratch is {@code alpha^2 (inC + outC) (block + lanes)} floats per thread (at most about 10 MB
 * for 512 channels), reused across runs and layers. The transformed weights are 36/9 = 4 times the size of the
 * weights, and a block streams all of them once: with few tiles (7x7 images at batch 1 have 4) that traffic, not
 * arithmetic, sets the time, and a direct or im2col GEMM is the better choice there.
 *
 * <p>Instances are immutable and {@link #run} may be called concurrently.
 *
 * <p>Non-finite inputs. A NaN or infinity in an input patch reaches every output its window covers, as in a direct
 * convolution, but may also reach other outputs of the same tile, and an infinity can become NaN (it meets
 * coefficients of both signs, inf - inf); the same holds for non-finite weights.
 */
public final class WinogradConv3x3 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int MR = WinogradGemm.MR, NR = WinogradGemm.NR;
    /** Tile panels per block at most: larger blocks re-read U less often but leave more scratch outside the cache. */
    private static final int MAX_PANELS = 4;

    private final ConvParams p;
    private final Epilogue epilogue;
    private final WinogradVariant variant;
    /** Output tile side, input tile side, transform positions (alpha^2). */
    private final int m, a, pos;
    private final int ocPanels, tileRows, tileCols, tilesPerImage, totalTiles, outH, outW;
    /** U packed for the micro-kernel: [xi][output-channel panel][input channel][MR]. */
    private final float[] u;

    private WinogradConv3x3(ConvParams p, float[] weights, Epilogue epilogue, WinogradVariant variant) {
        this.p = p;
        this.epilogue = epilogue;
        this.variant = variant;
        this.m = variant.tile;
        this.a = variant.alpha;
        this.pos = variant.positions();
        this.outH = p.outH();
        this.outW = p.outW();
        this.ocPanels = Math.ceilDiv(p.outC(), MR);
        this.tileRows = Math.ceilDiv(outH, m);
        this.tileCols = Math.ceilDiv(outW, m);
        this.tilesPerImage = tileRows * tileCols;
        this.totalTiles = Math.multiplyExact(p.batch(), tilesPerImage);
        int inC = p.inC();
        this.u = new float[Math.multiplyExact(Math.multiplyExact(pos * ocPanels, inC), MR)];
        int outC = p.outC();
        float[] all = WinogradWeights.transform(variant, weights, outC, inC); // [pos][inC][outC]
        for (int xi = 0; xi < pos; xi++) {
            for (int ic = 0; ic < inC; ic++) {
                for (int oc = 0; oc < outC; oc++) {
                    u[((xi * ocPanels + oc / MR) * inC + ic) * MR + oc % MR] = all[(xi * inC + ic) * outC + oc];
                }
            }
        }
    }

    /** Why {@code p} cannot run here, or null if it can. */
    public static String unsupportedReason(ConvParams p) {
        if (p.kH() != 3 || p.kW() != 3) return "kernel is " + p.kH() + "x" + p.kW() + ", not 3x3";
        if (p.strideH() != 1 || p.strideW() != 1) return "strides are " + p.strideH() + "x" + p.strideW() + ", not 1";
        if (p.dilationH() != 1 || p.dilationW() != 1) {
            return "dilations are " + p.dilationH() + "x" + p.dilationW() + ", not 1";
        }
        if (p.group() != 1) return "group is " + p.group() + ", not 1";
        return null;
    }

    /** F(4x4, 3x3): {@link #prepare(ConvParams, MemorySegment, Epilogue, WinogradVariant)} with the faster variant. */
    public static WinogradConv3x3 prepare(ConvParams p, MemorySegment weights, Epilogue epilogue) {
        return prepare(p, weights, epilogue, WinogradVariant.F4X4);
    }

    /**
     * Transforms the weights ({@code outC x inC x 3 x 3} floats at the start of {@code weights}) once. The epilogue's
     * bias, if any, must have outC values.
     */
    public static WinogradConv3x3 prepare(ConvParams p, MemorySegment weights, Epilogue epilogue,
                                          WinogradVariant variant) {
        String why = unsupportedReason(p);
        if (why != null) {
            throw new IllegalArgumentException("Winograd " + variant + " cannot run this convolution: " + why);
        }
        epilogue.checkChannels(p.outC());
        Segments.require("weights", weights, p.weightSize());
        return new WinogradConv3x3(p, weights.asSlice(0, p.weightSize() * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED),
                epilogue, variant);
    }

    public ConvParams params() { return p; }

    public WinogradVariant variant() { return variant; }

    /**
     * Computes {@code y} from the input {@code x} (NCHW floats), adding {@code residual} (the output's layout) if the
     * epilogue asks for one, on up to {@code threads} threads of the shared pool. {@code y} must not overlap {@code x}:
     * a block reads input rows that other blocks' outputs cover.
     */
    public void run(MemorySegment x, MemorySegment residual, MemorySegment y, int threads) {
        Segments.require("input", x, p.inputSize());
        Segments.require("output", y, p.outputSize());
        Segments.requireResidual(epilogue, residual, p.outputSize());
        if (threads < 1) throw new IllegalArgumentException("threads must be positive, got " + threads);
        int block = blockTiles(threads);
        IntraOpPool.shared().parallelFor(threads, Math.ceilDiv(totalTiles, block),
                task -> runBlock(task * block, Math.min(totalTiles, (task + 1) * block), block, x, residual, y));
    }

    /** Tiles per block: a multiple of NR, small enough that V[xi] of one block stays in L2 and every thread has work. */
    int blockTiles(int threads) {
        int byCache = Math.max(1, 32768 / (p.inC() * NR));
        int byThreads = Math.ceilDiv(Math.ceilDiv(totalTiles, threads), NR);
        return NR * Math.max(1, Math.min(MAX_PANELS, Math.min(byCache, byThreads)));
    }

    private void runBlock(int g0, int g1, int block, MemorySegment x, MemorySegment res, MemorySegment y) {
        ConvScratch s = ConvScratch.mine();
        int inC = p.inC(), vStride = block + L, phaseLen = tileCols + 1 + L;
        s.v = ConvScratch.atLeast(s.v, pos * inC * vStride);
        s.m = ConvScratch.atLeast(s.m, pos * ocPanels * MR * vStride);
        s.row = ConvScratch.atLeast(s.row, Math.max(p.padLeft() + p.inW(), m * tileCols + m));
        s.phases = ConvScratch.atLeast(s.phases, a * m * phaseLen);
        s.tmp = ConvScratch.atLeast(s.tmp, pos * L);
        s.stage = ConvScratch.atLeast(s.stage, m * m * phaseLen);
        s.out = ConvScratch.atLeast(s.out, m * phaseLen);
        for (int g = g0; g < g1; ) {
            int n = g / tilesPerImage, ty = g % tilesPerImage / tileCols, tx0 = g % tileCols;
            int nt = Math.min(tileCols - tx0, g1 - g);
            for (int ic = 0; ic < inC; ic++) inputTiles(s, x, n, ic, ty, tx0, nt, g - g0, vStride, phaseLen);
            g += nt;
        }
        multiply(s, Math.ceilDiv(g1 - g0, NR), vStride);
        for (int g = g0; g < g1; ) {
            int n = g / tilesPerImage, ty = g % tilesPerImage / tileCols, tx0 = g % tileCols;
            int nt = Math.min(tileCols - tx0, g1 - g);
            for (int oc = 0; oc < p.outC(); oc++) outputTiles(s, res, y, n, oc, ty, tx0, nt, g - g0, vStride, phaseLen);
            g += nt;
        }
    }

    /** V for channel ic of tiles (ty, tx0 .. tx0 + nt) of image n, into columns j0.. of the block. */
    private void inputTiles(ConvScratch s, MemorySegment x, int n, int ic, int ty, int tx0, int nt, int j0, int vStride,
                            int phaseLen) {
        int inH = p.inH(), inW = p.inW(), padL = p.padLeft();
        float[] row = s.row, ph = s.phases, tmp = s.tmp, v = s.v;
        for (int k = 0; k < a; k++) {
            int iy = m * ty - p.padTop() + k, base = k * m * phaseLen;
            if (iy < 0 || iy >= inH) {
                for (int r = 0; r < m; r++) Arrays.fill(ph, base + r * phaseLen, base + r * phaseLen + nt + 1, 0f);
                continue;
            }
            // The row with its zero padding, then split by column phase: tile t's column q is phase q % m at t + q / m.
            Arrays.fill(row, 0, padL, 0f);
            Segments.copyRow(x, ((((long) n * p.inC() + ic) * inH + iy) * inW) * Float.BYTES, row, padL, inW);
            int end = m * (tx0 + nt) + m;
            if (end > padL + inW) Arrays.fill(row, padL + inW, end, 0f);
            for (int r = 0; r < m; r++) {
                for (int t = 0, c = m * tx0 + r, d = base + r * phaseLen; t <= nt; t++, c += m) ph[d + t] = row[c];
            }
        }
        // Vector stores may run past this segment's last tile; the next segment overwrites them, and columns past
        // the block's last tile only feed products that are never transformed back.
        for (int t = 0; t < nt; t += L) {
            if (m == 4) {
                for (int k = 0; k < 6; k++) {
                    int b = k * 4 * phaseLen + t;
                    WinogradF43.inputPass(ph, b, b + phaseLen, b + 2 * phaseLen, b + 3 * phaseLen, b + 1,
                            b + phaseLen + 1, tmp, k * 6 * L, L);
                }
                for (int j = 0; j < 6; j++) {
                    WinogradF43.inputPass(tmp, j * L, (6 + j) * L, (12 + j) * L, (18 + j) * L, (24 + j) * L,
                            (30 + j) * L, v, (ic * 36 + j) * vStride + j0 + t, 6 * vStride);
                }
            } else {
                for (int k = 0; k < 4; k++) {
                    int b = k * 2 * phaseLen + t;
                    WinogradF23.inputPass(ph, b, b + phaseLen, b + 1, b + phaseLen + 1, tmp, k * 4 * L, L);
                }
                for (int j = 0; j < 4; j++) {
                    WinogradF23.inputPass(tmp, j * L, (4 + j) * L, (8 + j) * L, (12 + j) * L,
                            v, (ic * 16 + j) * vStride + j0 + t, 4 * vStride);
                }
            }
        }
    }

    /** M[oc][xi][tile] = sum_ic U[xi][oc][ic] V[ic][xi][tile] for the block's panels of tiles. */
    private void multiply(ConvScratch s, int panels, int vStride) {
        int inC = p.inC(), mStride = pos * vStride;
        for (int xi = 0; xi < pos; xi++) {
            for (int op = 0; op < ocPanels; op++) {
                int uOff = (xi * ocPanels + op) * inC * MR;
                for (int pn = 0; pn < panels; pn++) {
                    WinogradGemm.kernel(u, uOff, s.v, xi * vStride + pn * NR, pos * vStride, inC, s.m,
                            (op * MR * pos + xi) * vStride + pn * NR, mStride);
                }
            }
        }
    }

    /** Y = A^T M A for channel oc of tiles (ty, tx0 .. tx0 + nt) of image n, edge tiles clipped, epilogue applied. */
    private void outputTiles(ConvScratch s, MemorySegment res, MemorySegment y, int n, int oc, int ty, int tx0, int nt,
                             int j0, int vStride, int phaseLen) {
        float[] mm = s.m, tmp = s.tmp, stage = s.stage, out = s.out;
        int mBase = oc * pos * vStride + j0;
        for (int t = 0; t < nt; t += L) {
            for (int i = 0; i < a; i++) {
                int from = mBase + i * a * vStride + t;
                if (m == 4) WinogradF43.outputPass(mm, from, vStride, tmp, i * 4 * L, L);
                else WinogradF23.outputPass(mm, from, vStride, tmp, i * 2 * L, L);
            }
            for (int c = 0; c < m; c++) {
                if (m == 4) WinogradF43.outputPass(tmp, c * L, 4 * L, stage, c * phaseLen + t, 4 * phaseLen);
                else WinogradF23.outputPass(tmp, c * L, 2 * L, stage, c * phaseLen + t, 2 * phaseLen);
            }
        }
        int ox0 = m * tx0, len = Math.min(m * nt, outW - ox0);
        for (int r = 0; r < m && m * ty + r < outH; r++) {
            int b = r * m * phaseLen;
            for (int c = 0; c < m; c++) {
                for (int t = 0, d = b + c * phaseLen; t < nt; t++) out[m * t + c] = stage[d + t];
            }
            long at = (((long) n * p.outC() + oc) * outH + m * ty + r) * outW + ox0;
            epilogue.apply(out, 0, len, oc, res, y, at);
        }
    }
}
