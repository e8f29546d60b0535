package io.jengine.spi;

import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.List;

/** A backend whose kernels all come from one {@link KernelRegistry}: one tactic per node, named after the op. */
public class RegistryBackend implements Backend {
    private final String name;
    private final int priority;
    private final KernelRegistry registry;

    public RegistryBackend(String name, int priority, KernelRegistry registry) {
        this.name = name;
        this.priority = priority;
        this.registry = registry;
    }

    public KernelRegistry registry() { return registry; }

    @Override
    public String name() { return name; }

    @Override
    public int priority() { return priority; }

    @Override
    public List<Tactic> tactics(NodeContext ctx) {
        KernelRegistry.Entry e = registry.find(ctx.node().domain(), ctx.node().opType(), ctx.opsetVersion());
        if (e == null) return List.of();
        // Element type constraint on the first input: unknown statically means "decide at run time".
        if (!e.dtypes().isEmpty() && ctx.inputType(0) instanceof ValueType.TensorType t
                && !e.dtypes().contains(t.elementType())) {
            return List.of();
        }
        return List.of(new Tactic(name, "ref." + e.opType(), () -> checked(e, e.factory().create(ctx))));
    }

    private static Kernel checked(KernelRegistry.Entry e, ValueKernel k) {
        if (e.dtypes().isEmpty()) return k;
        java.util.Set<DType> allowed = e.dtypes();
        return (ValueKernel) (c, in) -> {
            if (in.length > 0 && in[0] instanceof Tensor t && !allowed.contains(t.dtype())) {
                throw new IllegalArgumentException("input 0 has element type " + t.dtype() + ", " + e.opType()
                        + " supports " + allowed);
            }
            return k.run(c, in);
        };
    }
}
