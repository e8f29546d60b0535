package io.jengine.runtime;

import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.spi.RegistryBackend;
import io.jengine.tensor.Tensor;

/** A two-op float backend (Add, Mul without broadcasting) so the runtime can be tested without kernels-cpu. */
final class TestBackend extends RegistryBackend {
    TestBackend() {
        super("test", 0, new KernelRegistry()
                .add("Add", 1, n -> (ctx, in) -> new Value[] {apply((Tensor) in[0], (Tensor) in[1], '+')})
                .add("Mul", 1, n -> (ctx, in) -> new Value[] {apply((Tensor) in[0], (Tensor) in[1], '*')}));
    }

    private static Tensor apply(Tensor a, Tensor b, char op) {
        Tensor out = Tensor.allocate(a.dtype(), a.shape());
        for (long i = 0; i < a.size(); i++) {
            out.setDouble(i, op == '+' ? a.getDouble(i) + b.getDouble(i) : a.getDouble(i) * b.getDouble(i));
        }
        return out;
    }
}
