package io.jengine.spi;

/**
 * A device's parallel hardware as the tuner sizes tiles to it (Roller's rTiles on a GPU): how many compute units run
 * work-groups side by side, how many work-items one group may hold and in what multiples they are scheduled (a warp,
 * a wavefront), the local memory a group stages operands in, and the measured peaks its cost model turns work into
 * time with.
 *
 * @param computeUnits     compute units (streaming multiprocessors, CPU cores under PoCL)
 * @param simdWidth        the work-item multiple the device schedules together (its warp or wavefront)
 * @param maxWorkGroupSize the most work-items one work-group may have
 * @param localMemBytes    local memory per compute unit, that a work-group's staged tiles must fit in
 * @param peakGflops       measured floating-point peak of the whole device, FMA counted as two
 * @param memoryGBps       measured global-memory bandwidth (bytes read plus written)
 * @param launchSeconds    measured cost of one kernel launch to its completion on an idle queue
 * @param barrierSeconds   measured time a compute unit spends on one work-group barrier, with groups queued on it:
 *                         a tiled kernel pays two per K step (tiny on a GPU, where resident groups hide it; large
 *                         under PoCL, which runs a group's work-items as loops between its barriers)
 * @param linkGBps         measured bandwidth of a copy between host memory and the device, as the plan makes them
 * @param linkSeconds      measured time of the smallest such copy, waited for: what each copy costs beyond its bytes
 */
public record DeviceHardware(int computeUnits, int simdWidth, int maxWorkGroupSize, long localMemBytes,
                             double peakGflops, double memoryGBps, double launchSeconds, double barrierSeconds,
                             double linkGBps, double linkSeconds) {
    public DeviceHardware {
        if (computeUnits < 1 || simdWidth < 1 || maxWorkGroupSize < 1 || localMemBytes < 0 || !(peakGflops > 0)
                || !(memoryGBps > 0) || !(launchSeconds >= 0) || !(barrierSeconds >= 0) || !(linkGBps > 0)
                || !(linkSeconds >= 0)) {
            throw new IllegalArgumentException("implausible device hardware: " + computeUnits + " compute units, SIMD "
                    + simdWidth + ", groups of " + maxWorkGroupSize + ", " + localMemBytes + " bytes local, "
                    + peakGflops + " GFLOP/s, " + memoryGBps + " GB/s, launch " + launchSeconds + " s, barrier " + barrierSeconds
                    + " s, link " + linkGBps + " GB/s and " + linkSeconds + " s a copy");
        }
    }

    /** What one copy of {@code bytes} between host and device takes, by the measured link. */
    public double copySeconds(long bytes) { return linkSeconds + bytes / (linkGBps * 1e9); }
}
