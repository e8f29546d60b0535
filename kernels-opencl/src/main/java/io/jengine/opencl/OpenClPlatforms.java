package io.jengine.opencl;

import static org.jocl.CL.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * The OpenCL devices of this machine, found once per process through the system's ICD loader: every device of every
 * platform, numbered in platform order ({@code opencl:0}, {@code opencl:1} ...). Where there is no OpenCL (no
 * loader, no platform) the list is empty and {@link #problem()} says why; nothing fails.
 */
final class OpenClPlatforms {
    private static List<OpenClDevice> devices;
    private static String problem;

    private OpenClPlatforms() {}

    static synchronized List<OpenClDevice> devices() {
        if (devices == null) discover();
        return devices;
    }

    /** Why no device was found (null when some were). */
    static synchronized String problem() {
        if (devices == null) discover();
        return problem;
    }

    private static void discover() {
        List<OpenClDevice> found = new ArrayList<>();
        PoclSignals.keepJvmSigfpe();
        try {
            CL.setExceptionsEnabled(true);
            int[] count = new int[1];
            clGetPlatformIDs(0, null, count);
            cl_platform_id[] platforms = new cl_platform_id[count[0]];
            clGetPlatformIDs(platforms.length, platforms, null);
            for (cl_platform_id p : platforms) {
                String platform = platformString(p, CL_PLATFORM_NAME);
                int[] n = new int[1];
                try {
                    clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, n);
                } catch (CLException e) {
                    continue; // CL_DEVICE_NOT_FOUND: a platform without devices
                }
                cl_device_id[] ids = new cl_device_id[n[0]];
                clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, ids.length, ids, null);
                for (cl_device_id id : ids) found.add(new OpenClDevice(found.size(), p, id, info(id, platform)));
            }
            problem = found.isEmpty() ? "no OpenCL platform lists a device" : null;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            problem = "OpenCL could not be loaded (" + e.getMessage() + "); install an ICD loader and a driver, e.g."
                    + " apt-get install ocl-icd-opencl-dev pocl-opencl-icd";
        } catch (CLException e) {
            problem = "no OpenCL platform (" + e.getMessage() + ")";
        }
        devices = List.copyOf(found);
    }

    private static DeviceInfo info(cl_device_id id, String platform) {
        long[] type = new long[1];
        clGetDeviceInfo(id, CL_DEVICE_TYPE, Sizeof.cl_ulong, Pointer.to(type), null);
        String kind = (type[0] & CL_DEVICE_TYPE_GPU) != 0 ? "gpu"
                : (type[0] & CL_DEVICE_TYPE_CPU) != 0 ? "cpu"
                : (type[0] & CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "accelerator" : "other";
        Set<String> ext = new LinkedHashSet<>(Arrays.asList(deviceString(id, CL_DEVICE_EXTENSIONS).trim().split("\\s+")));
        return new DeviceInfo(deviceString(id, CL_DEVICE_NAME).trim(), deviceString(id, CL_DEVICE_VENDOR).trim(),
                platform.trim(), deviceString(id, CL_DEVICE_VERSION).trim(), deviceString(id, CL_DRIVER_VERSION).trim(),
                kind, Set.copyOf(ext), (int) deviceLong(id, CL_DEVICE_MAX_COMPUTE_UNITS, Sizeof.cl_uint),
                deviceLong(id, CL_DEVICE_MAX_WORK_GROUP_SIZE, Sizeof.size_t),
                deviceLong(id, CL_DEVICE_LOCAL_MEM_SIZE, Sizeof.cl_ulong),
                deviceLong(id, CL_DEVICE_GLOBAL_MEM_SIZE, Sizeof.cl_ulong),
                deviceLong(id, CL_DEVICE_MAX_MEM_ALLOC_SIZE, Sizeof.cl_ulong),
                (deviceLong(id, CL_DEVICE_SINGLE_FP_CONFIG, Sizeof.cl_ulong) & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0,
                hostUnified(id, kind));
    }

    /** CL_DEVICE_HOST_UNIFIED_MEMORY (deprecated since 2.0, still answered); a device that does not say is taken
     * as unified when it is the CPU. */
    private static boolean hostUnified(cl_device_id id, String kind) {
        try {
            return deviceLong(id, CL_DEVICE_HOST_UNIFIED_MEMORY, Sizeof.cl_uint) != 0;
        } catch (CLException e) {
            return kind.equals("cpu");
        }
    }

    private static long deviceLong(cl_device_id id, int param, int size) {
        if (size == Sizeof.cl_uint) {
            int[] v = new int[1];
            clGetDeviceInfo(id, param, size, Pointer.to(v), null);
            return Integer.toUnsignedLong(v[0]);
        }
        long[] v = new long[1];
        clGetDeviceInfo(id, param, size, Pointer.to(v), null);
        return v[0];
    }

    private static String deviceString(cl_device_id id, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(id, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        clGetDeviceInfo(id, param, b.length, Pointer.to(b), null);
        return cString(b);
    }

    private static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(p, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        clGetPlatformInfo(p, param, b.length, Pointer.to(b), null);
        return cString(b);
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }
}
