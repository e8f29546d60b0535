package io.jengine.opencl;

import static org.jocl.CL.*;

import io.jengine.spi.DeviceHardware;
import java.io.IOException;
import java.io.Reader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import org.jocl.CLException;
import org.jocl.cl_mem;

/**
 * Measures what the tuner's cost model needs of an OpenCL device ({@link DeviceHardware}): the FMA peak (eight
 * independent chains per work-item over enough work-items to fill every compute unit), the global-memory bandwidth (a
 * copy of up to 64 MiB) and the cost of a launch, each timed by the device's own clock and the best of three taken
 * (interference only ever adds time); and the link between host and device as a session's copies cross it (pinned
 * staging or not), by the host's clock, since a copy's cost is what the host waits. Measured once per device, driver and version of this method, then read from
 * the cache folder the compiled programs live in.
 */
final class DevicePeaks {
    /** Changes whenever the measurement does, so that figures measured differently are taken again. */
    private static final int METHOD = 4;
    /** Each timed launch should take at least this long, for the device clock's resolution and launch jitter. */
    private static final double MIN_SECONDS = 0.005;

    private DevicePeaks() {}

    static DeviceHardware of(OpenClDevice device) {
        Path file = file(device);
        DeviceHardware cached = read(file, device.info());
        if (cached != null) return cached;
        DeviceHardware measured = measure(device);
        write(file, measured);
        return measured;
    }

    /** Where the device's figures are kept. */
    static Path file(OpenClDevice device) {
        return ProgramCache.cacheDir().resolve("peaks-" + ProgramCache.sha256(device.info().fingerprint() + "\0" + METHOD)
                + ".properties");
    }

    static DeviceHardware measure(OpenClDevice device) {
        DeviceInfo info = device.info();
        OpenClMemory clock = new OpenClMemory(device);
        ClKernel fma = device.kernel("peak_fma", "peaks.cl");
        ClKernel copy = device.kernel("peak_copy", "peaks.cl");
        ClKernel empty = device.kernel("peak_empty", "peaks.cl");
        ClKernel barrier = device.kernel("peak_barrier", "peaks.cl");
        long group = Math.min(256, Math.min(info.maxWorkGroupSize(), fma.maxWorkItems()));
        long items = Math.max(group, (long) info.computeUnits() * Math.min(2048, info.maxWorkGroupSize()) * 2);
        long copyBytes = Math.max(1 << 20, Math.min(64L << 20, info.maxAllocBytes() / 2)) & ~15L;
        cl_mem out = buffer(device, Math.max(4 * items, copyBytes)), in = buffer(device, copyBytes);
        try {
            // FMA peak: iterations doubled until a launch takes long enough to time (the first launch a warm-up)
            best(clock, () -> fma.launch(new long[] {items}, new long[] {group}, out, 0.999f, 0.001f, 1), 1);
            int iters = 16;
            double fmaSeconds;
            while (true) {
                int n = iters;
                fmaSeconds = best(clock, () -> fma.launch(new long[] {items}, new long[] {group}, out, 0.999f, 0.001f,
                        n), 3);
                if (fmaSeconds >= MIN_SECONDS || iters >= 1 << 20) break;
                iters *= 2;
            }
            double gflops = items * (double) iters * 8 * 2 / fmaSeconds / 1e9;
            long vectors = copyBytes / 16;
            best(clock, () -> copy.launch(new long[] {vectors}, null, in, out), 1);
            double copySeconds = best(clock, () -> copy.launch(new long[] {vectors}, null, in, out), 3);
            double gbps = 2.0 * copyBytes / copySeconds / 1e9;
            // barriers: groups of 64 work-items (as a tiled kernel's), four queued per compute unit
            long barrierGroup = Math.min(64, Math.min(info.maxWorkGroupSize(), barrier.maxWorkItems()));
            long perUnit = 4, groups = perUnit * info.computeUnits();
            int steps = 16;
            double barrierTime;
            while (true) {
                int n = steps;
                barrierTime = best(clock, () -> barrier.launch(new long[] {groups * barrierGroup},
                        new long[] {barrierGroup}, out, n), 3);
                if (barrierTime >= MIN_SECONDS || steps >= 1 << 22) break;
                steps *= 2;
            }
            double barrierSeconds = barrierTime / (perUnit * steps * 2.0);
            // a launch's cost to completion, as the host waits for it: the median of twenty
            double[] launches = new double[20];
            for (int i = 0; i < launches.length; i++) {
                long t0 = System.nanoTime();
                empty.launch(new long[] {1}, null, out, 0);
                device.finish();
                launches[i] = (System.nanoTime() - t0) / 1e9;
            }
            Arrays.sort(launches);
            double[] link = link(device, clock, in, copyBytes);
            int simd = (int) Math.max(1, Math.min(info.maxWorkGroupSize(), fma.preferredMultiple()));
            return new DeviceHardware(info.computeUnits(), simd, (int) Math.min(Integer.MAX_VALUE, info.maxWorkGroupSize()),
                    info.localMemBytes(), gflops, gbps, launches[launches.length / 2], barrierSeconds, link[0], link[1]);
        } finally {
            clock.close();
            OpenClDevice.release(out);
            OpenClDevice.release(in);
        }
    }

