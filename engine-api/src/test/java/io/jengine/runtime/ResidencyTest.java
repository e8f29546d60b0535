package io.jengine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.Node;
import io.jengine.spi.Device;
import io.jengine.spi.DeviceMemory;
import io.jengine.spi.Kernel;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which values the plan copies to a device before a step, and which it leaves where they are. */
class ResidencyTest {
    private static final Device GPU = new Device() {
        @Override public String name() { return "gpu:0"; }
        @Override public String description() { return "a test device"; }
        @Override public DeviceMemory openMemory() { throw new UnsupportedOperationException(); }
    };

    /** A kernel that holds the given inputs itself. */
    private static Kernel holding(int... inputs) {
        return new Kernel() {
            @Override public void run(io.jengine.spi.KernelContext ctx) {}
            @Override public boolean holdsInput(int i) { return Arrays.stream(inputs).anyMatch(h -> h == i); }
        };
    }

    private static List<Integer> copied(Transfer[] t) { return Arrays.stream(t).map(Transfer::slot).toList(); }

    @Test
    void weightsAKernelHoldsAreNotCopiedToItsDevice() {
        Map<String, Integer> slots = Map.of("x", 0, "w", 1, "b", 2, "y", 3, "z", 4);
        Node conv = Node.builder("Conv").name("c").inputs("x", "w", "b").outputs("y").build();

        Residency plain = new Residency(slots, Set.of(1, 2));
        Transfer[] all = plain.step(conv, holding(), GPU, new int[] {3}, false);
        assertEquals(List.of(0, 1, 2), copied(all));
        assertEquals(List.of(false, true, true), Arrays.stream(all).map(Transfer::constant).toList());

        Residency held = new Residency(slots, Set.of(1, 2));
        assertEquals(List.of(0), copied(held.step(conv, holding(1, 2), GPU, new int[] {3}, false)));
        // a later node that reads the weights on the device gets them copied then
        Node add = Node.builder("Add").name("a").inputs("y", "w").outputs("z").build();
        assertEquals(List.of(1), copied(held.step(add, holding(), GPU, new int[] {4}, false)));
    }

    @Test
    void aValueTheNodeAlsoReadsAsAnInputItDoesNotHoldIsCopied() {
        Map<String, Integer> slots = Map.of("x", 0, "w", 1, "y", 2);
        Node node = Node.builder("Op").name("n").inputs("x", "w", "w").outputs("y").build();
        Residency r = new Residency(slots, Set.of(1));
        assertEquals(List.of(0, 1), copied(r.step(node, holding(1), GPU, new int[] {2}, false)));
    }
}
