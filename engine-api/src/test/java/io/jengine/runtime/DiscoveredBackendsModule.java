package io.jengine.runtime;

import io.jengine.tensor.Value;
import io.jengine.spi.BackendModule;
import io.jengine.spi.KernelRegistry;
import io.jengine.spi.RegistryBackend;
import io.jengine.tensor.Tensor;

/**
 * Stands in for third-party backend jars: listed in this module's test META-INF/services, it contributes the basic
 * {@link TestBackend} and a higher-priority backend that only runs Mul, so discovery, injection and partitioning can be
 * observed.
 */
public final class DiscoveredBackendsModule extends BackendModule {
    /** Runs Mul only, and says so in its name; priority above the fallback. */
    static final class MulOnlyBackend extends RegistryBackend {
        MulOnlyBackend() {
            super("test-mul-only", 5, new KernelRegistry().add("Mul", 1, n -> (ctx, in) -> {
                Tensor a = (Tensor) in[0], b = (Tensor) in[1];
                Tensor out = Tensor.allocate(a.dtype(), a.shape());
                for (long i = 0; i < a.size(); i++) out.setDouble(i, a.getDouble(i) * b.getDouble(i));
                return new Value[] {out};
            }));
        }
    }

    @Override
    protected void configure() {
        addBackend(TestBackend.class);
        addBackend(MulOnlyBackend.class);
    }
}
