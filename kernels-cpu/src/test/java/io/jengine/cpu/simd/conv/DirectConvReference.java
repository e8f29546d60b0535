package io.jengine.cpu.simd.conv;

import io.jengine.cpu.ref.ReferenceActivations;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * The ground truth of the convolution tests: a naive direct convolution in double (any kernel, stride, pad, dilation
 * and group), with the reference's epilogue, and per output the number of products and the sum of their absolute
 * values that the float32 summation bound needs.
 */
final class DirectConvReference {
    /** Outputs, and per output the sum of |w x| over its window (the bias counted as one more term). */
    record Result(double[] y, double[] magnitude, long terms) {}

    private DirectConvReference() {}

    static Result conv(ConvParams p, float[] x, float[] w, float[] bias, float[] residual, String act, float[] params) {
        DoubleUnaryOperator f = ReferenceActivations.of(act, params);
        int outH = p.outH(), outW = p.outW(), cpg = p.inC() / p.group(), mpg = p.outC() / p.group();
        double[] y = new double[(int) p.outputSize()], mag = new double[y.length];
        for (int n = 0; n < p.batch(); n++) {
            for (int oc = 0; oc < p.outC(); oc++) {
                int g = oc / mpg;
                for (int oy = 0; oy < outH; oy++) {
                    for (int ox = 0; ox < outW; ox++) {
                        double s = 0, a = 0;
                        for (int c = 0; c < cpg; c++) {
                            int ic = g * cpg + c;
                            for (int ky = 0; ky < p.kH(); ky++) {
                                int iy = oy * p.strideH() - p.padTop() + ky * p.dilationH();
                                if (iy < 0 || iy >= p.inH()) continue;
                                for (int kx = 0; kx < p.kW(); kx++) {
                                    int ix = ox * p.strideW() - p.padLeft() + kx * p.dilationW();
                                    if (ix < 0 || ix >= p.inW()) continue;
                                    double prod = (double) w[((oc * cpg + c) * p.kH() + ky) * p.kW() + kx]
                                            * x[((n * p.inC() + ic) * p.inH() + iy) * p.inW() + ix];
                                    s += prod;
                                    a += Math.abs(prod);
                                }
                            }
                        }
                        int o = ((n * p.outC() + oc) * outH + oy) * outW + ox;
                        if (bias != null) {
                            s += bias[oc];
                            a += Math.abs(bias[oc]);
                        }
                        // The reference rounds the convolution to float before adding the residual, as FusedConv does.
                        if (residual != null) {
                            s = (float) s + (double) residual[o];
                            a += Math.abs(residual[o]);
                        }
                        y[o] = f.applyAsDouble(s);
                        mag[o] = a;
                    }
                }
            }
        }
        return new Result(y, mag, (long) cpg * p.kH() * p.kW() + 2);
    }

    /** Seeded N(0, sd) values, none exactly zero. */
    static float[] normal(Random r, long n, double sd) {
        float[] a = new float[Math.toIntExact(n)];
        for (int i = 0; i < a.length; i++) {
            float v;
            do v = (float) (r.nextGaussian() * sd); while (v == 0f);
            a[i] = v;
        }
        return a;
    }

    static MemorySegment segment(float[] a) {
        MemorySegment s = Arena.ofAuto().allocate((long) a.length * Float.BYTES, 64);
        MemorySegment.copy(a, 0, s, ValueLayout.JAVA_FLOAT, 0, a.length);
        return s;
    }

    static float[] floats(MemorySegment s) { return s.toArray(ValueLayout.JAVA_FLOAT); }
}
