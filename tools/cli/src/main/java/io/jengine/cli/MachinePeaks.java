package io.jengine.cli;

import io.jengine.opt.Roofline;
import io.jengine.runtime.Backends;
import io.jengine.tune.device.DeviceDescription;
import java.io.PrintStream;
import java.util.List;

/**
 * The machine's roofline for {@code engine inspect}: the tuner's {@link DeviceDescription} (measured once and cached
 * under ~/.cache/jengine/device, keyed by the device fingerprint), read as all-core peak compute and all-core DRAM
 * bandwidth. The description measures one core's DRAM stream, so all cores' is taken as that times the cores: an
 * upper bound, which a machine whose memory channels saturate first does not reach.
 */
final class MachinePeaks {
    private MachinePeaks() {}

    static Roofline get(boolean remeasure, PrintStream progress) {
        // The libraries of the backends found, as the tuner names them, so that both share one cached description.
        List<String> libraries = Backends.discover().ordered().stream().flatMap(b -> b.libraries().stream()).toList();
        DeviceDescription d = remeasure ? DeviceDescription.measure(libraries, progress)
                : DeviceDescription.host(libraries, progress);
        return new Roofline(d.peakGflops(), d.dramGBps() * d.cores());
    }
}
