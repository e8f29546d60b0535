package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.tensor.Value;
import io.jengine.spi.ValueKernel;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongUnaryOperator;

/**
 * Unary math and activations: one element in, one element out, same type. Floating types are computed in double and
 * rounded once on store; the integer forms some ops allow (Abs, Neg, Sign, Relu ...) are computed in long.
 */
final class ElementwiseKernels {
    private ElementwiseKernels() {}

    static void register(KernelRegistry r) {
        r.add("Abs", 1, n -> unary(Math::abs, Math::abs, x -> x));
        r.add("Neg", 1, n -> unary(x -> -x, x -> -x));
        r.add("Reciprocal", 1, n -> unary(x -> 1 / x, null));
        r.add("Sqrt", 1, n -> unary(Math::sqrt, null));
        r.add("Exp", 1, n -> unary(Math::exp, null));
        r.add("Log", 1, n -> unary(Math::log, null));
        r.add("Floor", 1, n -> unary(Math::floor, null));
        r.add("Ceil", 1, n -> unary(Math::ceil, null));
        r.add("Round", 11, n -> unary(Math::rint, null)); // half to even, as numpy
        r.add("Sign", 9, n -> unary(UnaryMath::sign, Long::signum, x -> x == 0 ? 0 : 1));
        r.add("Erf", 9, n -> unary(UnaryMath::erf, null));
        r.add("Sin", 7, n -> unary(Math::sin, null));
        r.add("Cos", 7, n -> unary(Math::cos, null));
        r.add("Tan", 7, n -> unary(Math::tan, null));
        r.add("Asin", 7, n -> unary(Math::asin, null));
        r.add("Acos", 7, n -> unary(Math::acos, null));
        r.add("Atan", 7, n -> unary(Math::atan, null));
        r.add("Sinh", 9, n -> unary(Math::sinh, null));
        r.add("Cosh", 9, n -> unary(Math::cosh, null));
        r.add("Tanh", 1, n -> unary(Math::tanh, null));
        r.add("Asinh", 9, n -> unary(UnaryMath::asinh, null));
        r.add("Acosh", 9, n -> unary(UnaryMath::acosh, null));
        r.add("Atanh", 9, n -> unary(UnaryMath::atanh, null));
        r.add("Not", 1, n -> unary(null, x -> x == 0 ? 1 : 0));
        r.add("BitwiseNot", 18, n -> unary(null, x -> ~x));
        r.add("Relu", 1, n -> unary(x -> x > 0 ? x : (x == x ? 0 : x), x -> Math.max(x, 0), x -> x));
        r.add("Sigmoid", 1, n -> unary(UnaryMath::sigmoid, null));
        r.add("Softplus", 1, n -> unary(UnaryMath::softplus, null));
        r.add("Softsign", 1, n -> unary(x -> x / (1 + Math.abs(x)), null));
        r.add("Mish", 18, n -> unary(x -> x * Math.tanh(UnaryMath.softplus(x)), null));
        r.add("HardSwish", 14, n -> unary(x -> x * Math.max(0, Math.min(1, x / 6 + 0.5)), null));
        r.add("LeakyRelu", 1, n -> {
            double a = n.node().attrFloat("alpha", 0.01f);
            return unary(x -> x >= 0 ? x : a * x, null);
        });
        r.add("Elu", 1, n -> {
            double a = n.node().attrFloat("alpha", 1f);
            return unary(x -> x >= 0 ? x : a * (Math.exp(x) - 1), null);
        });
        r.add("Celu", 12, n -> {
            double a = n.node().attrFloat("alpha", 1f);
            return unary(x -> Math.max(0, x) + Math.min(0, a * (Math.exp(x / a) - 1)), null);
        });
        r.add("Selu", 1, n -> {
            double a = n.node().attrFloat("alpha", 1.67326319217681884765625f);
            double g = n.node().attrFloat("gamma", 1.05070102214813232421875f);
            return unary(x -> x > 0 ? g * x : g * (a * Math.exp(x) - a), null);
        });
        r.add("HardSigmoid", 1, n -> {
            double a = n.node().attrFloat("alpha", 0.2f), b = n.node().attrFloat("beta", 0.5f);
            return unary(x -> Math.max(0, Math.min(1, a * x + b)), null);
        });
        r.add("ThresholdedRelu", 10, n -> {
            double a = n.node().attrFloat("alpha", 1f);
            return unary(x -> x > a ? x : 0, null);
        });
        r.add("Shrink", 9, n -> {
            double bias = n.node().attrFloat("bias", 0f), lambd = n.node().attrFloat("lambd", 0.5f);
            return unary(x -> x < -lambd ? x + bias : x > lambd ? x - bias : 0,
                    x -> x < -lambd ? (long) (x + bias) : x > lambd ? (long) (x - bias) : 0);
        });
        r.add("Gelu", 20, n -> {
            String approximate = n.node().attrString("approximate", "none");
            if (!approximate.equals("none") && !approximate.equals("tanh")) {
                throw new IllegalArgumentException("attribute approximate must be 'none' or 'tanh', got '" + approximate + "'");
            }
            boolean tanh = approximate.equals("tanh");
            double k = Math.sqrt(2 / Math.PI);
            return unary(tanh ? x -> 0.5 * x * (1 + Math.tanh(k * (x + 0.044715 * x * x * x)))
                    : x -> 0.5 * x * (1 + UnaryMath.erf(x / Math.sqrt(2))), null);
        });
        r.add("Swish", 24, n -> {
            double a = n.node().attrFloat("alpha", 1f);
            return unary(x -> x * UnaryMath.sigmoid(a * x), null);
        });
        r.add("IsNaN", 9, n -> (ctx, in) -> new Value[] {predicate(tensor(in, 0), Double::isNaN)});
        r.add("IsInf", 10, n -> {
            boolean neg = n.node().attrInt("detect_negative", 1) != 0, pos = n.node().attrInt("detect_positive", 1) != 0;
            return (ctx, in) -> new Value[] {predicate(tensor(in, 0),
                    x -> (pos && x == Double.POSITIVE_INFINITY) || (neg && x == Double.NEGATIVE_INFINITY))};
        });
        BinaryKernels.register(r);
        CastKernels.register(r);
    }

