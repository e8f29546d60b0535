package io.jengine.build;

import io.jengine.ir.Graph;
import io.jengine.ir.GraphOrder;
import io.jengine.ir.Node;
import io.jengine.plan.proto.PlanProto.PluginRecord;
import io.jengine.plugin.Plugin;
import io.jengine.plugin.PluginException;
import io.jengine.runtime.Backends;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which plugins a plan depends on: those whose ops its graph holds (it cannot run without them) and those whose
 * backends' tactics its layers run (it runs without them, on the default tactics); and the check, when a plan is
 * loaded, that the first kind are loaded, at the version the plan was built with.
 */
final class PluginUses {
    private PluginUses() {}

    /** The records a plan stores: one per plugin it uses, in the backends' plugin order. */
    static List<PluginRecord> of(Graph graph, Map<String, String> tactics, Backends backends) {
        Map<Plugin, PluginRecord.Builder> used = new LinkedHashMap<>();
        for (Plugin p : backends.plugins()) used.put(p, PluginRecord.newBuilder().setName(p.name()).setVersion(p.version()));
        Map<Plugin, TreeSet<String>> ops = new LinkedHashMap<>();
        Map<Plugin, TreeSet<String>> names = new LinkedHashMap<>();
        collectOps(graph, backends, ops);
        for (String key : tactics.values()) {
            int colon = key.indexOf(':');
            Plugin p = colon < 0 ? null : backends.pluginOf(key.substring(0, colon));
            if (p != null) names.computeIfAbsent(p, k -> new TreeSet<>()).add(key.substring(0, colon));
        }
        List<PluginRecord> out = new ArrayList<>();
        used.forEach((p, b) -> {
            if (!ops.containsKey(p) && !names.containsKey(p)) return;
            b.addAllOps(ops.getOrDefault(p, new TreeSet<>())).addAllBackends(names.getOrDefault(p, new TreeSet<>()));
            out.add(b.build());
        });
        return out;
    }

    private static void collectOps(Graph g, Backends backends, Map<Plugin, TreeSet<String>> ops) {
        for (Node n : g.nodes()) {
            Backends.DefinedOp d = backends.definedOp(n.domain(), n.opType(), g.opset(n.domain()));
            if (d != null && d.plugin() != null) ops.computeIfAbsent(d.plugin(), k -> new TreeSet<>()).add(d.definition().key());
            for (var a : n.attributes().values()) for (Graph body : GraphOrder.bodies(a)) collectOps(body, backends, ops);
        }
    }

    /**
     * Refuses a plan whose graph holds ops of a plugin that is not loaded, or loaded at another version, naming the
     * plugin, its ops and how to load it; returns a warning for each plugin whose tactics alone are missing or
     * of another version.
     */
    static List<String> check(Path planFile, List<PluginRecord> records, Backends backends) {
        List<String> warnings = new ArrayList<>();
        for (PluginRecord r : records) {
            Plugin loaded = backends.plugins().stream().filter(p -> p.name().equals(r.getName())).findFirst().orElse(null);
            boolean required = r.getOpsCount() > 0;
            if (loaded == null) {
                if (required) {
                    throw new PluginException("plan " + planFile + " needs plugin '" + r.getName() + "' "
                            + r.getVersion() + " for op" + (r.getOpsCount() == 1 ? " " : "s ")
                            + String.join(", ", r.getOpsList()) + ": load it with --plugin PATH.jar (or"
                            + " --plugin-path DIR; in Java, EngineBuilder.plugins(...))");
                }
                warnings.add(planFile + " chose tactics of plugin '" + r.getName() + "' (" + String.join(", ",
                        r.getBackendsList()) + "), which is not loaded: those layers run the default tactics");
            } else if (!loaded.version().equals(r.getVersion())) {
                if (required) {
                    throw new PluginException("plan " + planFile + " was built with plugin '" + r.getName() + "' "
                            + r.getVersion() + ", but " + loaded.jar() + " is version " + loaded.version()
                            + ": load that version or build the plan again");
                }
                warnings.add(planFile + " was tuned with plugin '" + r.getName() + "' " + r.getVersion()
                        + "; version " + loaded.version() + " is loaded: its tactics may not be the fastest");
            }
        }
        return warnings;
    }
}
