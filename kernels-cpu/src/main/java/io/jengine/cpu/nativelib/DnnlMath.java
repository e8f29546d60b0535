package io.jengine.cpu.nativelib;

import java.util.function.Supplier;

/**
 * The floating-point arithmetic the oneDNN float primitives created in a scope use: float32 (the default), or
 * bfloat16 products with float32 accumulation, what {@code --bf16} asks for on a layer with the {@code fpmath}
 * attribute: the primitive reads its source and weights as bfloat16 (rounded to nearest even from the caller's float32)
 * and writes float32. A scope rather than a parameter: every float primitive a tactic prepares
 * (a convolution, its Winograd matmuls, a matmul) takes it, through preparation paths that otherwise know nothing of
 * it. Integer primitives ignore it.
 */
public final class DnnlMath {
    private static final ScopedValue<Boolean> BF16 = ScopedValue.newInstance();

    private DnnlMath() {}

    /** {@code prepare} run with bfloat16 arithmetic allowed when {@code bf16}, else as it is. */
    public static <T> T allowingBf16(boolean bf16, Supplier<T> prepare) {
        if (!bf16) return prepare.get();
        return ScopedValue.where(BF16, Boolean.TRUE).call(prepare::get);
    }

    /** Whether the primitive being created may compute in bfloat16. */
    static boolean bf16() { return BF16.orElse(Boolean.FALSE); }
}
