package io.jengine.fpgastub;

/**
 * The time an integer layer takes on a {@link FpgaPart}'s weight-stationary systolic array, the layer seen as
 * {@code groups} matrix products of M×K activations by K×N weights (a convolution's K is its input channels per group
 * times the kernel's area, M its output pixels):
 *
 * <ul>
 *   <li><b>Tiling onto the array.</b> Weights go onto the array a tile of R×C (rows × columns of cells) at a time:
 *       ⌈K/R⌉ · ⌈N/C⌉ tiles per group. A tile takes R cycles to load, then streams M activation rows through,
 *       the last leaving R + C − 2 cycles after it entered (the array's skew): R + M + R + C − 2 cycles.</li>
 *   <li><b>Buffer refills.</b> A group's input activations stay on chip while its weight tiles pass if they fit in
 *       the buffer beside one column block's int32 partial sums (M × C × 4 bytes) and a weight tile (R × C); otherwise
 *       they are read from DDR again for every column block.</li>
 *   <li><b>DDR traffic.</b> Weights once, activations once or once per column block, any residual input once, outputs
 *       once. DDR and the array overlap (double buffering): the layer takes the longer of the two.</li>
 *   <li><b>Host transfers</b> are not the layer's: the plan copies values over the link only where they cross
 *       between host and card ({@link FpgaPart#transferSeconds}).</li>
 * </ul>
 */
public record SystolicModel(FpgaPart part) {
    /** A layer's figures: cycles on the array, DDR bytes, and the seconds each and the layer take. */
    public record Cost(long tiles, long cycles, double computeSeconds, long ddrBytes, double ddrSeconds,
                       boolean inputsRefilled) {
        public double seconds() { return Math.max(computeSeconds, ddrSeconds); }
    }

    /**
     * @param groups      independent products (a convolution's groups; 1 for a matrix product)
     * @param m           rows streamed per product (output pixels, or A's rows)
     * @param k           depth per product (input channels per group × kernel area)
     * @param n           output columns per product (output channels per group)
     * @param inputBytes  the activations read from DDR (the input tensor, 1 byte per INT8 code)
     * @param otherBytes  other inputs read once (a residual)
     * @param outputBytes the output written to DDR
     */
    public Cost cost(long groups, long m, long k, long n, long inputBytes, long otherBytes, long outputBytes) {
        long r = part.rows(), c = part.cols();
        long kTiles = ceilDiv(k, r), nTiles = ceilDiv(n, c);
        long tiles = groups * kTiles * nTiles;
        long cycles = tiles * (r + m + r + c - 2);
        boolean refilled = inputBytes / groups + m * c * 4 + r * c > part.bufferBytes();
        long weights = groups * k * n;
        long ddr = weights + inputBytes * (refilled ? nTiles : 1) + otherBytes + outputBytes;
        return new Cost(tiles, cycles, cycles / (part.clockMhz() * 1e6), ddr, ddr / (part.ddrGBps() * 1e9), refilled);
    }

    private static long ceilDiv(long a, long b) { return (a + b - 1) / b; }
}
