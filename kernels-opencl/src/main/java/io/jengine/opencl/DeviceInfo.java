package io.jengine.opencl;

import java.util.Set;

/**
 * What an OpenCL device reports about itself, read once at discovery: enough to name it, key caches by it, and size
 * work to it. {@code roundedDivide}: its float division and square root can be correctly rounded (a build option).
 * {@code hostUnified}: its memory is the host's (a CPU device, an integrated GPU), so copies are plain memory copies
 * and need no pinned staging.
 */
record DeviceInfo(String name, String vendor, String platform, String version, String driver, String type,
                  Set<String> extensions, int computeUnits, long maxWorkGroupSize, long localMemBytes,
                  long globalMemBytes, long maxAllocBytes, boolean roundedDivide,
                  boolean hostUnified) {
    boolean hasFp16() { return extensions.contains("cl_khr_fp16"); }

    boolean hasIntegerDotProduct() { return extensions.contains("cl_khr_integer_dot_product"); }

    /** Device, platform and driver: what compiled programs and timings depend on. */
    String fingerprint() { return name + " | " + platform + " | " + version + " | " + driver; }
}
