package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.tensor.Value;
import io.jengine.spi.ValueKernel;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;

/**
 * Broadcasting binary and variadic ops: arithmetic, comparisons, logic, bit operations, Where and Clip. Integer
 * arithmetic wraps like C; uint64 is compared, divided and shifted as unsigned.
 */
final class BinaryKernels {
    private BinaryKernels() {}

    /** A comparison of two elements already read as doubles or as longs. */
    interface DoubleTest { boolean test(double a, double b); }

    interface LongTest { boolean test(long a, long b); }

    static void register(KernelRegistry r) {
        r.add("Add", 1, n -> arith(Double::sum, Long::sum, Long::sum));
        r.add("Sub", 1, n -> arith((a, b) -> a - b, (a, b) -> a - b, (a, b) -> a - b));
        r.add("Mul", 1, n -> arith((a, b) -> a * b, (a, b) -> a * b, (a, b) -> a * b));
        r.add("Div", 1, n -> arith((a, b) -> a / b, BinaryKernels::divide, BinaryKernels::divideUnsigned));
        r.add("Pow", 1, n -> (ctx, in) -> {
            Tensor a = tensor(in, 0), b = tensor(in, 1);
            DType t = a.dtype();
            for (Tensor x : new Tensor[] {a, b}) {
                if (!x.dtype().isFloatingPoint() && !x.dtype().isInteger()) {
                    throw new IllegalArgumentException("Pow needs numeric inputs, got " + a.dtype() + " and " + b.dtype());
                }
            }
            // Integer to an integer power is exact and wraps like C; a float on either side goes through Math.pow.
            boolean exact = t.isInteger() && b.dtype().isInteger();
            return new Value[] {Broadcasting.map(t, (out, o, i) -> {
                if (exact) {
                    out.setLong(o, intPow(a.getLong(i[0]), b.getLong(i[1])));
                    return;
                }
                double v = Math.pow(a.getDouble(i[0]), b.getDouble(i[1]));
                if (t.isFloatingPoint()) out.setDouble(o, v); else out.setLong(o, (long) v);
            }, a, b)};
        });
        r.add("Mod", 10, n -> {
            boolean fmod = n.node().attrInt("fmod", 0) != 0;
            return arith((a, b) -> fmod ? a % b : pyMod(a, b), fmod ? BinaryKernels::remainder : BinaryKernels::floorMod,
                    BinaryKernels::remainderUnsigned);
        });
        r.add("BitShift", 11, n -> {
            String dir = n.node().attrString("direction", "");
            if (!dir.equals("LEFT") && !dir.equals("RIGHT")) {
                throw new IllegalArgumentException("attribute direction must be LEFT or RIGHT, got '" + dir + "'");
            }
            boolean left = dir.equals("LEFT");
            return (ctx, in) -> {
                Tensor a = tensor(in, 0), b = tensor(in, 1);
                DType t = a.dtype();
                if (!t.isInteger()) throw new IllegalArgumentException("element type " + t + " is not an integer type");
                int width = t.byteSize() * 8;
                boolean signed = !t.isUnsigned();
                // The shift amount is read as unsigned: a negative amount is a huge one, past the width.
                return new Value[] {Broadcasting.map(t, (o, e, i) -> {
                    long x = a.getLong(i[0]), s = b.getLong(i[1]);
                    boolean past = s < 0 || s >= width;
                    long y = left ? (past ? 0 : x << s)
                            : signed ? (past ? (x < 0 ? -1 : 0) : x >> s) : (past ? 0 : x >>> s);
                    o.setLong(e, y);
                }, a, b)};
            };
        });
        r.add("BitwiseAnd", 18, n -> arith(null, (a, b) -> a & b, (a, b) -> a & b));
        r.add("BitwiseOr", 18, n -> arith(null, (a, b) -> a | b, (a, b) -> a | b));
        r.add("BitwiseXor", 18, n -> arith(null, (a, b) -> a ^ b, (a, b) -> a ^ b));
        r.add("And", 1, n -> arith(null, (a, b) -> a & b, (a, b) -> a & b));
        r.add("Or", 1, n -> arith(null, (a, b) -> a | b, (a, b) -> a | b));
        r.add("Xor", 1, n -> arith(null, (a, b) -> a ^ b, (a, b) -> a ^ b));
        r.add("Equal", 1, n -> compare((a, b) -> a == b, (a, b) -> a == b, (a, b) -> a == b, true));
        r.add("Less", 1, n -> compare((a, b) -> a < b, (a, b) -> a < b, (a, b) -> Long.compareUnsigned(a, b) < 0, false));
        r.add("LessOrEqual", 12, n -> compare((a, b) -> a <= b, (a, b) -> a <= b,
                (a, b) -> Long.compareUnsigned(a, b) <= 0, false));
        r.add("Greater", 1, n -> compare((a, b) -> a > b, (a, b) -> a > b, (a, b) -> Long.compareUnsigned(a, b) > 0, false));
        r.add("GreaterOrEqual", 12, n -> compare((a, b) -> a >= b, (a, b) -> a >= b,
                (a, b) -> Long.compareUnsigned(a, b) >= 0, false));
        r.add("Sum", 1, n -> variadic(Fold.SUM));
        r.add("Mean", 1, n -> variadic(Fold.MEAN));
        r.add("Max", 1, n -> variadic(Fold.MAX));
        r.add("Min", 1, n -> variadic(Fold.MIN));
        r.add("PRelu", 1, n -> {
            io.jengine.spi.ValueKernel prelu = arith((x, s) -> x < 0 ? s * x : x, (x, s) -> x < 0 ? s * x : x, (x, s) -> x);
            if (n.opsetVersion() >= 7) return prelu;
            // Before opset 7 a 1-D slope of length C applied per channel (axis 1), not numpy-style.
            return (ctx, in) -> {
                Tensor x = tensor(in, 0), slope = tensor(in, 1);
                if (slope.rank() == 1 && x.rank() > 2 && slope.dim(0) == x.dim(1) && slope.dim(0) != 1) {
                    long[] s = new long[x.rank() - 1];
                    java.util.Arrays.fill(s, 1);
                    s[0] = slope.dim(0);
                    slope = slope.reshape(s);
                }
                return prelu.run(ctx, new Value[] {x, slope});
            };
        });
        r.add("Where", 9, n -> (ctx, in) -> {
            Tensor c = tensor(in, 0), x = tensor(in, 1), y = tensor(in, 2);
            if (x.dtype() != y.dtype()) {
                throw new IllegalArgumentException("X is " + x.dtype() + " but Y is " + y.dtype());
            }
            return new Value[] {Broadcasting.map(x.dtype(), (out, o, i) ->
                    Elements.copy(c.getLong(i[0]) != 0 ? x : y, c.getLong(i[0]) != 0 ? i[1] : i[2], out, o), c, x, y)};
        });
        ClipKernel.register(r);
    }

