package io.jengine.opencl;

import static org.jocl.CL.*;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jocl.Pointer;
import org.jocl.cl_mem;

/**
 * The OpenCL backend's SGEMM kernel alone on a device: {@code java ... io.jengine.opencl.GemmBenchmark [DEVICE] [N]
 * [REPEATS] [TILING]} multiplies two N x N float32 matrices resident on the device, times each launch to completion, checks a
 * sample of the result against a double-precision dot product, and prints the median and spread in ms and TFLOP/s.
 * DEVICE is {@code opencl:K} or a word of the device's name or platform ("NVIDIA"); the default is the first device. TILING is a tactic's tiling ({@code 4x4.kc16.mc64.nc64}, {@link ClTiling}); the
 * default is the device's untuned one.
 */
public final class GemmBenchmark {
    private GemmBenchmark() {}

    public static void main(String[] args) {
        String want = args.length > 0 ? args[0] : "opencl:0";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        OpenClDevice device = OpenClPlatforms.devices().stream()
                .filter(d -> d.name().equals(want) || d.info().name().contains(want) || d.info().platform().contains(want))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no OpenCL device matches '" + want
                        + "'; devices: " + OpenClPlatforms.devices().stream().map(OpenClDevice::description).toList()
                        + (OpenClPlatforms.problem() == null ? "" : " (" + OpenClPlatforms.problem() + ")")));
        Random r = new Random(1);
        float[] a = new float[n * n], b = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() * 2 - 1;
            b[i] = r.nextFloat() * 2 - 1;
        }
        cl_mem da = clCreateBuffer(device.context(), CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, 4L * a.length, Pointer.to(a), null);
        cl_mem db = clCreateBuffer(device.context(), CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, 4L * b.length, Pointer.to(b), null);
        cl_mem dc = clCreateBuffer(device.context(), CL_MEM_READ_WRITE, 4L * n * n, null, null);
        cl_mem meta = device.constant(new byte[8]);
        ClTiling tiling = args.length > 3 ? ClTiling.of(io.jengine.spi.GemmTiling.parse(args[3]))
                : ClTiling.defaultFor(device.info());
        ClKernel gemm = device.tiledKernel("gemm", tiling);
        MatrixOps.Geometry g = new MatrixOps.Geometry(n, n, n, n, 1, n, 1, n, 1, 1f, 1f, 0, 0, new long[0], 1);
        double[] ms = new double[repeats];
        for (int i = -2; i < repeats; i++) {
            long t0 = System.nanoTime();
            MatrixOps.enqueue(gemm, tiling, g, meta, List.of(da, 0L), List.of(db, 0L), List.of(dc, 0L), null, ClActivation.NONE);
            device.finish();
            if (i >= 0) ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        float[] c = new float[n * n];
        clEnqueueReadBuffer(device.queue(), dc, CL_TRUE, 0, 4L * c.length, Pointer.to(c), 0, null, null);
        double worst = 0;
        for (int s = 0; s < 64; s++) {
            int i = r.nextInt(n), j = r.nextInt(n);
            double want2 = 0, mag = 0;
            for (int k = 0; k < n; k++) {
                want2 += (double) a[i * n + k] * b[k * n + j];
                mag += Math.abs((double) a[i * n + k] * b[k * n + j]);
            }
            worst = Math.max(worst, Math.abs(c[i * n + j] - want2) / mag);
        }
        Arrays.sort(ms);
        double median = ms[repeats / 2];
        System.out.printf("%s: sgemm %d^3 tiling %s  median %.3f ms (min %.3f, max %.3f, %d runs)  %.2f TFLOP/s  worst error %.2e"
                        + " of the magnitude%n", device.description(), n, tiling, median, ms[0], ms[repeats - 1], repeats,
                2.0 * n * n * n / (median * 1e-3) / 1e12, worst);
        for (cl_mem m : new cl_mem[] {da, db, dc, meta}) OpenClDevice.release(m);
        if (worst > 1e-4) System.exit(1);
    }
}
