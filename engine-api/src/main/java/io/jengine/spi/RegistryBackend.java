package io.jengine.spi;

import io.jengine.errors.GraphValidationException;
import io.jengine.tensor.ValueType;

/** A backend whose kernels all come from one {@link KernelRegistry}. */
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
    public boolean supports(NodeContext ctx) {
        KernelRegistry.Entry e = registry.find(ctx.node().domain(), ctx.node().opType(), ctx.opsetVersion());
        if (e == null) return false;
        if (e.dtypes().isEmpty()) return true;
        // Element type constraint on the first input: unknown statically means "decide at run time".
        return !(ctx.inputType(0) instanceof ValueType.TensorType t) || e.dtypes().contains(t.elementType());
    }

    @Override
    public Kernel prepare(NodeContext ctx) {
        KernelRegistry.Entry e = registry.find(ctx.node().domain(), ctx.node().opType(), ctx.opsetVersion());
        if (e == null) {
            throw new GraphValidationException("backend " + name + " has no kernel for " + ctx.node().label()
                    + " at opset " + ctx.opsetVersion());
        }
        Kernel k = e.factory().create(ctx);
        if (e.dtypes().isEmpty()) return k;
        return (c, in) -> {
            if (in.length > 0 && in[0] instanceof io.jengine.tensor.Tensor t && !e.dtypes().contains(t.dtype())) {
                throw new IllegalArgumentException("input 0 has element type " + t.dtype() + ", " + e.opType()
                        + " supports " + e.dtypes());
            }
            return k.run(c, in);
        };
    }
}