    /**
     * The link's bandwidth (GB/s, the best of three copies of {@code bytes} each way) and the time of a 4-byte copy
     * to the device, waited for (the fastest of twenty: measured while other work ran, the median was thrice the idle
     * figure, and the figure is kept for every later process).
     */
    private static double[] link(OpenClDevice device, OpenClMemory session, cl_mem mem, long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(bytes, 64);
            host.fill((byte) 1);
            double[] small = new double[20];
            for (int i = 0; i < small.length; i++) {
                long t0 = System.nanoTime();
                session.copy(host.asSlice(0, 4), mem, 0, true, "the link probe");
                device.finish();
                small[i] = (System.nanoTime() - t0) / 1e9;
            }
            Arrays.sort(small);
            double up = Double.POSITIVE_INFINITY, down = Double.POSITIVE_INFINITY;
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                session.copy(host, mem, 0, true, "the link probe");
                device.finish();
                long t1 = System.nanoTime();
                session.copy(host, mem, 0, false, "the link probe");
                long t2 = System.nanoTime();
                up = Math.min(up, (t1 - t0) / 1e9);
                down = Math.min(down, (t2 - t1) / 1e9);
            }
            return new double[] {2.0 * bytes / Math.max(up + down, 1e-9) / 1e9, small[0]};
        }
    }

    /** The fastest of {@code times} runs of {@code launch}, by the device's clock. */
    private static double best(OpenClMemory clock, Runnable launch, int times) {
        double best = Double.POSITIVE_INFINITY;
        clock.timeKernels(true);
        try {
            for (int i = 0; i < times; i++) {
                clock.recording(launch);
                best = Math.min(best, clock.kernelSeconds());
            }
        } finally {
            clock.timeKernels(false);
        }
        return Math.max(best, 1e-9);
    }

    private static cl_mem buffer(OpenClDevice device, long bytes) {
        try {
            return clCreateBuffer(device.context(), CL_MEM_READ_WRITE, bytes, null, null);
        } catch (CLException e) {
            throw OpenClMemory.allocationError(device, bytes, e);
        }
    }

    private static DeviceHardware read(Path file, DeviceInfo info) {
        if (!Files.isRegularFile(file)) return null;
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            return new DeviceHardware(info.computeUnits(), Integer.parseInt(p.getProperty("simdWidth")),
                    (int) Math.min(Integer.MAX_VALUE, info.maxWorkGroupSize()), info.localMemBytes(),
                    Double.parseDouble(p.getProperty("peakGflops")), Double.parseDouble(p.getProperty("memoryGBps")),
                    Double.parseDouble(p.getProperty("launchSeconds")), Double.parseDouble(p.getProperty("barrierSeconds")),
                    Double.parseDouble(p.getProperty("linkGBps")), Double.parseDouble(p.getProperty("linkSeconds")));
        } catch (IOException | RuntimeException e) {
            return null; // unreadable or implausible: measured again
        }
    }

    /** Keeps the figures for the next process; a cache that cannot be written only costs the next measurement. */
    private static void write(Path file, DeviceHardware h) {
        Properties p = new Properties();
        p.setProperty("simdWidth", Integer.toString(h.simdWidth()));
        p.setProperty("peakGflops", Double.toString(h.peakGflops()));
        p.setProperty("memoryGBps", Double.toString(h.memoryGBps()));
        p.setProperty("launchSeconds", Double.toString(h.launchSeconds()));
        p.setProperty("barrierSeconds", Double.toString(h.barrierSeconds()));
        p.setProperty("linkGBps", Double.toString(h.linkGBps()));
        p.setProperty("linkSeconds", Double.toString(h.linkSeconds()));
        try {
            java.io.StringWriter text = new java.io.StringWriter();
            p.store(text, "measured peaks of an OpenCL device");
            ProgramCache.replace(file, text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // best effort
        }
    }
}
