package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.ImageKernelsTest.assertValues;
import static io.jengine.cpu.ref.ImageKernelsTest.f;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** DFT, STFT, the windows and MelWeightMatrix against hand-worked values and numpy.fft. */
class SignalKernelsTest {

    private static Node dft(Attribute... attrs) {
        Node.Builder b = Node.builder("DFT").inputs("x", "dft_length", "axis").outputs("y");
        for (Attribute a : attrs) b.attr(a);
        return b.build();
    }

    @Test
    void dftOfRealSignalAlongAxisAttribute() {
        // fft([1, 2, 3, 4]) = [10, -2+2j, -2, -2-2j]; two rows so axis 1 is not the only one.
        Value[] out = KernelHarness.run(dft(Attribute.of("axis", 1L)), 17,
                f(new long[] {2, 4, 1}, 1, 2, 3, 4, 0, 1, 0, 0));
        assertValues(new double[] {10, 0, -2, 2, -2, 0, -2, -2, 1, 0, 0, -1, -1, 0, 0, 1}, out[0], 2, 4, 2);
    }

    @Test
    void dftOfComplexSignalWithNegativeAxisInputAndPadding() {
        // numpy: np.fft.fft(x, n=5, axis=1) for x = [[1+2j, -1+0.5j, 3-1j], [0.5, 2+2j, -2+1j]].
        Tensor x = f(new long[] {2, 3, 2}, 1, 2, -1, 0.5, 3, -1, 0.5, 0, 2, 2, -2, 1);
        Value[] out = KernelHarness.run(dft(), 20, x, Tensor.ofLongs(new long[] {}, 5),
                Tensor.ofLongs(new long[] {}, -2));
        assertValues(new double[] {3.0, 1.5, -1.8483249716446861, 2.151226250980155, 3.98101711994118,
            4.727429309615513, 1.4911188350583997, -2.1544802927403546, -1.6238109833548935, 3.775824732144687, 0.5,
            3.0, 5.2259662623825704, -0.9175255336304133, -1.5115539892099972, -4.386700531550201,
            -1.9605819657895824, 1.7686665428003057, 0.2461696926170096, 0.5355595223803082}, out[0], 2, 5, 2);
        Value[] inv = KernelHarness.run(dft(Attribute.of("inverse", 1L)), 20, x, null,
                Tensor.ofLongs(new long[] {}, 1));
        assertValues(new double[] {1.0, 0.5, -0.4330127018922193, -0.40470053837925146, 0.4330127018922193,
            1.9047005383792515, 0.16666666666666666, 1.0, -0.1220084679281462, 0.6547005383792515, 0.4553418012614795,
            -1.6547005383792515}, inv[0], 2, 3, 2);
    }

    @Test
    void onesidedForwardAndInverseAreRfftAndIrfft() {
        Value[] spectrum = KernelHarness.run(dft(Attribute.of("onesided", 1L)), 20, f(new long[] {4, 1}, 1, 2, 3, 4),
                null, Tensor.ofLongs(new long[] {}, 0));
        assertValues(new double[] {10, 0, -2, 2, -2, 0}, spectrum[0], 3, 2);
        Value[] signal = KernelHarness.run(dft(Attribute.of("onesided", 1L), Attribute.of("inverse", 1L),
                Attribute.of("axis", 0L)), 17, (Tensor) spectrum[0]);
        assertValues(new double[] {1, 2, 3, 4}, signal[0], 4, 1);
        // An odd length has to be given: irfft([10, -2+2j, -2], n=5).
        Value[] odd = KernelHarness.run(dft(Attribute.of("onesided", 1L), Attribute.of("inverse", 1L),
                Attribute.of("axis", 0L)), 17, (Tensor) spectrum[0], Tensor.ofLongs(new long[] {1}, 5));
        double[] expected = new double[5];
        for (int t = 0; t < 5; t++) {
            double a = 2 * Math.PI * t / 5;
            expected[t] = (10 + 2 * (-2 * Math.cos(a) - 2 * Math.sin(a)) + 2 * (-2 * Math.cos(2 * a))) / 5;
        }
        assertValues(expected, odd[0], 5, 1);
    }

