package io.jengine.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import io.jengine.runtime.Backends;
import io.jengine.spi.Device;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The OpenCL device the tests run on (the first one listed; {@code JENGINE_TEST_DEVICE} names another). Without one
 * the tests skip, except under {@code CI=true}, where a missing OpenCL platform is a failure: CI installs PoCL.
 */
final class OpenClTestDevice {
    private OpenClTestDevice() {}

    static String name() {
        Backends all = Backends.discover();
        List<Device> devices = all.devices();
        String wanted = System.getenv("JENGINE_TEST_DEVICE");
        if (devices.isEmpty()) {
            String why = "no OpenCL device: " + new OpenClBackend().devicesMissing();
            if ("true".equals(System.getenv("CI"))) fail(why + " (CI installs pocl-opencl-icd and ocl-icd-opencl-dev)");
            Assumptions.abort(why);
        }
        return wanted != null && !wanted.isBlank() ? wanted : devices.getFirst().name();
    }

    /** The backends for running on the test device: OpenCL first, the host's behind it. */
    static Backends backends() { return Backends.discover().forDevice(name()); }
}
