package io.jengine.cpu.ref;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.infer.InferenceRegistry;
import io.jengine.spi.KernelRegistry;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every op the reference backend runs has a static type and shape inference rule, at every registered version. */
class InferenceCoverageTest {
    @Test
    void everyKernelOpHasAnInferenceRule() {
        TreeSet<String> missing = new TreeSet<>();
        for (KernelRegistry.Entry e : ReferenceKernels.registry().entries()) {
            if (InferenceRegistry.onnx().find(e.domain(), e.opType(), e.sinceVersion()) == null) {
                missing.add((e.domain().isEmpty() ? "" : e.domain() + ".") + e.opType() + "-" + e.sinceVersion());
            }
        }
        assertEquals(List.of(), List.copyOf(missing), "ops without an inference rule at their registered version");
    }
}
