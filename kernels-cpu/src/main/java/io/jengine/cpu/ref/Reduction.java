package io.jengine.cpu.ref;

import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;

/** How a scatter combines an update with the element already there: none (replace), add, mul, max, min. */
final class Reduction {
    private Reduction() {}

    /** Returns {@code reduction} when it is one of none, add, mul, max, min; fails naming the attribute otherwise. */
    static String check(String reduction) {
        return switch (reduction) {
            case "none", "add", "mul", "max", "min" -> reduction;
            default -> throw new IllegalArgumentException(
                    "attribute 'reduction' must be none, add, mul, max or min, got '" + reduction + "'");
        };
    }

    /** Combines element {@code from} of {@code upd} into element {@code at} of {@code out}. */
    static void combine(Tensor out, long at, Tensor upd, long from, String reduction) {
        if (reduction.equals("none")) {
            Elements.copy(upd, from, out, at);
            return;
        }
        if (out.dtype().isFloatingPoint()) {
            double a = out.getDouble(at), b = upd.getDouble(from);
            out.setDouble(at, switch (reduction) {
                case "add" -> a + b;
                case "mul" -> a * b;
                case "max" -> Math.max(a, b);
                case "min" -> Math.min(a, b);
                default -> throw new IllegalArgumentException("unknown reduction '" + reduction + "'");
            });
        } else {
            long a = out.getLong(at), b = upd.getLong(from);
            // uint64 arrives as its bit pattern: only the comparisons need to know it is unsigned.
            int c = out.dtype() == DType.UINT64 ? Long.compareUnsigned(a, b) : Long.compare(a, b);
            out.setLong(at, switch (reduction) {
                case "add" -> a + b;
                case "mul" -> a * b;
                case "max" -> c >= 0 ? a : b;
                case "min" -> c <= 0 ? a : b;
                default -> throw new IllegalArgumentException("unknown reduction '" + reduction + "'");
            });
        }
    }
}