    /**
     * A same-type unary kernel: {@code f} for floating inputs, {@code g} for integer and bool inputs; a null
     * function means the op does not accept that kind of type.
     */
    static ValueKernel unary(DoubleUnaryOperator f, LongUnaryOperator g) { return unary(f, g, g); }

    /**
     * As {@link #unary(DoubleUnaryOperator, LongUnaryOperator)}, with {@code u} for unsigned types, whose elements
     * (uint64 above 2^63 in particular) must not be read as signed.
     */
    static ValueKernel unary(DoubleUnaryOperator f, LongUnaryOperator g, LongUnaryOperator u) {
        return (ctx, in) -> {
            Tensor x = tensor(in, 0);
            DType t = x.dtype();
            if (t == DType.STRING || (t.isFloatingPoint() ? f == null : g == null)) {
                throw new IllegalArgumentException("input 0 has unsupported element type " + t);
            }
            Tensor out = Tensor.allocate(t, x.shape());
            long n = x.size();
            if (t.isFloatingPoint()) {
                for (long i = 0; i < n; i++) out.setDouble(i, f.applyAsDouble(x.getDouble(i)));
            } else {
                LongUnaryOperator op = t.isUnsigned() && t != DType.BOOL ? u : g;
                for (long i = 0; i < n; i++) out.setLong(i, op.applyAsLong(x.getLong(i)));
            }
            return new Value[] {out};
        };
    }

    private static Tensor predicate(Tensor x, java.util.function.DoublePredicate p) {
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("input 0 has element type " + x.dtype() + ", expected a floating type");
        }
        Tensor out = Tensor.allocate(DType.BOOL, x.shape());
        for (long i = 0; i < x.size(); i++) out.setLong(i, p.test(x.getDouble(i)) ? 1 : 0);
        return out;
    }
}