    @Test
    void dftRejectsTheComponentAxis() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelHarness.run(dft(), 20,
                f(new long[] {4, 1}, 1, 2, 3, 4), null, Tensor.ofLongs(new long[] {}, -1)));
        assertTrue(e.getMessage().contains("axis must select a signal dimension"), e.getMessage());
        IllegalArgumentException last = assertThrows(IllegalArgumentException.class,
                () -> KernelHarness.run(dft(), 20, f(new long[] {2, 3}, 1, 2, 3, 4, 5, 6)));
        assertTrue(last.getMessage().contains("last dim is 1 (real) or 2"), last.getMessage());
    }

    @Test
    void stftWithHannWindow() {
        Node n = Node.builder("STFT").inputs("signal", "frame_step", "window").outputs("y").build();
        Tensor sig = f(new long[] {1, 8, 1}, 0.5, 1.5, -1, 2, 3, -0.5, 1, 0.25);
        Value[] out = KernelHarness.run(n, 17, sig, Tensor.ofLongs(new long[] {}, 2), f(new long[] {4}, 0, 0.5, 1,
                0.5));
        // numpy: [np.fft.rfft(sig[2f:2f+4] * w) for f in range(3)]
        assertValues(new double[] {0.75, 0, 1, 0.25, -2.75, 0, 3.75, 0, -3, -1.25, 2.25, 0, 0.875, 0, -1, 0.375,
            1.125, 0}, out[0], 1, 3, 3, 2);
        Node two = n.toBuilder().inputs("signal", "frame_step", "", "frame_length")
                .attr(Attribute.of("onesided", 0L)).build();
        Value[] full = KernelHarness.run(two, 17, sig, Tensor.ofLongs(new long[] {}, 6), null,
                Tensor.ofLongs(new long[] {}, 2));
        // frames [0.5, 1.5] and [1, 0.25]: sums and differences.
        assertValues(new double[] {2, 0, -1, 0, 1.25, 0, 0.75, 0}, full[0], 1, 2, 2, 2);
        Node all = n.toBuilder().inputs("signal", "frame_step", "window", "frame_length").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelHarness.run(all, 17,
                sig, Tensor.ofLongs(new long[] {}, 2), f(new long[] {3}, 1, 1, 1), Tensor.ofLongs(new long[] {}, 4)));
        assertTrue(e.getMessage().contains("window length must equal frame_length 4, got 3"), e.getMessage());
    }

    private static Value window(String op, long periodic, long size, long dtype) {
        Node n = Node.builder(op).inputs("size").outputs("w").attr(Attribute.of("periodic", periodic))
                .attr(Attribute.of("output_datatype", dtype)).build();
        return KernelHarness.run(n, 17, Tensor.ofLongs(new long[] {}, size))[0];
    }

    @Test
    void cosineWindows() {
        assertValues(new double[] {0, 0.5, 1, 0.5}, window("HannWindow", 1, 4, 1), 4);
        assertValues(new double[] {0, 0.5, 1, 0.5, 0}, window("HannWindow", 0, 5, 1), 5);
        assertValues(new double[] {4.0 / 46, 25.0 / 46, 1, 25.0 / 46}, window("HammingWindow", 1, 4, 11), 4);
        assertValues(new double[] {0, 0.34, 1, 0.34}, window("BlackmanWindow", 1, 4, 1), 4);
        Tensor d = (Tensor) window("BlackmanWindow", 0, 3, 11);
        assertEquals(DType.FLOAT64, d.dtype());
        assertValues(new double[] {0, 1, 0}, d, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> window("HannWindow", 1, 4, 8));
        assertTrue(e.getMessage().contains("output_datatype must name a numeric element type, got 8"),
                e.getMessage());
    }

    @Test
    void melWeightMatrixTriangles() {
        Node n = Node.builder("MelWeightMatrix").inputs("m", "n", "sr", "lo", "hi").outputs("w").build();
        Value[] out = KernelHarness.run(n, 17, Tensor.ofLongs(new long[] {}, 3), Tensor.ofLongs(new long[] {}, 32),
                Tensor.ofLongs(new long[] {}, 8000), f(new long[] {}, 100), f(new long[] {}, 3500));
        // Corner bins 0, 1, 3, 6, 9 (numpy transcription of the ONNX definition).
        double[] e = new double[17 * 3];
        double[] head = {0, 0, 0, 1, 0, 0, 0.5, 0.5, 0, 0, 1, 0, 0, 2.0 / 3, 1.0 / 3, 0, 1.0 / 3, 2.0 / 3, 0, 0, 1, 0,
            0, 2.0 / 3, 0, 0, 1.0 / 3};
        System.arraycopy(head, 0, e, 0, head.length);
        assertValues(e, out[0], 17, 3);
        IllegalArgumentException err = assertThrows(IllegalArgumentException.class, () -> KernelHarness.run(n, 17,
                Tensor.ofLongs(new long[] {}, 3), Tensor.ofLongs(new long[] {}, 32),
                Tensor.ofLongs(new long[] {}, 8000), f(new long[] {}, 100), f(new long[] {}, 5000)));
        assertTrue(err.getMessage().contains("upper <= sample_rate / 2"), err.getMessage());
    }
}
