package io.jengine.cli;

import io.jengine.runtime.Backends;
import io.jengine.spi.Backend;
import io.jengine.spi.Device;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code engine devices}: the names {@code --device} takes, the host first, then every device of every backend with
 * memory of its own (OpenCL's {@code opencl:N}), with what each is.
 */
@Command(name = "devices", description = "List the devices --device can name (cpu, opencl:N ...).")
final class DevicesCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    PluginOptions plugins = new PluginOptions();

    @Override
    public Integer call() {
        Backends backends = plugins.backends();
        System.out.println(Backends.HOST + "\t" + Runtime.getRuntime().availableProcessors() + " cores: "
                + String.join(", ", backends.ordered().stream().filter(b -> b.devices().isEmpty())
                        .map(Backend::name).toList()));
        for (Backend b : backends.ordered()) {
            for (Device d : b.devices()) System.out.println(d.name() + "\t" + d.description());
            String missing = b.devicesMissing();
            if (missing != null) System.out.println("(no " + b.name() + " device: " + missing + ")");
        }
        return 0;
    }
}
