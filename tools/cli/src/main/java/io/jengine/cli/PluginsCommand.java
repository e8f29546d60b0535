package io.jengine.cli;

import io.jengine.plugin.Plugin;
import io.jengine.runtime.Backends;
import io.jengine.spi.Backend;
import io.jengine.spi.Device;
import io.jengine.spi.OpDefinition;
import io.jengine.spi.SpiVersion;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code engine plugins --plugin X.jar ...}: what each plugin brings (name, version, jar; its ops with their opset
 * version and whether they fold; its backends with priority, devices and the tactics they say they offer), after the
 * engine's own backends. Loading the jars is the check: a bad one fails here as it would in a build.
 */
@Command(name = "plugins", description = "List the plugins loaded with --plugin/--plugin-path: their ops, backends, tactics and devices.")
final class PluginsCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    PluginOptions plugins = new PluginOptions();

    @Override
    public Integer call() {
        Backends backends = plugins.backends();
        System.out.println("engine SPI version " + SpiVersion.CURRENT + "; built-in backends: " + String.join(", ",
                backends.ordered().stream().filter(b -> backends.pluginOf(b.name()) == null && !b.name().equals(Backends.PLUGIN_REFERENCE))
                        .map(b -> b.name() + " (" + b.priority() + ")").toList()));
        if (backends.plugins().isEmpty()) {
            System.out.println("no plugins loaded (--plugin PATH.jar, --plugin-path DIR)");
            return 0;
        }
        for (Plugin p : backends.plugins()) {
            System.out.println();
            System.out.println("plugin " + p.label() + "  (" + p.jar() + ")");
            List<OpDefinition> ops = p.contributions().ops();
            for (OpDefinition d : ops) {
                System.out.println("  op " + d.key() + " since opset " + d.sinceVersion() + (d.foldable() ? ", foldable" : ", not folded"));
            }
            for (Backend b : p.contributions().backends()) {
                List<String> devices = b.devices().stream().map(Device::name).toList();
                System.out.println("  backend " + b.name() + " priority " + b.priority() + ", runs on "
                        + (devices.isEmpty() ? Backends.HOST : String.join(", ", devices))
                        + (b.devicesMissing() != null ? " (no device: " + b.devicesMissing() + ")" : ""));
                for (String t : b.tacticNames()) System.out.println("    tactic " + b.name() + ":" + t.substring(t.indexOf(": ") + 2)
                        + "  for " + t.substring(0, Math.max(0, t.indexOf(": "))));
            }
            if (ops.isEmpty() && p.contributions().backends().isEmpty()) System.out.println("  (contributes nothing)");
        }
        return 0;
    }
}
