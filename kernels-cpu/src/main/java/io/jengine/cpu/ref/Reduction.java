package io.jengine.cpu.ref;

import io.jengine.tensor.Tensor;

/** How a scatter combines an update with the element already there: none (replace), add, mul, max, min. */
final class Reduction {
    private Reduction() {}

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
            out.setLong(at, switch (reduction) {
                case "add" -> a + b;
                case "mul" -> a * b;
                case "max" -> Math.max(a, b);
                case "min" -> Math.min(a, b);
                default -> throw new IllegalArgumentException("unknown reduction '" + reduction + "'");
            });
        }
    }
}
