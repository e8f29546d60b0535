package io.jengine.cpu.ref;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.infer.InferenceRegistry;
import io.jengine.spi.KernelRegistry;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every op the reference backend runs also has a static inference rule, so models using it get typed at load. */
class InferenceCoverageTest {

    @Test
    void everyReferenceKernelHasAnInferenceRule() {
        InferenceRegistry rules = InferenceRegistry.onnx();
        Set<String> missing = new TreeSet<>();
        for (KernelRegistry.Entry e : ReferenceKernels.registry().entries()) {
            if (rules.find(e.domain(), e.opType(), e.sinceVersion()) == null) {
                missing.add((e.domain().isEmpty() ? "" : e.domain() + "::") + e.opType() + "@" + e.sinceVersion());
            }
        }
        assertTrue(missing.isEmpty(), "ops without an inference rule: " + missing);
    }
}
