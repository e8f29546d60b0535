package io.jengine.cpu.simd.ops;

import io.jengine.tensor.Shapes;
import java.util.Arrays;

/**
 * A numpy broadcast of several inputs collapsed to the fewest dims: dims of size 1 dropped, neighbours merged where
 * every input steps through them as through one longer dim (contiguously, or repeating over both). The last
 * collapsed dim is the run: contiguous in the output, and in each input either contiguous (stride 1) or one repeated
 * element (stride 0). The output is walked run by run.
 *
 * <p>A short last dim that one input repeats over the dim before it (a per-channel vector of channel-blocked
 * activations, {@code [.., H, W, b]} against {@code [.., 1, 1, b]}) would make runs of a few elements, each paying
 * the walk's overhead: those two dims merge into one run, in which that input is <em>periodic</em>: element i of the
 * run is element {@code i % period} of its pattern.
 */
final class BroadcastLayout {
    final long[] outShape;
    final long outSize;
    /** Collapsed dims, outermost first; never empty (a one-element output is one dim of 1). */
    final long[] dims;
    /** strides[input][dim], in elements; 0 where the input repeats. */
    final long[][] strides;
    /** Per input, the period of its pattern along the run (0: not periodic). */
    final long[] period;
    /** Runs shorter than this are merged with the dim before where an input repeats them. */
    private static final long SHORT_RUN = 256;

    BroadcastLayout(long[]... shapes) {
        this.outShape = Shapes.broadcast(shapes);
        this.outSize = Shapes.size(outShape);
        int n = shapes.length;
        long[][] full = new long[n][];
        for (int j = 0; j < n; j++) full[j] = Shapes.broadcastStrides(shapes[j], outShape);
        long[] d = new long[outShape.length + 1];
        long[][] s = new long[n][outShape.length + 1];
        int k = 0;
        for (int i = 0; i < outShape.length; i++) {
            if (outShape[i] == 1) continue;
            boolean merge = k > 0;
            for (int j = 0; j < n && merge; j++) merge = s[j][k - 1] == full[j][i] * outShape[i];
            if (merge) {
                d[k - 1] *= outShape[i];
                for (int j = 0; j < n; j++) s[j][k - 1] = full[j][i];
                continue;
            }
            d[k] = outShape[i];
            for (int j = 0; j < n; j++) s[j][k] = full[j][i];
            k++;
        }
        if (k == 0) {
            d[0] = 1;
            k = 1;
        }
        this.period = new long[n];
        if (k >= 2 && d[k - 1] < SHORT_RUN && periodicMerge(d, s, k, n)) {
            for (int j = 0; j < n; j++) {
                if (s[j][k - 1] == 1 && s[j][k - 2] == 0) period[j] = d[k - 1];
                s[j][k - 2] = s[j][k - 1];
            }
            d[k - 2] *= d[k - 1];
            k--;
        }
        this.dims = Arrays.copyOf(d, k);
        this.strides = new long[n][];
        for (int j = 0; j < n; j++) strides[j] = Arrays.copyOf(s[j], k);
    }

    /**
     * Whether the last two collapsed dims can be one run: every input contiguous through both, repeating one element
     * over both, or repeating the last dim's pattern over the one before (periodic), and at least one periodic.
     */
    private static boolean periodicMerge(long[] d, long[][] s, int k, int n) {
        boolean any = false;
        for (int j = 0; j < n; j++) {
            long inner = s[j][k - 1], outer = s[j][k - 2];
            boolean periodic = inner == 1 && outer == 0;
            boolean ok = periodic || inner == 0 && outer == 0 || inner == 1 && outer == d[k - 1];
            if (!ok) return false;
            any |= periodic;
        }
        return any;
    }

    /** The period of input {@code j}'s pattern along the run, 0 when it is not periodic. */
    long period(int j) { return period[j]; }

    /**
     * The element of input {@code j} at position {@code i} of the run that starts at {@code start} in that input (from
     * {@link #runStarts}): contiguous, one repeated element, or periodic.
     */
    long element(int j, long start, long i) {
        if (period[j] != 0) return start + i % period[j];
        return start + i * strides[j][dims.length - 1];
    }

    /** The length of a run (the last collapsed dim). */
    long run() { return dims[dims.length - 1]; }

    /** How many runs the output holds. */
    long runs() { return outSize == 0 ? 0 : outSize / run(); }

    /** Whether input {@code j} is contiguous along the run (else one element repeats along it). */
    boolean contiguous(int j) { return strides[j][dims.length - 1] != 0; }

    /** Fills {@code offsets[j]} with the element offset in input j where run {@code r} starts. */
    void runStarts(long r, long[] offsets) {
        Arrays.fill(offsets, 0);
        for (int i = dims.length - 2; i >= 0; i--) {
            long idx = r % dims[i];
            r /= dims[i];
            for (int j = 0; j < offsets.length; j++) offsets[j] += idx * strides[j][i];
        }
    }
}