    private static long divide(long a, long b) {
        if (b == 0) throw new IllegalArgumentException("integer division by zero");
        return a / b;
    }

    private static long divideUnsigned(long a, long b) {
        if (b == 0) throw new IllegalArgumentException("integer division by zero");
        return Long.divideUnsigned(a, b);
    }

    private static long remainderUnsigned(long a, long b) {
        if (b == 0) throw new IllegalArgumentException("integer modulo by zero");
        return Long.remainderUnsigned(a, b);
    }

    /** base^exp by squaring, wrapping on overflow; a negative exponent gives 0 except for bases 1 and -1. */
    static long intPow(long base, long exp) {
        if (exp < 0) return base == 1 ? 1 : base == -1 ? ((exp & 1) == 0 ? 1 : -1) : 0;
        long r = 1;
        while (exp > 0) {
            if ((exp & 1) != 0) r *= base;
            base *= base;
            exp >>= 1;
        }
        return r;
    }

    private static long remainder(long a, long b) {
        if (b == 0) throw new IllegalArgumentException("integer modulo by zero");
        return a % b;
    }

    private static long floorMod(long a, long b) {
        if (b == 0) throw new IllegalArgumentException("integer modulo by zero");
        return Math.floorMod(a, b);
    }

    /** Python's float modulo: the result takes the divisor's sign. */
    private static double pyMod(double a, double b) {
        double r = a % b;
        return r != 0 && (r < 0) != (b < 0) ? r + b : r;
    }

