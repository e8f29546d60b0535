package io.jengine.runtime;

import io.jengine.ir.GraphOrder;
import io.jengine.ir.Node;
import io.jengine.spi.Device;
import io.jengine.spi.Kernel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each value's current bytes are as a plan runs, step by step (the host, a device, or both after a copy), and
 * so which copies the plan must make: a step on the host reads its inputs' host bytes, a step on a device their copies
 * there, and graph outputs end on the host. Inputs and constants start on the host; a step's outputs are current
 * only where it ran; a view the session made once ({@link Kernel#viewOf()}, the step elided) shares its input's
 * bytes, so a copy of one is a copy of both and the view moves nothing (a view kernel that runs copies like any step). Decided once per plan: every run makes the same copies.
 */
final class Residency {
    /** The host among the places a value can be. */
    private static final Object HOST = "host";

    private final Map<String, Integer> slots;
    private final Set<Integer> constants;
    private final Map<Integer, Set<Object>> where = new HashMap<>();

    /** {@code constants}: the slots of the graph's initializers, which stay on a device once copied there. */
    Residency(Map<String, Integer> slots, Set<Integer> constants) {
        this.slots = slots;
        this.constants = constants;
    }

    /** The copies that must precede {@code node}'s step on {@code device} (null: the host); records its outputs. */
    Transfer[] step(Node node, Kernel kernel, Device device, int[] outputs, boolean elided) {
        Object place = device == null ? HOST : device;
        int view = kernel.viewOf();
        if (elided && view >= 0 && view < node.inputs().size() && !node.inputs().get(view).isEmpty()) {
            where.put(outputs[0], placesOf(slots.get(node.inputs().get(view))));
            return new Transfer[0];
        }
        List<Transfer> copies = new ArrayList<>();
        // inputs the kernel holds itself stay where they are, unless the node also reads them another way
        Set<String> held = new HashSet<>();
        for (int i = 0; i < node.inputs().size(); i++) {
            if (!node.inputs().get(i).isEmpty() && kernel.holdsInput(i)) held.add(node.inputs().get(i));
        }
        for (int i = 0; i < node.inputs().size(); i++) {
            if (!kernel.holdsInput(i)) held.remove(node.inputs().get(i));
        }
        for (String in : GraphOrder.reads(node)) {
            Integer slot = in.isEmpty() || held.contains(in) ? null : slots.get(in);
            if (slot != null) bring(slot, place, copies);
        }
        for (int out : outputs) {
            if (out < 0) continue;
            Set<Object> s = new HashSet<>();
            s.add(place);
            where.put(out, s);
        }
        return copies.toArray(Transfer[]::new);
    }

    /** The copies that bring these values to the host (graph outputs at the end of a run). */
    Transfer[] toHost(List<String> names) {
        List<Transfer> copies = new ArrayList<>();
        for (String n : names) {
            Integer slot = slots.get(n);
            if (slot != null) bring(slot, HOST, copies);
        }
        return copies.toArray(Transfer[]::new);
    }

    private Set<Object> placesOf(int slot) {
        return where.computeIfAbsent(slot, k -> {
            Set<Object> s = new HashSet<>();
            s.add(HOST);
            return s;
        });
    }

    private void bring(int slot, Object place, List<Transfer> copies) {
        Set<Object> s = placesOf(slot);
        if (s.contains(place)) return;
        if (!s.contains(HOST)) {
            Device from = (Device) s.iterator().next();
            copies.add(new Transfer(slot, from, false, false));
            s.add(HOST);
        }
        if (place != HOST) {
            copies.add(new Transfer(slot, (Device) place, true, constants.contains(slot)));
            s.add(place);
        }
    }
}
