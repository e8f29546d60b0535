package io.jengine.cpu.simd.conv;

/**
 * Which Winograd algorithm a {@link WinogradConv3x3} uses: the output tile size m, the input tile size m + 2, and
 * {@code kappa}, the growth factor of its error bound (see {@link WinogradConv3x3}).
 */
public enum WinogradVariant {
    /** F(2x2, 3x3): 16 multiplications per 4 outputs instead of 36 (2.25x fewer), error close to a direct sum's. */
    F2X2(2, 16.0),
    /** F(4x4, 3x3): 36 multiplications per 16 outputs instead of 144 (4x fewer), error a few times larger. */
    F4X4(4, 307.42);

    /** Output tile side. */
    public final int tile;
    /** Input tile side, tile + 2. */
    public final int alpha;
    /** {@code (max_y sum_i |A^T_yi| max_a |G_ia| sum_p |B^T_ip|)^2} for this variant's matrices. */
    public final double kappa;

    WinogradVariant(int tile, double kappa) {
        this.tile = tile;
        this.alpha = tile + 2;
        this.kappa = kappa;
    }

    /** Transform positions per tile: alpha^2. */
    int positions() { return alpha * alpha; }

    /** G, alpha x 3. */
    double[][] g() { return this == F2X2 ? WinogradF23.G : WinogradF43.G; }
}
