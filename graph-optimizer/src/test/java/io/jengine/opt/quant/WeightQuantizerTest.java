package io.jengine.opt.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Per-channel symmetric weights: full-range scales at max |w|, 7-bit scales clipped where that loses less. */
class WeightQuantizerTest {
    private static final int PER = 4096;

    /** Two channels of 4096 Gaussian weights, as a wide convolution's output channel has. */
    private static Tensor weights() {
        Random r = new Random(3);
        Tensor w = Tensor.allocate(DType.FLOAT32, 2, 256, 4, 4);
        for (long i = 0; i < w.size(); i++) w.setFloat(i, (float) (r.nextGaussian() * 0.1));
        return w;
    }

    private static float amax(Tensor w, int channel) {
        float m = 0;
        for (int i = 0; i < PER; i++) m = Math.max(m, Math.abs(w.getFloat(channel * (long) PER + i)));
        return m;
    }

    /** The squared error of channel {@code c} quantized with {@code scale} to codes within ±{@code maxCode}. */
    private static double squaredError(Tensor w, int c, float scale, int maxCode) {
        double err = 0;
        for (int i = 0; i < PER; i++) {
            float v = w.getFloat(c * (long) PER + i);
            double d = Math.max(-maxCode, Math.min(maxCode, Math.rint(v / scale))) * scale - v;
            err += d * d;
        }
        return err;
    }

    @Test
    void fullRangeScalesAreMaxOver127() {
        Tensor w = weights();
        WeightQuantizer.Quantized q = WeightQuantizer.perChannel(w, 0);
        for (int c = 0; c < 2; c++) assertEquals(amax(w, c) / 127, q.scales()[c], 0);
        for (long i = 0; i < w.size(); i++) assertTrue(Math.abs(q.codes().getLong(i)) <= 127);
    }

    @Test
    void sevenBitScalesClipTheTailWhereThatLosesLess() {
        Tensor w = weights();
        WeightQuantizer.Quantized q = WeightQuantizer.perChannel(w, 0, 63);
        for (long i = 0; i < w.size(); i++) assertTrue(Math.abs(q.codes().getLong(i)) <= 63);
        for (int c = 0; c < 2; c++) {
            float atMax = amax(w, c) / 63;
            assertTrue(q.scales()[c] < atMax, "channel " + c + " clipped: " + q.scales()[c] + " vs " + atMax);
            double clipped = squaredError(w, c, q.scales()[c], 63), unclipped = squaredError(w, c, atMax, 63);
            assertTrue(clipped < unclipped, "channel " + c + ": " + clipped + " vs " + unclipped);
            // and the codes are those of the chosen scale
            for (int i = 0; i < PER; i++) {
                long e = c * (long) PER + i;
                assertEquals((long) Math.max(-63, Math.min(63, Math.rint(w.getFloat(e) / q.scales()[c]))), q.codes().getLong(e));
            }
        }
    }
}