    static double maxNan(double a, double b) { return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b); }

    static double minNan(double a, double b) { return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b); }

    /**
     * Same-type broadcasting arithmetic: {@code f} on floating types, {@code g} on signed integers and bool,
     * {@code u} on uint64 (smaller unsigned types fit in a non-negative long and use {@code g}).
     */
    static ValueKernel arith(DoubleBinaryOperator f, LongBinaryOperator g, LongBinaryOperator u) {
        return (ctx, in) -> {
            Tensor a = tensor(in, 0), b = tensor(in, 1);
            DType t = a.dtype();
            if (b.dtype() != t) throw new IllegalArgumentException("input 0 is " + t + " but input 1 is " + b.dtype());
            if (t == DType.STRING || (t.isFloatingPoint() && f == null) || (!t.isFloatingPoint() && g == null)) {
                throw new IllegalArgumentException("element type " + t + " is not supported");
            }
            Tensor out;
            if (t.isFloatingPoint()) {
                out = Broadcasting.map(t, (o, e, i) -> o.setDouble(e, f.applyAsDouble(a.getDouble(i[0]), b.getDouble(i[1]))), a, b);
            } else {
                LongBinaryOperator op = t == DType.UINT64 ? u : g;
                out = Broadcasting.map(t, (o, e, i) -> o.setLong(e, op.applyAsLong(a.getLong(i[0]), b.getLong(i[1]))), a, b);
            }
            return new Value[] {out};
        };
    }

    static ValueKernel compare(DoubleTest f, LongTest g, LongTest u, boolean strings) {
        return (ctx, in) -> {
            Tensor a = tensor(in, 0), b = tensor(in, 1);
            DType t = a.dtype();
            if (b.dtype() != t) throw new IllegalArgumentException("input 0 is " + t + " but input 1 is " + b.dtype());
            Broadcasting.ElementOp op;
            if (t == DType.STRING) {
                if (!strings) throw new IllegalArgumentException("strings cannot be ordered by this op");
                op = (o, e, i) -> o.setLong(e, a.getString(i[0]).equals(b.getString(i[1])) ? 1 : 0);
            } else if (t.isFloatingPoint()) {
                op = (o, e, i) -> o.setLong(e, f.test(a.getDouble(i[0]), b.getDouble(i[1])) ? 1 : 0);
            } else {
                LongTest test = t == DType.UINT64 ? u : g;
                op = (o, e, i) -> o.setLong(e, test.test(a.getLong(i[0]), b.getLong(i[1])) ? 1 : 0);
            }
            return new Value[] {Broadcasting.map(DType.BOOL, op, a, b)};
        };
    }

    /** The variadic reductions across inputs. */
    enum Fold { SUM, MEAN, MAX, MIN }

    /** Sum, Mean, Max, Min over any number of broadcast inputs; Max and Min propagate NaN as numpy does. */
    static ValueKernel variadic(Fold fold) {
        return (ctx, in) -> {
            if (in.length == 0) throw new IllegalArgumentException("at least one input is required, got none");
            Tensor[] xs = new Tensor[in.length];
            for (int i = 0; i < in.length; i++) xs[i] = tensor(in, i);
            DType t = xs[0].dtype();
            for (Tensor x : xs) {
                if (x.dtype() != t) throw new IllegalArgumentException("inputs mix " + t + " and " + x.dtype());
            }
            if (t == DType.STRING || t == DType.BOOL) throw new IllegalArgumentException("element type " + t + " is not supported");
            return new Value[] {Broadcasting.map(t, (o, e, idx) -> {
                if (t.isFloatingPoint()) {
                    double acc = xs[0].getDouble(idx[0]);
                    for (int k = 1; k < xs.length; k++) {
                        double v = xs[k].getDouble(idx[k]);
                        acc = switch (fold) {
                            case SUM, MEAN -> acc + v;
                            case MAX -> maxNan(acc, v);
                            case MIN -> minNan(acc, v);
                        };
                    }
                    o.setDouble(e, fold == Fold.MEAN ? acc / xs.length : acc);
                } else {
                    long acc = xs[0].getLong(idx[0]);
                    for (int k = 1; k < xs.length; k++) {
                        long v = xs[k].getLong(idx[k]);
                        int cmp = t == DType.UINT64 ? Long.compareUnsigned(v, acc) : Long.compare(v, acc);
                        acc = switch (fold) {
                            case SUM, MEAN -> acc + v;
                            case MAX -> cmp > 0 ? v : acc;
                            case MIN -> cmp < 0 ? v : acc;
                        };
                    }
                    o.setLong(e, fold == Fold.MEAN ? acc / xs.length : acc);
                }
            }, xs)};
        };
    }
}
